//! Sign-in through the directory (core::auth::ldap does the bind): who the directory has a say
//! about, and the local account a first directory sign-in creates.

use shared::AccessLevel;

use crate::accounts::rules::create_directory_user;
use crate::core::auth::ldap::authenticate;
use crate::core::auth::{find_by_login, level_of};
use crate::core::db::models::UserRow;
use crate::core::db::write_tx;
use crate::core::error::{ApiError, ApiResult};
use crate::core::state::AppState;

/// What the directory says about a sign-in, when it is the directory's to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The password is right for this local user (created now on a first sign-in).
    Bound(i64),
    Refused,
}

impl Verdict {
    pub fn accepts(&self, user: Option<&UserRow>) -> bool {
        matches!((self, user), (Verdict::Bound(id), Some(u)) if u.id == *id)
    }
}

/// For the login handler: `None` when the directory has no say — no `[ldap]` configured, or a
/// local account with a password of its own. Otherwise the directory's verdict, a first sign-in
/// creating the local user at the level for new users. A disabled local user is refused without
/// asking the directory. A directory that does not answer is a 503.
pub async fn check_login(
    state: &AppState,
    login: &str,
    password: &str,
    ip: Option<String>,
) -> ApiResult<Option<Verdict>> {
    let Some(config) = state.config.ldap.as_ref() else { return Ok(None) };
    let login_text = login.to_owned();
    let local = state.db(move |conn| find_by_login(conn, &login_text)).await?;
    let username = match &local {
        Some(user) if user.password_hash.is_some() => return Ok(None),
        Some(user) if level_of(user) == AccessLevel::Disabled => return Ok(Some(Verdict::Refused)),
        // Found by email: the directory knows them by their user name, if they have one.
        Some(user) => user.username.clone(),
        None => Some(login.trim().to_owned()),
    };
    let Some(username) = username else { return Ok(Some(Verdict::Refused)) };
    let Some(person) = authenticate(config, &username, password).await? else { return Ok(Some(Verdict::Refused)) };
    if let Some(user) = local {
        return Ok(Some(Verdict::Bound(user.id)));
    }
    let created =
        state.db(move |conn| write_tx(conn, |conn| create_directory_user(conn, &person, ip.as_deref()))).await;
    let user = match created {
        Ok(user) => user,
        // Two first sign-ins at once (PostgreSQL): the later one uses the account just made.
        Err(ApiError::Conflict(_) | ApiError::InvalidFields(_)) => state
            .db(move |conn| find_by_login(conn, &username))
            .await?
            .ok_or_else(|| ApiError::Conflict("Your account was being created at the same moment; try again".into()))?,
        Err(other) => return Err(other),
    };
    Ok(Some(Verdict::Bound(user.id)))
}
