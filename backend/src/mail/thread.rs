//! Threading: the Message-IDs of our mail, and the In-Reply-To and References that make mail
//! clients show a ticket's mail as one conversation. Every ticket has a root id
//! (`<TCK-1042@desk.example.com>`) that all its mail refers to; mail that came in from the
//! customer is referred to as well, so our answers sit under their messages.
//!
//! The ticket mail we send a person carries a reply token in its Message-ID
//! (`<TCK-1042.RANDOM.TOKEN@desk.example.com>`): an HMAC of the ticket number, the random part and
//! the person's id, under a key derived from the data folder's secret. Their mail client names it
//! in In-Reply-To / References, and that proves (`has_reply_token`) that the reply comes from
//! someone who received our mail to that person about that ticket — which a forged From cannot.

use diesel::prelude::*;

use crate::core::db::schema::thread_entries;
use crate::core::db::AnyConnection;
use crate::core::error::ApiResult;
use crate::core::settings::Stored;
use crate::tickets::rows::TicketRow;

/// How many earlier messages References names besides the root (clients need only a few).
const MAX_REFERENCES: i64 = 10;

/// The domain of our Message-IDs: the sender address's, so replies are recognisably ours.
pub fn domain(stored: &Stored) -> String {
    let from = stored.text(&super::settings::FROM_ADDRESS);
    from.rsplit_once('@')
        .map(|(_, d)| d.trim().to_lowercase())
        .filter(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'))
        .unwrap_or_else(|| "oxidesk.invalid".to_owned())
}

/// A new Message-ID: `<PREFIX.RANDOM@domain>`. The prefix (the ticket number) lets a reply
/// find its ticket even when the mail it answers is gone from our tables.
pub fn new_id(prefix: &str, stored: &Stored) -> String {
    format!("<{}.{}@{}>", id_part(prefix), random_part(), domain(stored))
}

/// What of a prefix may stand in a Message-ID's local part.
fn id_part(prefix: &str) -> String {
    prefix.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

fn random_part() -> String {
    use rand::Rng;
    format!("{:016x}", rand::thread_rng().gen::<u64>())
}

/// Hex characters of a reply token: 128 bits of the HMAC.
const TOKEN_HEX: usize = 32;

type Hmac = hmac::Hmac<sha2::Sha256>;

fn token_mac(key: &[u8], number: &str, random: &str, user_id: i64) -> Hmac {
    use hmac::Mac;
    let mut mac = Hmac::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(format!("{number}.{random}.{user_id}").as_bytes());
    mac
}

/// A new Message-ID for ticket mail to one person: `<NUMBER.RANDOM.TOKEN@domain>`, whose token
/// only the desk can make, and only for that person and ticket.
pub fn new_id_with_token(number: &str, user_id: i64, key: &[u8], domain: &str) -> String {
    use hmac::Mac;
    let (number, random) = (id_part(number), random_part());
    let tag = hex::encode(token_mac(key, &number, &random, user_id).finalize().into_bytes());
    format!("<{number}.{random}.{}@{domain}>", &tag[..TOKEN_HEX])
}

/// Whether one of these ids (without brackets, as a mail names the mail it answers) is ours, about
/// ticket `number`, with the token we gave `user_id`. Compared in constant time.
pub fn has_reply_token(ids: &[&String], number: &str, user_id: i64, key: &[u8], domain: &str) -> bool {
    use hmac::Mac;
    let number = id_part(number);
    ids.iter().any(|id| {
        let Some((local, host)) = id.rsplit_once('@') else { return false };
        let parts: Vec<&str> = local.split('.').collect();
        let [prefix, random, tag] = parts[..] else { return false };
        let Ok(tag) = hex::decode(tag) else { return false };
        host.eq_ignore_ascii_case(domain)
            && prefix == number
            && tag.len() == TOKEN_HEX / 2
            && token_mac(key, prefix, random, user_id).verify_truncated_left(&tag).is_ok()
    })
}

/// A Message-ID as the outbox shows it: a reply token is a person's key to answering as
/// themselves, so it is masked (`<TCK-1042.RANDOM.…@domain>`), as the links of account mail are.
pub fn token_masked(id: &str) -> String {
    let Some((local, host)) = id.rsplit_once('@') else { return id.to_owned() };
    match local.split('.').collect::<Vec<_>>()[..] {
        [prefix, random, tag] if tag.len() == TOKEN_HEX => format!("{prefix}.{random}.…@{host}"),
        _ => id.to_owned(),
    }
}

/// The ticket's root id.
pub fn root(number: &str, stored: &Stored) -> String {
    format!("<{number}@{}>", domain(stored))
}

/// In-Reply-To and References for the next mail about this ticket: it answers the customer's
/// latest mail when there is one, else the ticket's root.
pub fn headers(conn: &mut AnyConnection, ticket: &TicketRow, stored: &Stored) -> ApiResult<(String, String)> {
    let mut received: Vec<String> = thread_entries::table
        .filter(thread_entries::ticket_id.eq(ticket.id))
        .filter(thread_entries::message_id.is_not_null())
        .order(thread_entries::id.desc())
        .limit(MAX_REFERENCES)
        .select(thread_entries::message_id.assume_not_null())
        .load(conn)?;
    received.reverse();
    let root = root(&ticket.number, stored);
    let mut references = vec![root.clone()];
    references.extend(received.iter().map(|id| format!("<{id}>")));
    let in_reply_to = received.last().map_or(root, |id| format!("<{id}>"));
    Ok((in_reply_to, references.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_token_holds_for_its_person_ticket_and_key_only() {
        let (key, domain) = (b"a key of the data folder", "desk.test");
        let id = new_id_with_token("TCK-1042", 7, key, domain);
        let bare = id.trim_start_matches('<').trim_end_matches('>').to_owned();
        assert!(bare.starts_with("TCK-1042.") && bare.ends_with("@desk.test"), "{id}");
        assert!(has_reply_token(&[&bare], "TCK-1042", 7, key, domain));
        assert!(!has_reply_token(&[&bare], "TCK-1042", 8, key, domain), "another person's");
        assert!(!has_reply_token(&[&bare], "TCK-1043", 7, key, domain), "another ticket's");
        assert!(!has_reply_token(&[&bare], "TCK-1042", 7, b"another key", domain));
        assert!(!has_reply_token(&[&bare], "TCK-1042", 7, key, "other.test"), "another desk's");
        let plain = "TCK-1042.0123456789abcdef@desk.test".to_owned();
        let root = "TCK-1042@desk.test".to_owned();
        let forged = bare.replacen('.', ".0", 1);
        assert!(!has_reply_token(&[&plain, &root, &forged], "TCK-1042", 7, key, domain));
        let masked = token_masked(&id);
        assert!(masked.starts_with("<TCK-1042.") && masked.ends_with(".…@desk.test>"), "{masked}");
        assert!(!masked.contains(&bare[26..58]), "{masked} shows the token");
        assert_eq!(token_masked("<TCK-1042.0123456789abcdef@desk.test>"), "<TCK-1042.0123456789abcdef@desk.test>");
    }
}
