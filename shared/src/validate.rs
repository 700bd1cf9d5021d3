//! Parse, don't validate: each input the API accepts has a type that can only hold a valid value.
//! The SPA calls the same functions before it submits a form.

use std::fmt;

pub const SUBJECT_MAX_CHARS: usize = 255;
pub const MESSAGE_MAX_BYTES: usize = 1024 * 1024;
pub const NAME_MAX_CHARS: usize = 128;
pub const EMAIL_MAX_CHARS: usize = 254;
pub const PASSWORD_MIN_CHARS: usize = 8;

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_type!(
    /// A ticket subject: 1–255 characters on one line.
    Subject
);
text_type!(
    /// An email address, lower-cased: one `@`, a dotted domain, no spaces or line breaks.
    Email
);
text_type!(
    /// A person's display name: up to 128 characters on one line.
    PersonName
);
text_type!(
    /// A message body: not blank, at most 1 MiB.
    MessageBody
);
text_type!(
    /// A login name: 3–20 letters, digits, dots and dashes.
    Username
);

fn one_line(value: &str) -> Result<&str, String> {
    let trimmed = value.trim();
    if trimmed.chars().any(char::is_control) {
        return Err("must be a single line without control characters".into());
    }
    Ok(trimmed)
}

impl Subject {
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = one_line(value)?;
        if value.is_empty() {
            return Err("must not be empty".into());
        }
        if value.chars().count() > SUBJECT_MAX_CHARS {
            return Err(format!("must be at most {SUBJECT_MAX_CHARS} characters"));
        }
        Ok(Self(value.to_owned()))
    }
}

impl Email {
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = one_line(value)?;
        if value.is_empty() {
            return Err("must not be empty".into());
        }
        if value.chars().count() > EMAIL_MAX_CHARS {
            return Err(format!("must be at most {EMAIL_MAX_CHARS} characters"));
        }
        let invalid = || "is not a valid email address".to_string();
        let (local, domain) = value.split_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.chars().any(|c| c.is_whitespace() || "<>()[]\\,;:\"@".contains(c));
        if !domain_ok || !local_ok {
            return Err(invalid());
        }
        Ok(Self(value.to_lowercase()))
    }
}

impl PersonName {
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = one_line(value)?;
        if value.is_empty() {
            return Err("must not be empty".into());
        }
        if value.chars().count() > NAME_MAX_CHARS {
            return Err(format!("must be at most {NAME_MAX_CHARS} characters"));
        }
        Ok(Self(value.to_owned()))
    }

    /// First and last name the way osTicket splits them: the last word is the last name.
    pub fn split(&self) -> (String, String) {
        match self.0.rsplit_once(' ') {
            Some((first, last)) => (first.trim().to_owned(), last.to_owned()),
            None => (self.0.clone(), String::new()),
        }
    }
}

/// One address as people write it in a "To" or "Cc" field: `bea@example.com`,
/// `Bea Lee <bea@example.com>` or `"Lee, Bea" <bea@example.com>`.
pub fn mailbox(value: &str) -> Result<(Email, Option<PersonName>), String> {
    let value = value.trim();
    match value.rsplit_once('<') {
        Some((name, rest)) => {
            let address = rest.strip_suffix('>').ok_or("is missing the closing >")?;
            let name = name.trim().trim_matches('"').trim();
            let name = if name.is_empty() { None } else { Some(PersonName::parse(name)?) };
            Ok((Email::parse(address)?, name))
        }
        None => Ok((Email::parse(value)?, None)),
    }
}

/// Splits what someone typed into a "Cc" field into its addresses: at commas, semicolons and
/// line ends outside quotes and angle brackets (`"Lee, Bea" <bea@example.com>` is one).
pub fn address_list(value: &str) -> Vec<String> {
    let (mut list, mut current) = (Vec::new(), String::new());
    let (mut quoted, mut angled) = (false, false);
    for c in value.chars() {
        match c {
            '"' => quoted = !quoted,
            '<' if !quoted => angled = true,
            '>' if !quoted => angled = false,
            ',' | ';' | '\n' if !quoted && !angled => {
                list.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    list.push(current);
    list.into_iter().map(|a| a.trim().to_owned()).filter(|a| !a.is_empty()).collect()
}

impl MessageBody {
    pub fn parse(value: &str) -> Result<Self, String> {
        if value.trim().is_empty() {
            return Err("must not be empty".into());
        }
        if value.len() > MESSAGE_MAX_BYTES {
            return Err(format!("must be at most {} KiB", MESSAGE_MAX_BYTES / 1024));
        }
        Ok(Self(value.to_owned()))
    }
}

impl Username {
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        let len = value.chars().count();
        if !(3..=20).contains(&len) {
            return Err("must be 3 to 20 characters".into());
        }
        if !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-') {
            return Err("may contain only letters, digits, dots and dashes".into());
        }
        Ok(Self(value.to_owned()))
    }
}

/// Passwords are checked, never kept: this only says whether one is acceptable.
pub fn check_password(value: &str) -> Result<(), String> {
    if value.chars().count() < PASSWORD_MIN_CHARS {
        return Err(format!("must be at least {PASSWORD_MIN_CHARS} characters"));
    }
    if value.len() > 1024 {
        return Err("must be at most 1024 bytes".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_lists_split_outside_quotes_and_brackets() {
        assert_eq!(
            address_list("a@example.com, \"Lee, Bea\" <bea@example.com>;\nCarl <c@example.com>,, "),
            ["a@example.com", "\"Lee, Bea\" <bea@example.com>", "Carl <c@example.com>"]
        );
        assert!(address_list("  ").is_empty());
    }

    #[test]
    fn mailboxes_take_a_name_or_none() {
        let (email, name) = mailbox(" Bea Lee <Bea@Example.com> ").unwrap();
        assert_eq!((email.as_str(), name.unwrap().as_str()), ("bea@example.com", "Bea Lee"));
        let (email, name) = mailbox("\"Lee, Bea\" <bea@example.com>").unwrap();
        assert_eq!((email.as_str(), name.unwrap().as_str()), ("bea@example.com", "Lee, Bea"));
        assert!(mailbox("bea@example.com").unwrap().1.is_none());
        assert!(mailbox("Bea <bea@example.com").is_err());
        assert!(mailbox("Bea <not an address>").is_err());
        assert!(mailbox("").is_err());
    }

    #[test]
    fn subjects() {
        assert_eq!(Subject::parse("  Printer jam ").unwrap().as_str(), "Printer jam");
        assert!(Subject::parse("   ").is_err());
        assert!(Subject::parse("a\r\nBcc: x").is_err());
        assert!(Subject::parse(&"é".repeat(255)).is_ok());
        assert!(Subject::parse(&"é".repeat(256)).is_err());
    }

    #[test]
    fn emails() {
        assert_eq!(Email::parse("Theo.Dog@Example.COM").unwrap().as_str(), "theo.dog@example.com");
        for bad in ["", "no-at", "a@b", "a@.b.c", "a b@c.de", "a@b..c", "x@y.z\r\nBcc: v@w.x", "@b.c"] {
            assert!(Email::parse(bad).is_err(), "{bad:?} accepted");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(Email::parse(&long).is_err());
    }

    #[test]
    fn messages_and_names() {
        assert!(MessageBody::parse(" \n ").is_err());
        assert!(MessageBody::parse(&"x".repeat(MESSAGE_MAX_BYTES)).is_ok());
        assert!(MessageBody::parse(&"x".repeat(MESSAGE_MAX_BYTES + 1)).is_err());
        let name = PersonName::parse("Michael User2").unwrap();
        assert_eq!(name.split(), ("Michael".into(), "User2".into()));
    }

    #[test]
    fn usernames_and_passwords() {
        assert!(Username::parse("jo.doe-2").is_ok());
        assert!(Username::parse("jo").is_err());
        assert!(Username::parse("jo doe").is_err());
        assert!(Username::parse(&"a".repeat(21)).is_err());
        assert!(check_password("short").is_err());
        assert!(check_password("long enough").is_ok());
    }
}
