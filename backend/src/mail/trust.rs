//! Whether a mail that answers a ticket is from whom its From header says. A From header is
//! whatever the sender typed, so it proves nothing; a reply is *verified* when
//!
//! - it names (In-Reply-To, References) a Message-ID of ours carrying the reply token we mailed to
//!   that person about that ticket (`thread::has_reply_token`): only someone who received our mail
//!   to them has it; or
//! - a receiving server the administrator trusts (`[mail] trusted_authserv_ids`) says, in the
//!   topmost `Authentication-Results` field (RFC 8601), that DMARC passed for the From's domain,
//!   or that DKIM passed with a signature of that very domain. Servers add this field on top of
//!   the mail, so only the topmost one counts: fields lower down may be the sender's own, even
//!   when they name a trusted server.
//!
//! What follows from it is `inbound`'s: an agent's unverified mail becomes an internal note, never
//! a response to the customer; a customer's joins their ticket marked unverified to the agents.

use super::parse::Parsed;
use super::thread;

/// Why a reply is believed to come from its sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// It answers our mail to them (their reply token).
    Token,
    /// This trusted receiving server checked its sender (DMARC or aligned DKIM).
    Server(String),
}

/// What an unverified reply is marked with, for the agents (`thread_entries.unverified`).
pub const AGENT_UNVERIFIED: &str =
    "Sent from an agent's address, but it answers none of the desk's mail to that agent \
(no reply token) and no trusted mail server confirmed the sender (DMARC/DKIM): kept as an internal note, not sent \
to the customer.";
pub const CUSTOMER_UNVERIFIED: &str = "Sent from the customer's address, but it answers none of the desk's mail to \
them (no reply token) and no trusted mail server confirmed the sender (DMARC/DKIM): anyone can write this From.";

/// What checking a reply needs besides the mail.
pub struct Keys<'a> {
    /// The reply tokens' key (`Sink::token_key`).
    pub token_key: &'a [u8],
    /// The domain of our Message-IDs (`thread::domain`).
    pub domain: &'a str,
    /// The authserv-ids of the receiving servers whose word counts, lowercase.
    pub trusted_servers: &'a [String],
}

/// Why this reply on ticket `number` comes from `user_id`, the account of its From, if it does.
pub fn proof(parsed: &Parsed, number: &str, user_id: i64, keys: &Keys<'_>) -> Option<Proof> {
    let ids: Vec<&String> = parsed.in_reply_to.iter().chain(parsed.references.iter()).collect();
    if thread::has_reply_token(&ids, number, user_id, keys.token_key, keys.domain) {
        return Some(Proof::Token);
    }
    let topmost = parsed.authentication_results.as_deref()?;
    authenticated_by(topmost, &parsed.from.address, keys.trusted_servers).map(Proof::Server)
}

/// The server of this Authentication-Results field, when it is trusted and vouches for `from`.
pub fn authenticated_by(field: &str, from: &str, trusted: &[String]) -> Option<String> {
    let from_domain = from.rsplit_once('@')?.1.to_ascii_lowercase();
    let mut parts = split_unquoted(&without_comments(field), ';').into_iter();
    let server = parts.next()?.split_whitespace().next()?.to_ascii_lowercase();
    (trusted.contains(&server) && parts.any(|resinfo| passes(&resinfo, &from_domain))).then_some(server)
}

/// Whether one result (`dmarc=pass header.from=example.com`) vouches for `from_domain`: DMARC
/// passed for it, or DKIM passed with a signature of exactly that domain (strict alignment).
fn passes(resinfo: &str, from_domain: &str) -> bool {
    // `a = b` and `a=b` are the same; after this every token is one `name=value`.
    let joined = resinfo.split('=').map(str::trim).collect::<Vec<_>>().join("=");
    let mut tokens = joined.split_whitespace();
    let Some((method, result)) = tokens.next().and_then(|t| t.split_once('=')) else { return false };
    let method = method.split('/').next().unwrap_or_default().to_ascii_lowercase();
    if !result.eq_ignore_ascii_case("pass") {
        return false;
    }
    let domain_of = |name: &str| {
        tokens.clone().find_map(|t| {
            let (key, value) = t.split_once('=')?;
            key.eq_ignore_ascii_case(name).then(|| {
                let value = value.trim_matches('"');
                value.rsplit_once('@').map_or(value, |(_, d)| d).to_ascii_lowercase()
            })
        })
    };
    match method.as_str() {
        "dmarc" => domain_of("header.from").is_some_and(|d| d == from_domain),
        "dkim" => [domain_of("header.d"), domain_of("header.i")].into_iter().flatten().any(|d| d == from_domain),
        _ => false,
    }
}

/// The field without its comments (`(…)`, nested, outside quoted strings).
fn without_comments(field: &str) -> String {
    let (mut out, mut depth, mut quoted, mut escaped) = (String::new(), 0usize, false, false);
    for c in field.chars() {
        if escaped {
            escaped = false;
            if depth == 0 {
                out.push(c);
            }
            continue;
        }
        match c {
            '\\' => {
                escaped = true;
                if depth == 0 {
                    out.push(c);
                }
            }
            '"' if depth == 0 => {
                quoted = !quoted;
                out.push(c);
            }
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Splits at `sep` outside quoted strings.
fn split_unquoted(text: &str, sep: char) -> Vec<String> {
    let (mut parts, mut current, mut quoted) = (Vec::new(), String::new(), false);
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            c if c == sep && !quoted => parts.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    parts.push(current);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by(field: &str, from: &str) -> Option<String> {
        authenticated_by(field, from, &["mx.desk.test".to_owned()])
    }

    #[test]
    fn a_trusted_servers_dmarc_or_aligned_dkim_pass_vouches_for_the_sender() {
        let dmarc = "mx.desk.test; spf=fail smtp.mailfrom=x.test; dmarc=pass (p=reject) header.from=Example.com";
        assert_eq!(by(dmarc, "sam@example.com").as_deref(), Some("mx.desk.test"));
        let dkim = "MX.desk.test 1; dkim = pass (good signature) header.d=example.com header.s=sel";
        assert_eq!(by(dkim, "sam@example.com").as_deref(), Some("mx.desk.test"));
        assert!(by("mx.desk.test; dkim=pass header.i=@example.com", "sam@example.com").is_some());
        assert!(by("mx.desk.test; dkim/1=pass header.d=\"example.com\"", "sam@example.com").is_some());
    }

    #[test]
    fn anything_else_vouches_for_nobody() {
        let pass = "mx.desk.test; dmarc=pass header.from=example.com";
        assert_eq!(by(pass, "sam@other.test"), None, "another domain's pass");
        assert_eq!(by("evil.test; dmarc=pass header.from=example.com", "sam@example.com"), None, "untrusted");
        assert_eq!(by("mx.desk.test; dmarc=fail header.from=example.com", "sam@example.com"), None);
        assert_eq!(by("mx.desk.test; dmarc=pass", "sam@example.com"), None, "no domain named");
        assert_eq!(by("mx.desk.test; dkim=pass header.d=evil.test", "sam@example.com"), None, "not aligned");
        assert_eq!(by("mx.desk.test; spf=pass smtp.mailfrom=example.com", "sam@example.com"), None, "SPF alone");
        assert_eq!(
            by("mx.desk.test; dkim=fail (header.d=example.com dkim=pass) header.d=example.com", "sam@example.com"),
            None,
            "a comment is no result"
        );
        assert_eq!(by("mx.desk.test (; dmarc=pass header.from=example.com); none", "sam@example.com"), None);
        assert_eq!(by("mx.desk.test; none", "sam@example.com"), None);
        assert_eq!(by(";;;", "sam@example.com"), None);
        assert_eq!(by("(((", "sam@example.com"), None);
    }
}
