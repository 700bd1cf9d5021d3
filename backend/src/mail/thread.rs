//! Threading: the Message-IDs of our mail, and the In-Reply-To and References that make mail
//! clients show a ticket's mail as one conversation. Every ticket has a root id
//! (`<TCK-1042@desk.example.com>`) that all its mail refers to; mail that came in from the
//! customer is referred to as well, so our answers sit under their messages.

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
    use rand::Rng;
    let prefix: String = prefix.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    format!("<{prefix}.{:016x}@{}>", rand::thread_rng().gen::<u64>(), domain(stored))
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
