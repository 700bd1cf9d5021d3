//! The mail settings: the SMTP server mail leaves through and the IMAP mailbox mail comes in from.
//! Kept in the settings table like every other setting (so every replica sees a change at once),
//! but shown to administrators only, without the passwords.

use std::collections::BTreeMap;

use shared::mail::{
    check_host, MailSecurity, MailSenders, MailSettings, MailSettingsUpdate, MAIL_FIELD_MAX_CHARS, POLL_SECONDS,
};
use shared::validate::Email;

use crate::config::OutboundConfig;
use crate::core::error::{ApiError, ApiResult};
use crate::core::net::connect as net;
use crate::core::settings::{Setting, Stored};

pub const SMTP_HOST: Setting<&str> = Setting { key: "smtp_host", default: "" };
pub const SMTP_USER: Setting<&str> = Setting { key: "smtp_user", default: "" };
pub const SMTP_PASSWORD: Setting<&str> = Setting { key: "smtp_password", default: "" };
pub const FROM_ADDRESS: Setting<&str> = Setting { key: "from_address", default: "" };
pub const FROM_NAME: Setting<&str> = Setting { key: "from_name", default: "" };
pub const IMAP_HOST: Setting<&str> = Setting { key: "imap_host", default: "" };
pub const IMAP_USER: Setting<&str> = Setting { key: "imap_user", default: "" };
pub const IMAP_PASSWORD: Setting<&str> = Setting { key: "imap_password", default: "" };
pub const IMAP_FOLDER: Setting<&str> = Setting { key: "imap_folder", default: "INBOX" };
pub const IMAP_PROCESSED_FOLDER: Setting<&str> = Setting { key: "imap_processed_folder", default: "" };
pub const SMTP_SECURITY: Setting<&str> = Setting { key: "smtp_security", default: "" };
pub const IMAP_SECURITY: Setting<&str> = Setting { key: "imap_security", default: "" };
pub const IMAP_ENABLED: Setting<bool> = Setting { key: "imap_enabled", default: false };
pub const IMAP_POLL_SECONDS: Setting<i64> = Setting { key: "imap_poll_seconds", default: 60 };
pub const IMAP_SENDERS: Setting<&str> = Setting { key: "imap_senders", default: "anyone" };
/// The ports' defaults follow the security chosen (see `port`).
pub const SMTP_PORT: &str = "smtp_port";
pub const IMAP_PORT: &str = "imap_port";

/// Where mail leaves, when a server is set.
#[derive(Debug, Clone, PartialEq)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub security: MailSecurity,
    /// Empty: no authentication.
    pub user: String,
    pub password: String,
    pub from_address: String,
    pub from_name: String,
}

/// The mailbox mail comes in from, when fetching is on.
#[derive(Debug, Clone, PartialEq)]
pub struct Imap {
    pub host: String,
    pub port: u16,
    pub security: MailSecurity,
    pub user: String,
    pub password: String,
    pub folder: String,
    pub processed_folder: Option<String>,
    pub poll_seconds: u64,
}

fn security(stored: &Stored, setting: &Setting<&str>) -> MailSecurity {
    MailSecurity::parse(&stored.text(setting)).unwrap_or_default()
}

fn port(stored: &Stored, key: &'static str, security: MailSecurity, defaults: [i64; 3]) -> i64 {
    let default = match security {
        MailSecurity::None => defaults[0],
        MailSecurity::Starttls => defaults[1],
        MailSecurity::Tls => defaults[2],
    };
    stored.num(&Setting { key, default })
}

const SMTP_PORTS: [i64; 3] = [25, 587, 465];
const IMAP_PORTS: [i64; 3] = [143, 143, 993];

/// The settings as administrators see them.
pub fn view(stored: &Stored) -> MailSettings {
    let smtp_security = security(stored, &SMTP_SECURITY);
    let imap_security = security(stored, &IMAP_SECURITY);
    MailSettings {
        smtp_host: stored.text(&SMTP_HOST),
        smtp_port: port(stored, SMTP_PORT, smtp_security, SMTP_PORTS),
        smtp_security,
        smtp_user: stored.text(&SMTP_USER),
        smtp_password_set: !stored.text(&SMTP_PASSWORD).is_empty(),
        from_address: stored.text(&FROM_ADDRESS),
        from_name: stored.text(&FROM_NAME),
        imap_enabled: stored.flag(&IMAP_ENABLED),
        imap_host: stored.text(&IMAP_HOST),
        imap_port: port(stored, IMAP_PORT, imap_security, IMAP_PORTS),
        imap_security,
        imap_user: stored.text(&IMAP_USER),
        imap_password_set: !stored.text(&IMAP_PASSWORD).is_empty(),
        imap_folder: stored.text(&IMAP_FOLDER),
        imap_processed_folder: stored.text(&IMAP_PROCESSED_FOLDER),
        imap_poll_seconds: stored.num(&IMAP_POLL_SECONDS),
        imap_senders: imap_senders(stored),
    }
}

/// The SMTP server, when one is set (without one, mail waits in the outbox).
pub fn smtp(stored: &Stored) -> Option<Smtp> {
    let v = view(stored);
    if v.smtp_host.is_empty() || v.from_address.is_empty() {
        return None;
    }
    Some(Smtp {
        port: u16::try_from(v.smtp_port).ok()?,
        host: v.smtp_host,
        security: v.smtp_security,
        user: v.smtp_user,
        password: stored.text(&SMTP_PASSWORD),
        from_address: v.from_address,
        from_name: if v.from_name.is_empty() { stored.text(&crate::core::settings::SITE_NAME) } else { v.from_name },
    })
}

/// The IMAP mailbox, when fetching is on and a server is set.
pub fn imap(stored: &Stored) -> Option<Imap> {
    imap_server(stored).filter(|_| stored.flag(&IMAP_ENABLED))
}

/// The IMAP mailbox of the settings, fetching on or not (the admin tests it before turning it on).
pub fn imap_server(stored: &Stored) -> Option<Imap> {
    let v = view(stored);
    if v.imap_host.is_empty() {
        return None;
    }
    Some(Imap {
        port: u16::try_from(v.imap_port).ok()?,
        host: v.imap_host,
        security: v.imap_security,
        user: v.imap_user,
        password: stored.text(&IMAP_PASSWORD),
        folder: v.imap_folder,
        processed_folder: Some(v.imap_processed_folder).filter(|f| !f.is_empty()),
        poll_seconds: u64::try_from(v.imap_poll_seconds).unwrap_or(60),
    })
}

/// Who may open tickets by mail to the mailbox.
pub fn imap_senders(stored: &Stored) -> MailSenders {
    MailSenders::parse(&stored.text(&IMAP_SENDERS)).unwrap_or_default()
}

/// The addresses the desk sends from and reads: mail from them is our own (a loop), and mail
/// is never sent to them.
pub fn own_addresses(stored: &Stored) -> Vec<String> {
    let v = view(stored);
    [v.from_address, v.imap_user].into_iter().map(|a| a.trim().to_lowercase()).filter(|a| a.contains('@')).collect()
}

/// Checks every given field (all errors at once, as a 422) and turns them into stored values.
pub fn check(update: &MailSettingsUpdate) -> ApiResult<Vec<(String, String)>> {
    let mut errors = BTreeMap::new();
    let mut values = Vec::new();
    let mut field = |name: &'static str, result: Result<String, String>| match result {
        Ok(value) => values.push((name.to_owned(), value)),
        Err(message) => {
            errors.insert(name.to_owned(), message);
        }
    };
    let host = |v: &str| check_host(v.trim()).map(|_| v.trim().to_owned());
    let port = |v: i64| if (1..=65535).contains(&v) { Ok(v.to_string()) } else { Err("must be 1 to 65535".to_owned()) };
    let sec = |v: &str| {
        MailSecurity::parse(v.trim())
            .map(|s| s.as_str().to_owned())
            .ok_or_else(|| "use none, starttls or tls".to_owned())
    };
    let line = |v: &str| {
        let v = v.trim();
        if v.chars().count() > MAIL_FIELD_MAX_CHARS {
            Err(format!("must be at most {MAIL_FIELD_MAX_CHARS} characters"))
        } else if v.chars().any(char::is_control) {
            Err("must be one line".to_owned())
        } else {
            Ok(v.to_owned())
        }
    };
    // Passwords are kept as typed (spaces may belong to them); one line, though.
    let secret = |v: &str| {
        if v.chars().count() > MAIL_FIELD_MAX_CHARS {
            Err(format!("must be at most {MAIL_FIELD_MAX_CHARS} characters"))
        } else if v.chars().any(|c| c == '\r' || c == '\n' || c == '\0') {
            Err("must be one line".to_owned())
        } else {
            Ok(v.to_owned())
        }
    };
    if let Some(v) = &update.smtp_host {
        field(SMTP_HOST.key, host(v));
    }
    if let Some(v) = update.smtp_port {
        field(SMTP_PORT, port(v));
    }
    if let Some(v) = &update.smtp_security {
        field(SMTP_SECURITY.key, sec(v));
    }
    if let Some(v) = &update.smtp_user {
        field(SMTP_USER.key, line(v));
    }
    if let Some(v) = &update.smtp_password {
        field(SMTP_PASSWORD.key, secret(v));
    }
    if let Some(v) = &update.from_address {
        let v = v.trim();
        field(
            FROM_ADDRESS.key,
            if v.is_empty() { Ok(String::new()) } else { Email::parse(v).map(|e| e.as_str().to_owned()) },
        );
    }
    if let Some(v) = &update.from_name {
        field(FROM_NAME.key, line(v));
    }
    if let Some(v) = update.imap_enabled {
        field(IMAP_ENABLED.key, Ok(v.to_string()));
    }
    if let Some(v) = &update.imap_host {
        field(IMAP_HOST.key, host(v));
    }
    if let Some(v) = update.imap_port {
        field(IMAP_PORT, port(v));
    }
    if let Some(v) = &update.imap_security {
        field(IMAP_SECURITY.key, sec(v));
    }
    if let Some(v) = &update.imap_user {
        field(IMAP_USER.key, line(v));
    }
    if let Some(v) = &update.imap_password {
        field(IMAP_PASSWORD.key, secret(v));
    }
    if let Some(v) = &update.imap_folder {
        let folder = line(v).and_then(|f| if f.is_empty() { Err("is required".to_owned()) } else { Ok(f) });
        field(IMAP_FOLDER.key, folder);
    }
    if let Some(v) = &update.imap_processed_folder {
        field(IMAP_PROCESSED_FOLDER.key, line(v));
    }
    if let Some(v) = update.imap_poll_seconds {
        let ok = if POLL_SECONDS.contains(&v) {
            Ok(v.to_string())
        } else {
            Err(format!("must be {} to {} seconds", POLL_SECONDS.start(), POLL_SECONDS.end()))
        };
        field(IMAP_POLL_SECONDS.key, ok);
    }
    if let Some(v) = &update.imap_senders {
        let senders = MailSenders::parse(v.trim())
            .map(|s| s.as_str().to_owned())
            .ok_or_else(|| "use anyone, known or known_and_clients".to_owned());
        field(IMAP_SENDERS.key, senders);
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(ApiError::InvalidFields(errors))
    }
}

/// The hosts of an update whose every address the outgoing policy refuses, as a 422 naming each
/// field. This is for the administrator's sake (a mistake shows when it is made); the policy
/// itself holds at every connection, where a name is resolved and checked again. A name that does
/// not resolve now (yet, or within `timeout`) is no finding here.
pub async fn check_destinations(
    update: &MailSettingsUpdate,
    outbound: &OutboundConfig,
    timeout: std::time::Duration,
) -> ApiResult<()> {
    let mut errors = BTreeMap::new();
    for (field, host) in [(SMTP_HOST.key, &update.smtp_host), (IMAP_HOST.key, &update.imap_host)] {
        let Some(host) = host.as_deref().map(str::trim).filter(|h| !h.is_empty()) else { continue };
        let Ok(Ok(found)) = tokio::time::timeout(timeout, net::resolve(host, 0)).await else { continue };
        if let Err(refused) = net::allowed(&found, outbound) {
            errors.insert(field.to_owned(), refused.to_string());
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::InvalidFields(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_is_reported() {
        let bad = MailSettingsUpdate {
            smtp_host: Some("smtp example com".into()),
            smtp_port: Some(0),
            smtp_security: Some("ssl".into()),
            from_address: Some("not an address".into()),
            imap_folder: Some(" ".into()),
            imap_poll_seconds: Some(1),
            smtp_password: Some("two\nlines".into()),
            ..Default::default()
        };
        match check(&bad) {
            Err(ApiError::InvalidFields(f)) => assert_eq!(
                f.keys().map(String::as_str).collect::<Vec<_>>(),
                [
                    "from_address",
                    "imap_folder",
                    "imap_poll_seconds",
                    "smtp_host",
                    "smtp_password",
                    "smtp_port",
                    "smtp_security"
                ]
            ),
            other => panic!("expected 422, got {other:?}"),
        }
        let good = MailSettingsUpdate {
            smtp_host: Some(" 127.0.0.1 ".into()),
            smtp_security: Some("tls".into()),
            smtp_password: Some(" s3cret ".into()),
            ..Default::default()
        };
        let values = check(&good).unwrap();
        let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        assert_eq!(
            values,
            vec![pair("smtp_host", "127.0.0.1"), pair("smtp_security", "tls"), pair("smtp_password", " s3cret ")]
        );
    }
}
