//! One address, one person. An address is stored in one form (Unicode NFC, lowercase, the domain
//! in its ASCII form), so that `é` typed two ways or `bücher.example` and `xn--bcher-kva.example`
//! are the same account; and an address that only looks like one in use — `аlice@example.com`
//! with a Cyrillic `а` — is refused, as is one whose name mixes alphabets (user names are ASCII),
//! so that nobody registers a look-alike of someone's account to be mistaken for them. The
//! look-alikes come from Unicode's confusables (UTS #39, the `unicode-security` crate).

use shared::validate::Email;
use unicode_normalization::UnicodeNormalization;
use unicode_security::confusable_detection::skeleton;
use unicode_security::MixedScript;

use crate::core::auth::{find_by_login, stored_form};
use crate::core::db::AnyConnection;
use crate::core::error::{ApiError, ApiResult};

/// The stored form of an address (`core::auth::stored_form`), or why it cannot be one.
pub fn normalise(email: &Email) -> Result<Email, String> {
    let (local, domain) = email.as_str().rsplit_once('@').ok_or("is not a valid email address")?;
    if idna::domain_to_ascii(domain).is_err() {
        return Err("has a domain name that cannot be used".into());
    }
    let local: String = local.nfc().collect();
    if !local.is_ascii() && !local.as_str().is_single_script() {
        return Err("mixes letters of different alphabets".into());
    }
    Email::parse(&stored_form(email.as_str()))
}

/// What a login looks like in plain letters: each character that is not ASCII replaced by the
/// ASCII it is confusable with, where Unicode names one; `None` when it is ASCII already.
fn plain_look(login: &str) -> Option<String> {
    if login.is_ascii() {
        return None;
    }
    let look: String = login
        .chars()
        .map(|c| {
            let prototype: String = skeleton(c.encode_utf8(&mut [0; 4])).collect();
            if !c.is_ascii() && prototype.is_ascii() {
                prototype.to_lowercase()
            } else {
                c.to_string()
            }
        })
        .collect();
    Some(look)
}

/// Whether the address looks like the address of an account other than `own`.
pub fn looks_taken(conn: &mut AnyConnection, email: &Email, own: Option<i64>) -> ApiResult<bool> {
    let Some(look) = plain_look(email.as_str()) else { return Ok(false) };
    Ok(find_by_login(conn, &look)?.is_some_and(|other| Some(other.id) != own))
}

pub fn looks_taken_error() -> ApiError {
    ApiError::field("email", "looks like an address that is already in use: choose another")
}

/// The address in its stored form, for the account `own` (none: a new one): 422 naming `email`
/// when it cannot be one, or when it looks like the address of another account.
pub fn check(conn: &mut AnyConnection, email: &Email, own: Option<i64>) -> ApiResult<Email> {
    let stored = normalise(email).map_err(|e| ApiError::field("email", e))?;
    if looks_taken(conn, email, own)? {
        return Err(looks_taken_error());
    }
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(text: &str) -> Email {
        Email::parse(text).unwrap()
    }

    #[test]
    fn an_address_has_one_stored_form() {
        let decomposed = "jose\u{301}@example.com";
        assert_eq!(normalise(&email(decomposed)).unwrap().as_str(), "jos\u{e9}@example.com");
        assert_eq!(normalise(&email("anna@b\u{fc}cher.example")).unwrap().as_str(), "anna@xn--bcher-kva.example");
        assert_eq!(normalise(&email("ANNA@Example.COM")).unwrap().as_str(), "anna@example.com");
    }

    #[test]
    fn mixed_alphabets_are_refused_single_ones_kept() {
        assert!(normalise(&email("\u{430}lice@example.com")).is_err(), "Cyrillic а among Latin letters");
        assert!(normalise(&email("\u{43c}\u{430}\u{440}\u{438}\u{44f}@example.com")).is_ok(), "all Cyrillic");
        assert!(normalise(&email("fran\u{e7}ois@example.com")).is_ok());
    }

    #[test]
    fn look_alikes_read_as_their_plain_letters() {
        assert_eq!(plain_look("\u{430}lice@example.com").as_deref(), Some("alice@example.com"));
        assert_eq!(plain_look("alice@ex\u{430}mple.com").as_deref(), Some("alice@example.com"));
        assert_eq!(plain_look("alice@example.com"), None);
    }
}
