//! The help desk's settings (NodePoint's configuration page) and the first-run setup.

use serde::{Deserialize, Serialize};

use crate::tickets::lenient;

/// Who may read which tickets (NodePoint's "ticket visibility").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Everyone, signed in or not, may read every ticket (never internal notes).
    Public,
    /// Every signed-in user may read every ticket; visitors must sign in.
    Private,
    /// Below the restricted-viewer level, people see only their own tickets (an IT help desk).
    Restricted,
}

impl Visibility {
    pub const ALL: [Visibility; 3] = [Visibility::Public, Visibility::Private, Visibility::Restricted];

    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Private => "private",
            Visibility::Restricted => "restricted",
        }
    }

    pub fn parse(s: &str) -> Option<Visibility> {
        Visibility::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Visibility::Public => "Public: anyone can read tickets",
            Visibility::Private => "Private: signed-in users can read all tickets",
            Visibility::Restricted => "Restricted: customers see only their own tickets",
        }
    }
}

/// Everything a visitor's browser may know about the desk (`GET /api/settings.json` needs no
/// credentials: the sign-in page shows the site name and notice).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "site_name": "Oxidesk", "notice": "", "ticket_prefix": "TCK-", "visibility": "restricted",
    "allow_registrations": false, "allow_guest_tickets": false, "max_upload_bytes": 10485760,
    "rows_per_page": 25, "setup_needed": false
})))]
pub struct Settings {
    pub site_name: String,
    /// Shown at the top of every page when not empty.
    pub notice: String,
    /// New ticket numbers start with it.
    pub ticket_prefix: String,
    pub visibility: Visibility,
    /// Visitors may create their own account from the sign-in page.
    pub allow_registrations: bool,
    /// Visitors may file tickets without an account (with their name and email address).
    pub allow_guest_tickets: bool,
    /// The largest attachment accepted, in bytes.
    pub max_upload_bytes: i64,
    /// Rows per page in lists.
    pub rows_per_page: i64,
    /// True until the first administrator is created through `POST /api/setup.json`.
    pub setup_needed: bool,
}

/// Body of `PUT /api/settings.json` (administrators): absent fields keep their value.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"site_name": "ACME IT", "notice": "Maintenance on Friday 18:00", "rows_per_page": 50})))]
pub struct SettingsUpdate {
    #[serde(default)]
    pub site_name: Option<String>,
    #[serde(default)]
    pub notice: Option<String>,
    #[serde(default)]
    pub ticket_prefix: Option<String>,
    #[serde(default)]
    pub visibility: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub allow_registrations: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub allow_guest_tickets: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 1024, maximum = 104857600))]
    pub max_upload_bytes: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 5, maximum = 100))]
    pub rows_per_page: Option<i64>,
}

/// Body of `POST /api/setup.json`: the first administrator and the basic settings. Accepted only
/// while no administrator exists; answers like a sign-in.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "username": "admin", "name": "Ada Admin", "email": "admin@example.com",
    "password": "a long passphrase", "site_name": "ACME IT", "ticket_prefix": "IT-",
    "visibility": "restricted", "allow_registrations": true, "allow_guest_tickets": false
})))]
pub struct SetupRequest {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(flatten)]
    pub settings: SettingsUpdate,
}

/// Settings limits, shared so that the admin form checks what the server checks.
pub const SITE_NAME_MAX_CHARS: usize = 80;
pub const NOTICE_MAX_CHARS: usize = 1000;
pub const MIN_UPLOAD_BYTES: i64 = 1024;
pub const MAX_UPLOAD_BYTES: i64 = 100 * 1024 * 1024;
pub const ROWS_PER_PAGE: std::ops::RangeInclusive<i64> = 5..=100;

/// A ticket prefix: 1–10 letters, digits or dashes (it becomes part of every ticket number).
pub fn check_ticket_prefix(value: &str) -> Result<(), String> {
    let len = value.chars().count();
    if !(1..=10).contains(&len) {
        return Err("must be 1 to 10 characters".into());
    }
    if !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err("may contain only letters, digits, dashes and underscores".into());
    }
    Ok(())
}

/// A site name: 1–80 characters on one line.
pub fn check_site_name(value: &str) -> Result<(), String> {
    let value = value.trim();
    if value.is_empty() {
        return Err("must not be empty".into());
    }
    if value.chars().count() > SITE_NAME_MAX_CHARS {
        return Err(format!("must be at most {SITE_NAME_MAX_CHARS} characters"));
    }
    if value.chars().any(char::is_control) {
        return Err("must be a single line".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_names() {
        assert!(check_ticket_prefix("IT-").is_ok());
        assert!(check_ticket_prefix("").is_err());
        assert!(check_ticket_prefix("a b").is_err());
        assert!(check_ticket_prefix("ABCDEFGHIJK").is_err());
        assert!(check_site_name("ACME IT").is_ok());
        assert!(check_site_name("  ").is_err());
        assert!(check_site_name("a\nb").is_err());
    }

    #[test]
    fn visibility_round_trips() {
        for v in Visibility::ALL {
            assert_eq!(Visibility::parse(v.as_str()), Some(v));
        }
        assert_eq!(Visibility::parse("secret"), None);
    }
}
