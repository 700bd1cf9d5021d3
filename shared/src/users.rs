use serde::{Deserialize, Serialize};

use crate::access::AccessLevel;
use crate::tickets::lenient;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": 5, "username": "michael", "email": "michael@example.com", "fullname": "Michael User2",
    "firstname": "Michael", "lastname": "User2", "phone": "", "level": 1,
    "level_name": "Authorized user", "created": "2026-11-16T13:21:53Z", "last_login": null,
    "email_confirmed": true, "email_notifications": true
})))]
pub struct User {
    pub id: i64,
    /// Customers created from an email address have no user name until they register.
    pub username: Option<String>,
    pub email: String,
    pub fullname: String,
    pub firstname: String,
    pub lastname: String,
    pub phone: String,
    pub level: AccessLevel,
    pub level_name: String,
    pub created: String,
    pub last_login: Option<String>,
    /// Whether the person proved the address is theirs (a confirmation or reset link), or the
    /// account was made by the desk. Registered accounts sign in only once it is confirmed.
    pub email_confirmed: bool,
    /// Mail about tickets (new tickets, replies, status changes). Account mail (confirmation,
    /// password reset) is sent regardless.
    pub email_notifications: bool,
    /// Plain text added below the person's responses when they choose (`signature` on a reply).
    #[serde(default)]
    pub signature: String,
    #[serde(default)]
    pub timezone: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
}

/// Body of `POST /api/users.json` (and osTicket's `POST /api/scp/users.json`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "username": "jdoe", "name": "John Doe", "email": "new.user@example.com",
    "phone": "4254441212X123", "password": "a long passphrase", "level": 3
})))]
pub struct UserCreate {
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// Without a password the account cannot log in until a password is set.
    #[serde(default)]
    pub password: Option<String>,
    /// 1 (customer) when absent.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 0, maximum = 6))]
    pub level: Option<i64>,
    /// Accepted for osTicket compatibility and kept with the user.
    #[serde(default)]
    pub notes: Option<String>,
    /// Their time zone (IANA, `Europe/Berlin`): the desk shows their local time.
    #[serde(default)]
    pub timezone: Option<String>,
    /// The language they read (BCP 47, `de`, `pt-BR`): the desk shows it.
    #[serde(default)]
    pub language: Option<String>,
}

/// Body of `PUT /api/users.json/{id}`: absent fields keep their value. Level 0 disables the
/// account (its sessions and sign-ins are refused).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"level": 3, "name": "Jo Agent"})))]
pub struct UserUpdate {
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 0, maximum = 6))]
    pub level: Option<i64>,
    /// `true` confirms the email address for the person (when the link never arrived);
    /// `false` asks for a new confirmation.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub email_confirmed: Option<bool>,
    /// Turns ticket mail for the person on or off.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub email_notifications: Option<bool>,
    /// Their time zone (IANA, `Europe/Berlin`); `""` clears it.
    #[serde(default)]
    pub timezone: Option<String>,
    /// The language they read (BCP 47, `de`, `pt-BR`); `""` clears it.
    #[serde(default)]
    pub language: Option<String>,
}

/// Body of `PUT /api/users/me.json`: what people change about their own account.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"email_notifications": false, "signature": "Alex Agent\nIT desk, ext. 42"})))]
pub struct ProfileUpdate {
    /// Mail about tickets on or off.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub email_notifications: Option<bool>,
    /// Your signature (plain text, at most 2,000 characters; empty for none), added below a
    /// response that asks for it.
    #[serde(default)]
    pub signature: Option<String>,
}

/// The longest signature, in characters.
pub const SIGNATURE_MAX_CHARS: usize = 2000;

/// Body of `PUT /api/users.json/{id}/password`: an administrator (or user manager) sets a new
/// password; the user's sessions end.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"password": "a new long passphrase"})))]
pub struct PasswordSet {
    #[serde(default)]
    pub password: String,
}
