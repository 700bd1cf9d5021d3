//! The help desk's settings (NodePoint's configuration page): a key/value table read per request,
//! so that every replica sees a change at once.

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;
use serde_json::json;
use shared::settings::{
    check_site_name, check_ticket_prefix, Settings, SettingsUpdate, Visibility, MAX_UPLOAD_BYTES, MIN_UPLOAD_BYTES,
    NOTICE_MAX_CHARS, ROWS_PER_PAGE,
};
use shared::AccessLevel;

use crate::audit::{self, AuditEvent};
use crate::auth::Actor;
use crate::db::schema::{settings, users};
use crate::db::AnyConnection;
use crate::error::{ApiError, ApiResult};

/// The settings table as read for one request: typed values, with the defaults of a new install
/// for any key that is missing. Cheap (one small query); `load` adds what only the public
/// settings need.
pub struct Stored(HashMap<String, String>);

impl Stored {
    pub fn read(conn: &mut AnyConnection) -> ApiResult<Stored> {
        Ok(Stored(
            settings::table.select((settings::key, settings::value)).load::<(String, String)>(conn)?.into_iter().collect(),
        ))
    }

    pub fn text(&self, key: &str, default: &str) -> String {
        self.0.get(key).cloned().unwrap_or_else(|| default.to_owned())
    }

    pub fn num(&self, key: &str, default: i64) -> i64 {
        self.0.get(key).and_then(|v| v.parse().ok()).unwrap_or(default)
    }

    pub fn flag(&self, key: &str) -> bool {
        self.0.get(key).is_some_and(|v| v == "true")
    }

    pub fn visibility(&self) -> Visibility {
        self.0.get("visibility").and_then(|v| Visibility::parse(v)).unwrap_or(Visibility::Restricted)
    }

    pub fn rows_per_page(&self) -> i64 {
        self.num("rows_per_page", 25)
    }

    pub fn max_upload_bytes(&self) -> i64 {
        self.num("max_upload_bytes", 10 * 1024 * 1024)
    }
}

/// The settings as the API shows them.
pub fn load(conn: &mut AnyConnection) -> ApiResult<Settings> {
    let s = Stored::read(conn)?;
    Ok(Settings {
        site_name: s.text("site_name", "Oxidesk"),
        notice: s.text("notice", ""),
        ticket_prefix: s.text("ticket_prefix", "TCK-"),
        visibility: s.visibility(),
        allow_registrations: s.flag("allow_registrations"),
        allow_guest_tickets: s.flag("allow_guest_tickets"),
        max_upload_bytes: s.max_upload_bytes(),
        rows_per_page: s.rows_per_page(),
        setup_needed: !admin_exists(conn)?,
    })
}

/// `EXISTS` stops at the first administrator, who is usually among the first rows.
pub fn admin_exists(conn: &mut AnyConnection) -> ApiResult<bool> {
    let level = i16::from(AccessLevel::Administrator);
    Ok(diesel::select(diesel::dsl::exists(users::table.filter(users::level.eq(level)))).get_result(conn)?)
}

/// Checks every given field (all errors at once, as a 422) and turns them into stored values.
/// `max_upload_ceiling` is the server's own limit (`max_attachment_mb`): the request body limit
/// is sized from it, so the setting may lower it but not raise it.
pub fn check(update: &SettingsUpdate, max_upload_ceiling: i64) -> ApiResult<Vec<(&'static str, String)>> {
    let mut errors = BTreeMap::new();
    let mut values = Vec::new();
    let mut field = |name: &'static str, result: Result<String, String>| match result {
        Ok(value) => values.push((name, value)),
        Err(message) => {
            errors.insert(name.to_owned(), message);
        }
    };
    if let Some(v) = &update.site_name {
        field("site_name", check_site_name(v).map(|_| v.trim().to_owned()));
    }
    if let Some(v) = &update.notice {
        let v = v.trim();
        let ok = if v.chars().count() > NOTICE_MAX_CHARS {
            Err(format!("must be at most {NOTICE_MAX_CHARS} characters"))
        } else {
            Ok(v.to_owned())
        };
        field("notice", ok);
    }
    if let Some(v) = &update.ticket_prefix {
        field("ticket_prefix", check_ticket_prefix(v.trim()).map(|_| v.trim().to_owned()));
    }
    if let Some(v) = &update.visibility {
        let parsed = Visibility::parse(v.trim()).map(|v| v.as_str().to_owned());
        field("visibility", parsed.ok_or_else(|| "use public, private or restricted".to_owned()));
    }
    if let Some(v) = update.allow_registrations {
        field("allow_registrations", Ok(v.to_string()));
    }
    if let Some(v) = update.allow_guest_tickets {
        field("allow_guest_tickets", Ok(v.to_string()));
    }
    if let Some(v) = update.max_upload_bytes {
        let ceiling = max_upload_ceiling.min(MAX_UPLOAD_BYTES);
        let ok = if (MIN_UPLOAD_BYTES..=ceiling).contains(&v) {
            Ok(v.to_string())
        } else {
            Err(format!("must be {MIN_UPLOAD_BYTES} to {ceiling} bytes (the server's max_attachment_mb)"))
        };
        field("max_upload_bytes", ok);
    }
    if let Some(v) = update.rows_per_page {
        let ok = if ROWS_PER_PAGE.contains(&v) {
            Ok(v.to_string())
        } else {
            Err(format!("must be {} to {}", ROWS_PER_PAGE.start(), ROWS_PER_PAGE.end()))
        };
        field("rows_per_page", ok);
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(ApiError::InvalidFields(errors))
    }
}

/// Writes checked values (inside the caller's transaction) with one audit row.
pub fn store(conn: &mut AnyConnection, actor: &Actor, ip: Option<&str>, values: &[(&'static str, String)]) -> ApiResult<()> {
    for (key, value) in values {
        let updated = diesel::update(settings::table.find(*key)).set(settings::value.eq(value)).execute(conn)?;
        if updated == 0 {
            diesel::insert_into(settings::table).values((settings::key.eq(*key), settings::value.eq(value))).execute(conn)?;
        }
    }
    let detail: serde_json::Map<String, serde_json::Value> =
        values.iter().map(|(k, v)| ((*k).to_owned(), json!(v))).collect();
    Ok(audit::record(conn, Some(actor), ip, AuditEvent {
        action: "settings.update",
        target_type: "settings",
        target_id: "site".into(),
        detail: serde_json::Value::Object(detail),
    })?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_is_reported_and_good_ones_are_normalised() {
        let bad = SettingsUpdate {
            site_name: Some(" ".into()),
            ticket_prefix: Some("a b".into()),
            visibility: Some("secret".into()),
            max_upload_bytes: Some(1),
            rows_per_page: Some(1000),
            ..Default::default()
        };
        match check(&bad, 10 << 20) {
            Err(ApiError::InvalidFields(f)) => assert_eq!(f.len(), 5, "{f:?}"),
            other => panic!("expected 422, got {other:?}"),
        }
        let good = SettingsUpdate { site_name: Some(" ACME IT ".into()), allow_registrations: Some(true), ..Default::default() };
        let values = check(&good, 10 << 20).unwrap();
        assert_eq!(values, vec![("site_name", "ACME IT".to_owned()), ("allow_registrations", "true".to_owned())]);
    }

    #[test]
    fn the_upload_setting_cannot_exceed_the_server_limit() {
        let over = SettingsUpdate { max_upload_bytes: Some(20 << 20), ..Default::default() };
        assert!(check(&over, 10 << 20).is_err());
        assert!(check(&over, 50 << 20).is_ok());
    }
}
