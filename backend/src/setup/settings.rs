//! The settings page: the settings as the API shows them, and the checks of a change.

use std::collections::BTreeMap;

use diesel::prelude::*;
use shared::settings::{
    check_site_name, check_ticket_prefix, Capability, Settings, SettingsUpdate, Visibility, MAX_UPLOAD_BYTES,
    MIN_UPLOAD_BYTES, NEW_USER_LEVELS, NOTICE_MAX_CHARS, ROWS_PER_PAGE,
};
use shared::AccessLevel;

use crate::core::db::schema::users;
use crate::core::db::AnyConnection;
use crate::core::error::{ApiError, ApiResult};
use crate::core::settings::{self as keys, Stored};

/// The settings as the API shows them.
pub fn load(conn: &mut AnyConnection) -> ApiResult<Settings> {
    let s = Stored::read(conn)?;
    Ok(Settings {
        site_name: s.text(&keys::SITE_NAME),
        notice: s.text(&keys::NOTICE),
        ticket_prefix: s.text(&keys::TICKET_PREFIX),
        visibility: s.visibility(),
        allow_registrations: s.flag(&keys::ALLOW_REGISTRATIONS),
        allow_guest_tickets: s.flag(&keys::ALLOW_GUEST_TICKETS),
        max_upload_bytes: s.num(&keys::MAX_UPLOAD_BYTES),
        rows_per_page: s.num(&keys::ROWS_PER_PAGE),
        confirm_registrations: s.flag(&keys::CONFIRM_REGISTRATIONS),
        new_user_level: s.new_user_level(),
        capabilities: s.capabilities(),
        setup_needed: !admin_exists(conn)?,
        mail_ready: crate::mail::settings::smtp(&s).is_some(),
        api_impersonation: s.flag(&keys::API_IMPERSONATION),
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
pub fn check(update: &SettingsUpdate, max_upload_ceiling: i64) -> ApiResult<Vec<(String, String)>> {
    let mut errors = BTreeMap::new();
    let mut values = Vec::new();
    let mut field = |name: &'static str, result: Result<String, String>| match result {
        Ok(value) => values.push((name.to_owned(), value)),
        Err(message) => {
            errors.insert(name.to_owned(), message);
        }
    };
    if let Some(v) = &update.site_name {
        field(keys::SITE_NAME.key, check_site_name(v).map(|_| v.trim().to_owned()));
    }
    if let Some(v) = &update.notice {
        let v = v.trim();
        let ok = if v.chars().count() > NOTICE_MAX_CHARS {
            Err(format!("must be at most {NOTICE_MAX_CHARS} characters"))
        } else {
            Ok(v.to_owned())
        };
        field(keys::NOTICE.key, ok);
    }
    if let Some(v) = &update.ticket_prefix {
        field(keys::TICKET_PREFIX.key, check_ticket_prefix(v.trim()).map(|_| v.trim().to_owned()));
    }
    if let Some(v) = &update.visibility {
        let parsed = Visibility::parse(v.trim()).map(|v| v.as_str().to_owned());
        field(keys::VISIBILITY.key, parsed.ok_or_else(|| "use public, private or restricted".to_owned()));
    }
    if let Some(v) = update.allow_registrations {
        field(keys::ALLOW_REGISTRATIONS.key, Ok(v.to_string()));
    }
    if let Some(v) = update.allow_guest_tickets {
        field(keys::ALLOW_GUEST_TICKETS.key, Ok(v.to_string()));
    }
    if let Some(v) = update.max_upload_bytes {
        let ceiling = max_upload_ceiling.min(MAX_UPLOAD_BYTES);
        let ok = if (MIN_UPLOAD_BYTES..=ceiling).contains(&v) {
            Ok(v.to_string())
        } else {
            Err(format!("must be {MIN_UPLOAD_BYTES} to {ceiling} bytes (the server's max_attachment_mb)"))
        };
        field(keys::MAX_UPLOAD_BYTES.key, ok);
    }
    if let Some(v) = update.rows_per_page {
        let ok = if ROWS_PER_PAGE.contains(&v) {
            Ok(v.to_string())
        } else {
            Err(format!("must be {} to {}", ROWS_PER_PAGE.start(), ROWS_PER_PAGE.end()))
        };
        field(keys::ROWS_PER_PAGE.key, ok);
    }
    if let Some(v) = update.confirm_registrations {
        field(keys::CONFIRM_REGISTRATIONS.key, Ok(v.to_string()));
    }
    if let Some(v) = update.api_impersonation {
        field(keys::API_IMPERSONATION.key, Ok(v.to_string()));
    }
    if let Some(v) = update.new_user_level {
        let ok = NEW_USER_LEVELS
            .into_iter()
            .find(|l| i64::from(i16::from(*l)) == v)
            .map(|l| i16::from(l).to_string())
            .ok_or_else(|| "must be 0 (enabled by a user manager), 1 or 2".to_owned());
        field(keys::NEW_USER_LEVEL.key, ok);
    }
    for (name, level) in update.capabilities.iter().flatten() {
        match Capability::parse(name) {
            Some(capability) => match i16::try_from(*level).ok().and_then(|l| AccessLevel::try_from(l).ok()) {
                Some(level) => values.push((capability.setting_key(), i16::from(level).to_string())),
                None => {
                    errors.insert(format!("capabilities.{name}"), "must be a level from 0 to 6".into());
                }
            },
            None => {
                errors.insert(format!("capabilities.{name}"), "is not a capability".into());
            }
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(ApiError::InvalidFields(errors))
    }
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
        let good = SettingsUpdate {
            site_name: Some(" ACME IT ".into()),
            allow_registrations: Some(true),
            ..Default::default()
        };
        let values = check(&good, 10 << 20).unwrap();
        let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        assert_eq!(values, vec![pair("site_name", "ACME IT"), pair("allow_registrations", "true")]);
    }

    #[test]
    fn capability_thresholds_and_the_new_user_level_are_checked() {
        let levels = |pairs: &[(&str, i64)]| Some(pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect());
        let bad = SettingsUpdate {
            new_user_level: Some(3),
            capabilities: levels(&[("upload_files", 7), ("fly", 1), ("view_reports", -1)]),
            ..Default::default()
        };
        match check(&bad, 10 << 20) {
            Err(ApiError::InvalidFields(f)) => assert_eq!(
                f.keys().map(String::as_str).collect::<Vec<_>>(),
                ["capabilities.fly", "capabilities.upload_files", "capabilities.view_reports", "new_user_level"]
            ),
            other => panic!("expected 422, got {other:?}"),
        }
        let good = SettingsUpdate {
            new_user_level: Some(0),
            capabilities: levels(&[("upload_files", 3)]),
            ..Default::default()
        };
        let values = check(&good, 10 << 20).unwrap();
        assert_eq!(
            values,
            vec![("new_user_level".to_owned(), "0".to_owned()), ("cap_upload_files".to_owned(), "3".to_owned())]
        );
    }

    #[test]
    fn the_upload_setting_cannot_exceed_the_server_limit() {
        let over = SettingsUpdate { max_upload_bytes: Some(20 << 20), ..Default::default() };
        assert!(check(&over, 10 << 20).is_err());
        assert!(check(&over, 50 << 20).is_ok());
    }
}
