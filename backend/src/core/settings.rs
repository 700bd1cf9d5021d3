//! The help desk's settings (NodePoint's configuration page): a key/value table read per request,
//! so that every replica sees a change at once. Each setting is a [`Setting`] constant with its
//! key and the default of a new install, written once: the desk's own below, each feature's in
//! its folder (mail's servers in `mail::settings`).

use std::collections::HashMap;

use diesel::prelude::*;
use serde_json::json;
use shared::settings::{Capabilities, Capability, Visibility};
use shared::AccessLevel;

use crate::core::audit::{self, AuditEvent};
use crate::core::auth::Actor;
use crate::core::db::schema::settings;
use crate::core::db::AnyConnection;
use crate::core::error::ApiResult;

/// One setting: its key in the settings table and its value until an administrator sets one.
pub struct Setting<T: 'static> {
    pub key: &'static str,
    pub default: T,
}

pub const SITE_NAME: Setting<&str> = Setting { key: "site_name", default: "Oxidesk" };
pub const NOTICE: Setting<&str> = Setting { key: "notice", default: "" };
pub const TICKET_PREFIX: Setting<&str> = Setting { key: "ticket_prefix", default: "TCK-" };
pub const TICKET_NUMBER_START: Setting<i64> = Setting { key: "ticket_number_start", default: 1000 };
pub const SLA_HOURS: Setting<i64> = Setting { key: "sla_hours", default: 48 };
pub const AUTO_CLOSE_HOURS: Setting<i64> = Setting { key: "auto_close_hours", default: 72 };
pub const VISIBILITY: Setting<Visibility> = Setting { key: "visibility", default: Visibility::Restricted };
pub const ALLOW_REGISTRATIONS: Setting<bool> = Setting { key: "allow_registrations", default: false };
pub const ALLOW_GUEST_TICKETS: Setting<bool> = Setting { key: "allow_guest_tickets", default: false };
/// Self-registered accounts wait for their address to be confirmed (on unless turned off).
pub const CONFIRM_REGISTRATIONS: Setting<bool> = Setting { key: "confirm_registrations", default: true };
/// NodePoint's "Allow user impersonation": its API's `from_user` acts as that person.
pub const API_IMPERSONATION: Setting<bool> = Setting { key: "api_impersonation", default: false };
pub const MAX_UPLOAD_BYTES: Setting<i64> = Setting { key: "max_upload_bytes", default: 10 * 1024 * 1024 };
pub const ROWS_PER_PAGE: Setting<i64> = Setting { key: "rows_per_page", default: 25 };
pub const NEW_USER_LEVEL: Setting<AccessLevel> =
    Setting { key: "new_user_level", default: AccessLevel::AuthorizedUser };

/// The settings table as read for one request: typed values, with the defaults of a new install
/// for any key that is missing. Cheap (one small query).
pub struct Stored(HashMap<String, String>);

impl Stored {
    pub fn read(conn: &mut AnyConnection) -> ApiResult<Stored> {
        Ok(Stored(
            settings::table
                .select((settings::key, settings::value))
                .load::<(String, String)>(conn)?
                .into_iter()
                .collect(),
        ))
    }

    fn raw(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    pub fn text(&self, setting: &Setting<&str>) -> String {
        self.raw(setting.key).unwrap_or(setting.default).to_owned()
    }

    pub fn num(&self, setting: &Setting<i64>) -> i64 {
        self.raw(setting.key).and_then(|v| v.parse().ok()).unwrap_or(setting.default)
    }

    pub fn flag(&self, setting: &Setting<bool>) -> bool {
        self.raw(setting.key).map_or(setting.default, |v| v == "true")
    }

    pub fn visibility(&self) -> Visibility {
        self.raw(VISIBILITY.key).and_then(Visibility::parse).unwrap_or(VISIBILITY.default)
    }

    fn level(&self, key: &str, default: AccessLevel) -> AccessLevel {
        self.raw(key).and_then(|v| v.parse::<i16>().ok()).and_then(|n| AccessLevel::try_from(n).ok()).unwrap_or(default)
    }

    pub fn new_user_level(&self) -> AccessLevel {
        self.level(NEW_USER_LEVEL.key, NEW_USER_LEVEL.default)
    }

    /// The lowest level that has the capability.
    pub fn threshold(&self, capability: Capability) -> AccessLevel {
        self.level(&capability.setting_key(), capability.default_level())
    }

    pub fn capabilities(&self) -> Capabilities {
        Capability::ALL.into_iter().map(|c| (c, self.threshold(c))).collect()
    }
}

/// Writes checked values (inside the caller's transaction) with one audit row.
pub fn store(conn: &mut AnyConnection, actor: &Actor, ip: Option<&str>, values: &[(String, String)]) -> ApiResult<()> {
    for (key, value) in values {
        let updated = diesel::update(settings::table.find(key)).set(settings::value.eq(value)).execute(conn)?;
        if updated == 0 {
            diesel::insert_into(settings::table)
                .values((settings::key.eq(key), settings::value.eq(value)))
                .execute(conn)?;
        }
    }
    // Mail server passwords are settings too; the audit log says only that they changed.
    let detail: serde_json::Map<String, serde_json::Value> = values
        .iter()
        .map(|(k, v)| (k.clone(), if k.ends_with("_password") { json!("(changed)") } else { json!(v) }))
        .collect();
    Ok(audit::record(
        conn,
        Some(actor),
        ip,
        AuditEvent {
            action: "settings.update",
            target_type: "settings",
            target_id: "site".into(),
            detail: serde_json::Value::Object(detail),
        },
    )?)
}
