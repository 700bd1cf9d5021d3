//! The help desk's settings (NodePoint's configuration page) and the first-run setup.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::access::AccessLevel;
use crate::tickets::lenient;

/// NodePoint's capability thresholds: for each, the lowest access level that may do it. The
/// administrator edits them in the settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    /// Attach files to tickets and replies.
    UploadFiles,
    /// Edit what earlier messages of a ticket say.
    ModifyPastChanges,
    /// Create and edit custom ticket forms.
    CustomForms,
    /// See reports and statistics.
    ViewReports,
    /// Assign tasks to users.
    AssignTasks,
    /// List users and see their details (email address, level, tickets).
    ViewUserDetails,
    /// See clients' details, billing included.
    ViewClientDetails,
    /// Add and edit client events.
    AddClientEvents,
    /// Configure automation modules.
    ConfigureAutomation,
    /// Delete tickets for good, with their thread and files.
    DeleteTickets,
}

impl Capability {
    pub const ALL: [Capability; 10] = [
        Capability::UploadFiles,
        Capability::ModifyPastChanges,
        Capability::CustomForms,
        Capability::ViewReports,
        Capability::AssignTasks,
        Capability::ViewUserDetails,
        Capability::ViewClientDetails,
        Capability::AddClientEvents,
        Capability::ConfigureAutomation,
        Capability::DeleteTickets,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Capability::UploadFiles => "upload_files",
            Capability::ModifyPastChanges => "modify_past_changes",
            Capability::CustomForms => "custom_forms",
            Capability::ViewReports => "view_reports",
            Capability::AssignTasks => "assign_tasks",
            Capability::ViewUserDetails => "view_user_details",
            Capability::ViewClientDetails => "view_client_details",
            Capability::AddClientEvents => "add_client_events",
            Capability::ConfigureAutomation => "configure_automation",
            Capability::DeleteTickets => "delete_tickets",
        }
    }

    /// Whether the desk has what the capability allows yet: the settings page shows only these
    /// (the others wait for their modules; their stored thresholds are kept).
    pub fn in_use(self) -> bool {
        matches!(
            self,
            Capability::UploadFiles
                | Capability::ViewUserDetails
                | Capability::DeleteTickets
                | Capability::ViewClientDetails
                | Capability::AddClientEvents
        )
    }

    pub fn parse(key: &str) -> Option<Capability> {
        Capability::ALL.into_iter().find(|c| c.key() == key)
    }

    /// As NodePoint's settings page names it.
    pub fn label(self) -> &'static str {
        match self {
            Capability::UploadFiles => "Can upload files",
            Capability::ModifyPastChanges => "Can modify past ticket changes",
            Capability::CustomForms => "Can make custom forms",
            Capability::ViewReports => "Can view reports and statistics",
            Capability::AssignTasks => "Can assign tasks to users",
            Capability::ViewUserDetails => "Can view user details",
            Capability::ViewClientDetails => "Can view client details",
            Capability::AddClientEvents => "Can add client events",
            Capability::ConfigureAutomation => "Can configure automation",
            Capability::DeleteTickets => "Can delete tickets",
        }
    }

    /// The threshold of a new install (NodePoint's defaults where its manual gives them).
    pub fn default_level(self) -> AccessLevel {
        match self {
            Capability::UploadFiles => AccessLevel::AuthorizedUser,
            Capability::ViewReports | Capability::ViewClientDetails => AccessLevel::RestrictedViewer,
            Capability::ViewUserDetails => AccessLevel::Agent,
            Capability::CustomForms | Capability::AssignTasks => AccessLevel::ProjectManager,
            Capability::ModifyPastChanges | Capability::AddClientEvents => AccessLevel::UserManager,
            Capability::ConfigureAutomation | Capability::DeleteTickets => AccessLevel::Administrator,
        }
    }

    /// The settings key it is stored under.
    pub fn setting_key(self) -> String {
        format!("cap_{}", self.key())
    }
}

/// Every capability with its threshold.
pub type Capabilities = BTreeMap<Capability, AccessLevel>;

/// The levels new accounts may get from the settings: a desk that hands out agent rights to
/// whoever registers is one typo away from a breach, so the choice stops below agents. 0 makes
/// every new account wait for a user manager to enable it.
pub const NEW_USER_LEVELS: [AccessLevel; 3] =
    [AccessLevel::Disabled, AccessLevel::AuthorizedUser, AccessLevel::RestrictedViewer];

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
    "rows_per_page": 25, "confirm_registrations": true, "new_user_level": 1,
    "capabilities": {"upload_files": 1, "modify_past_changes": 5, "custom_forms": 4, "view_reports": 2,
        "assign_tasks": 4, "view_user_details": 3, "view_client_details": 2, "add_client_events": 5,
        "configure_automation": 6, "delete_tickets": 6},
    "setup_needed": false
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
    /// Registered accounts sign in only once their email address is confirmed by a mailed link.
    pub confirm_registrations: bool,
    /// The level of accounts that register or first sign in through the directory (LDAP).
    pub new_user_level: AccessLevel,
    /// The lowest level (0–6) for each capability.
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, i64>))]
    pub capabilities: Capabilities,
    /// True until the first administrator is created through `POST /api/setup.json`.
    pub setup_needed: bool,
    /// Whether the desk sends mail (an SMTP server is set). Until it does, ticket mail is off and
    /// confirmation and reset links wait in the outbox: an administrator confirms registrations.
    #[serde(default)]
    pub mail_ready: bool,
    /// NodePoint's "Allow user impersonation": `from_user` on its API acts as that person (with a
    /// key of the impersonate scope). Off by default.
    #[serde(default)]
    pub api_impersonation: bool,
}

impl Settings {
    /// The settings of a desk before its first run.
    pub fn new_install() -> Settings {
        Settings {
            site_name: "Oxidesk".into(),
            notice: String::new(),
            ticket_prefix: "TCK-".into(),
            visibility: Visibility::Restricted,
            allow_registrations: false,
            allow_guest_tickets: false,
            max_upload_bytes: 10 * 1024 * 1024,
            rows_per_page: 25,
            confirm_registrations: true,
            new_user_level: AccessLevel::AuthorizedUser,
            capabilities: Capability::ALL.into_iter().map(|c| (c, c.default_level())).collect(),
            setup_needed: true,
            mail_ready: false,
            api_impersonation: false,
        }
    }
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
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub confirm_registrations: Option<bool>,
    /// 0, 1 or 2.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 0, maximum = 2))]
    pub new_user_level: Option<i64>,
    /// Capability name → lowest level (0–6); capabilities not named keep their threshold.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<BTreeMap<String, i64>>, example = json!({"upload_files": 3})))]
    pub capabilities: Option<BTreeMap<String, i64>>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub api_impersonation: Option<bool>,
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
