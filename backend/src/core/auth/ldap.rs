//! Sign-in through an LDAP / Active Directory server by simple bind, as NodePoint does: the
//! directory checks the password, Oxidesk keeps the account (created on first sign-in) and its
//! access level. No service account: the bind is made as the person signing in, and their email
//! and name are read with their own rights.
//!
//! Precedence (see docs/architecture.md): a local account with a password is checked locally,
//! the directory is never asked about it (so the administrator of `oxidesk admin create` still
//! signs in when the directory is down); everyone else is checked by the directory.

use ldap3::{dn_escape, ldap_escape, Ldap, LdapConnAsync, LdapConnSettings, Scope, SearchEntry};
use shared::validate::Username;

use crate::config::LdapConfig;
use crate::core::error::ApiError;

/// Someone the directory vouched for. Email and name are what the directory had, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LdapPerson {
    pub username: String,
    pub email: Option<String>,
    pub fullname: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum LdapError {
    #[error("cannot reach the directory at {url}: {cause}")]
    Unreachable { url: String, cause: String },
    #[error("the directory at {url} did not answer within {secs} s")]
    Timeout { url: String, secs: u64 },
    #[error("the directory at {url} is busy or unavailable (result {code}: {text})")]
    Busy { url: String, code: u32, text: String },
    /// Anything else the bind answered, e.g. an invalid DN from a bad `bind_dn` template.
    #[error("the directory at {url} answered the bind with result {code}: {text}")]
    Unexpected { url: String, code: u32, text: String },
}

impl From<LdapError> for ApiError {
    fn from(e: LdapError) -> ApiError {
        match e {
            LdapError::Unexpected { .. } => ApiError::Internal(format!("ldap: {e}")),
            _ => {
                tracing::warn!(cause = %e, "LDAP sign-in impossible");
                ApiError::Unavailable(
                    "The sign-in directory (LDAP) does not answer; try again in a moment or tell your administrator"
                        .into(),
                )
            }
        }
    }
}

// Result codes of RFC 4511 that mean "not these credentials": invalidCredentials (AD adds the
// reason — locked, expired, disabled — in the text, which we do not pass on), inappropriate
// authentication, unwillingToPerform (e.g. an unauthenticated bind refused), noSuchObject,
// insufficientAccessRights.
const REFUSED: [u32; 5] = [49, 48, 53, 32, 50];
// busy, unavailable.
const BUSY: [u32; 2] = [51, 52];

/// Checks `username` and `password` by a simple bind. `Ok(None)`: wrong credentials, or a user
/// name that cannot be one (the same letters, digits, dots and dashes as local user names; such
/// a name needs no escaping, yet it is escaped per RFC 4514 / 4515 all the same). An empty
/// password is refused here, never sent: servers treat it as an anonymous bind, which succeeds.
pub async fn authenticate(
    config: &LdapConfig,
    username: &str,
    password: &str,
) -> Result<Option<LdapPerson>, LdapError> {
    let Ok(username) = Username::parse(username) else { return Ok(None) };
    if password.is_empty() {
        return Ok(None);
    }
    let deadline = config.timeout;
    match ldap3::tokio::time::timeout(deadline, bind_and_read(config, username.as_str(), password)).await {
        Ok(result) => result,
        Err(_) => Err(LdapError::Timeout { url: config.url.clone(), secs: deadline.as_secs() }),
    }
}

async fn bind_and_read(config: &LdapConfig, username: &str, password: &str) -> Result<Option<LdapPerson>, LdapError> {
    let url = &config.url;
    let unreachable = |e: ldap3::LdapError| LdapError::Unreachable { url: url.clone(), cause: e.to_string() };
    let settings = LdapConnSettings::new().set_conn_timeout(config.timeout).set_starttls(config.starttls);
    let (conn, mut ldap) = LdapConnAsync::with_settings(settings, url).await.map_err(unreachable)?;
    ldap3::drive!(conn);
    let bind_dn = config.bind_dn.replace("{username}", &dn_escape(username));
    let result = ldap.simple_bind(&bind_dn, password).await.map_err(unreachable)?;
    let outcome = match result.rc {
        0 => Ok(Some(read_person(&mut ldap, config, username, &bind_dn).await)),
        code if REFUSED.contains(&code) => Ok(None),
        code if BUSY.contains(&code) => Err(LdapError::Busy { url: url.clone(), code, text: result.text }),
        code => Err(LdapError::Unexpected { url: url.clone(), code, text: result.text }),
    };
    let _ = ldap.unbind().await;
    outcome
}

/// The bound person's email and name. The directory may hide them or lack them: a failed search
/// is logged and the person signs in without them.
async fn read_person(ldap: &mut Ldap, config: &LdapConfig, username: &str, bind_dn: &str) -> LdapPerson {
    let entry = match find_entry(ldap, config, username, bind_dn).await {
        Ok(entry) => entry,
        Err(e) => {
            tracing::warn!(cause = %e, username, "LDAP: cannot read the user's entry after the bind");
            None
        }
    };
    let value = |name: &str| {
        let entry = entry.as_ref()?;
        let (_, values) = entry.attrs.iter().find(|(k, _)| k.eq_ignore_ascii_case(name))?;
        values.iter().map(|v| v.trim()).find(|v| !v.is_empty()).map(str::to_owned)
    };
    LdapPerson {
        username: username.to_owned(),
        email: value(&config.email_attribute),
        fullname: value(&config.name_attribute),
    }
}

async fn find_entry(
    ldap: &mut Ldap,
    config: &LdapConfig,
    username: &str,
    bind_dn: &str,
) -> Result<Option<SearchEntry>, ldap3::LdapError> {
    let (base, scope, filter) = match &config.base_dn {
        Some(base) => (base.as_str(), Scope::Subtree, config.user_filter.replace("{username}", &ldap_escape(username))),
        // A DN template names the entry itself; a UPN or DOMAIN\name does not.
        None if bind_dn.contains('=') => (bind_dn, Scope::Base, "(objectClass=*)".to_owned()),
        None => return Ok(None),
    };
    let attrs = vec![config.email_attribute.as_str(), config.name_attribute.as_str()];
    let (entries, _) = ldap.search(base, scope, &filter, attrs).await?.success()?;
    let mut people = entries.into_iter().filter(|e| !e.is_ref() && !e.is_intermediate());
    // Two entries for one user name: which one is them is unknown, so neither is used.
    Ok(match (people.next(), people.next()) {
        (Some(one), None) => Some(SearchEntry::construct(one)),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A directory on a port where nothing listens: anything that reaches for it fails.
    fn closed() -> LdapConfig {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        LdapConfig::new(format!("ldap://127.0.0.1:{port}"), "uid={username},ou=people,dc=oxidesk,dc=test")
    }

    #[actix_rt::test]
    async fn empty_passwords_and_impossible_names_never_reach_the_directory() {
        let config = closed();
        assert_eq!(authenticate(&config, "alice", "").await.unwrap(), None);
        for name in ["*", "al", "alice)(uid=*", "cn=x,dc=y", "a\\b", "al ice"] {
            assert_eq!(authenticate(&config, name, "secret").await.unwrap(), None, "{name}");
        }
        assert!(matches!(authenticate(&config, "alice", "secret").await, Err(LdapError::Unreachable { .. })));
    }

    #[test]
    fn a_missing_directory_is_a_503_and_a_broken_one_a_500() {
        use actix_web::ResponseError;
        let url = "ldap://dc".to_owned();
        let down = ApiError::from(LdapError::Timeout { url: url.clone(), secs: 5 });
        assert_eq!(down.status_code().as_u16(), 503);
        let bad = ApiError::from(LdapError::Unexpected { url, code: 34, text: "invalid DN".into() });
        assert_eq!(bad.status_code().as_u16(), 500);
    }
}
