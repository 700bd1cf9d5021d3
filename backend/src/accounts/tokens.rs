//! Single-use tokens mailed to a person: one confirms their email address, one lets them set a
//! new password. Only a token's SHA-256 is stored; a newer token of the same kind replaces the
//! older ones, and each works once, before it expires.

use diesel::prelude::*;
use shared::validate::Email;

use crate::core::auth::sessions::{digest, random_token};
use crate::core::db::models::UserRow;
use crate::core::db::schema::{account_tokens, outbox, users};
use crate::core::db::AnyConnection;
use crate::core::error::ApiResult;
use crate::mail::notify::{self, AccountLink};
use crate::mail::outbox::Secret;
use crate::mail::templates::{Kind, Person};

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
pub fn mail_confirmation(conn: &mut AnyConnection, user: &UserRow, public_url: &str) -> ApiResult<()> {
    mail_token(conn, user, Kind::AccountConfirm, Purpose::Confirm, public_url)
}

/// Queues the mail with a link to set a new password.
pub fn mail_reset(conn: &mut AnyConnection, user: &UserRow, public_url: &str) -> ApiResult<()> {
    mail_token(conn, user, Kind::AccountReset, Purpose::Reset, public_url)
}

/// Someone registered with the address of an existing account: its owner is told, with the way to
/// sign in or set a new password, instead of the registration being told the address is taken.
pub fn mail_account_exists(conn: &mut AnyConnection, owner: &UserRow, public_url: &str) -> ApiResult<()> {
    lock(conn, owner.id)?;
    let recipient = Person { name: owner.fullname.clone(), email: owner.email.clone() };
    mail_capped(conn, Kind::AccountExists, recipient, AccountLink::Page("forgot"), public_url)
}

/// Someone registered with this address and a user name that is taken, or with an address that
/// looks like another account's: whoever reads the address learns it, and may register again.
pub fn mail_registration_refused(conn: &mut AnyConnection, email: &Email, public_url: &str) -> ApiResult<()> {
    let recipient = Person { name: email.as_str().to_owned(), email: email.as_str().to_owned() };
    mail_capped(conn, Kind::AccountRefused, recipient, AccountLink::Page("register"), public_url)
}

/// Account mails one address is sent in an hour, at most.
pub const MAILS_PER_HOUR: i64 = 3;

/// The kinds of mail [`MAILS_PER_HOUR`] counts: all that anyone may ask the desk to send.
const ACCOUNT_KINDS: [Kind; 4] = [Kind::AccountConfirm, Kind::AccountReset, Kind::AccountExists, Kind::AccountRefused];

fn mail_token(
    conn: &mut AnyConnection,
    user: &UserRow,
    kind: Kind,
    purpose: Purpose,
    public_url: &str,
) -> ApiResult<()> {
    lock(conn, user.id)?;
    let recipient = Person { name: user.fullname.clone(), email: user.email.clone() };
    let link = AccountLink::Token(Secret { purpose, user: user.id });
    mail_capped(conn, kind, recipient, link, public_url)
}

/// Requests for one person take turns from here to the end of the transaction (PostgreSQL: a
/// row lock; SQLite's writers take turns anyway), so concurrent ones cannot all count below the cap.
fn lock(conn: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    if let AnyConnection::Postgresql(pg) = conn {
        users::table.find(user_id).select(users::id).for_update().first::<i64>(pg)?;
    }
    Ok(())
}

/// At most [`MAILS_PER_HOUR`] account mails go to one address in an hour, however often someone
/// asks: the requests answer the same, so nobody learns of the cap, and a mailbox is not flooded.
fn mail_capped(
    conn: &mut AnyConnection,
    kind: Kind,
    recipient: Person,
    link: AccountLink,
    public_url: &str,
) -> ApiResult<()> {
    let since = chrono::Utc::now().naive_utc() - chrono::Duration::hours(1);
    let sent: i64 = outbox::table
        .filter(outbox::recipient.eq(&recipient.email))
        .filter(outbox::kind.eq_any(ACCOUNT_KINDS.map(Kind::as_str)))
        .filter(outbox::created_at.gt(since))
        .count()
        .get_result(conn)?;
    if sent >= MAILS_PER_HOUR {
        tracing::info!(kind = kind.as_str(), "account mail not sent: {sent} to its address in the last hour");
        return Ok(());
    }
    notify::account(conn, kind, recipient, link, public_url)
}
