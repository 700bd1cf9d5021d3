//! Single-use tokens mailed to a person: one confirms their email address, one lets them set a
//! new password. Only a token's SHA-256 is stored; a newer token of the same kind replaces the
//! older ones, and each works once, before it expires.

use diesel::prelude::*;

use crate::core::auth::sessions::{digest, random_token};
use crate::core::db::models::UserRow;
use crate::core::db::schema::{account_tokens, outbox};
use crate::core::db::AnyConnection;
use crate::core::error::ApiResult;
use crate::mail::notify;
use crate::mail::templates::Kind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Purpose {
    Confirm,
    Reset,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Confirm => "confirm",
            Purpose::Reset => "reset",
        }
    }

    /// A reset link is a key to the account: it lives an hour. A confirmation waits two days
    /// for someone who registered and went to lunch.
    /// The SPA's page that takes the token.
    pub fn page(self) -> &'static str {
        match self {
            Purpose::Confirm => "confirm",
            Purpose::Reset => "reset",
        }
    }

    fn lifetime(self) -> chrono::Duration {
        match self {
            Purpose::Confirm => chrono::Duration::hours(48),
            Purpose::Reset => chrono::Duration::hours(1),
        }
    }
}

/// A new token for the user; earlier unused ones of the same purpose stop working.
pub fn issue(conn: &mut AnyConnection, user_id: i64, purpose: Purpose) -> ApiResult<String> {
    let now = chrono::Utc::now().naive_utc();
    diesel::update(
        account_tokens::table
            .filter(account_tokens::user_id.eq(user_id))
            .filter(account_tokens::purpose.eq(purpose.as_str()))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(now))
    .execute(conn)?;
    let token = random_token();
    diesel::insert_into(account_tokens::table)
        .values((
            account_tokens::user_id.eq(user_id),
            account_tokens::purpose.eq(purpose.as_str()),
            account_tokens::token_hash.eq(digest(&token)),
            account_tokens::expires_at.eq(now + purpose.lifetime()),
            account_tokens::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(token)
}

/// Uses the token (inside the caller's transaction): the user id, or `None` when the token is
/// unknown, used, expired or for another purpose.
pub fn redeem(conn: &mut AnyConnection, token: &str, purpose: Purpose) -> ApiResult<Option<i64>> {
    let now = chrono::Utc::now().naive_utc();
    let found: Option<(i64, i64)> = account_tokens::table
        .filter(account_tokens::token_hash.eq(digest(token.trim())))
        .filter(account_tokens::purpose.eq(purpose.as_str()))
        .filter(account_tokens::used_at.is_null())
        .filter(account_tokens::expires_at.gt(now))
        .select((account_tokens::id, account_tokens::user_id))
        .first(conn)
        .optional()?;
    let Some((id, user_id)) = found else { return Ok(None) };
    // The filter on used_at makes a second, concurrent redeem update nothing.
    let claimed = diesel::update(account_tokens::table.find(id).filter(account_tokens::used_at.is_null()))
        .set(account_tokens::used_at.eq(now))
        .execute(conn)?;
    Ok((claimed == 1).then_some(user_id))
}

/// Queues the mail that confirms the user's address. The token is issued when the mail leaves
/// (`mail::outbox::HIDDEN_TOKEN`); `public_url` is where links point (the SPA has a page for each).
pub fn mail_confirmation(conn: &mut AnyConnection, user: &UserRow, public_url: &str, per_hour: u32) -> ApiResult<()> {
    mail_link(conn, user, Kind::AccountConfirm, Purpose::Confirm, public_url, per_hour)
}

/// Queues the mail with a link to set a new password.
pub fn mail_reset(conn: &mut AnyConnection, user: &UserRow, public_url: &str, per_hour: u32) -> ApiResult<()> {
    mail_link(conn, user, Kind::AccountReset, Purpose::Reset, public_url, per_hour)
}

/// At most `per_hour` account mails go to one person in an hour, however often someone asks:
/// the requests answer the same, so nobody learns of the cap, and a mailbox is not flooded.
fn mail_link(
    conn: &mut AnyConnection,
    user: &UserRow,
    kind: Kind,
    purpose: Purpose,
    public_url: &str,
    per_hour: u32,
) -> ApiResult<()> {
    let since = chrono::Utc::now().naive_utc() - chrono::Duration::hours(1);
    let sent: i64 = outbox::table
        .filter(outbox::recipient.eq(&user.email))
        .filter(outbox::kind.eq_any([Kind::AccountConfirm.as_str(), Kind::AccountReset.as_str()]))
        .filter(outbox::created_at.gt(since))
        .count()
        .get_result(conn)?;
    if sent >= i64::from(per_hour) {
        tracing::info!(user = user.id, kind = kind.as_str(), "account mail not sent: {sent} in the last hour");
        return Ok(());
    }
    notify::account(conn, kind, user, purpose, public_url)
}
