//! Times as the API writes them: RFC 3339 in UTC, to the second (`2026-12-04T20:28:01Z`).

use chrono::{NaiveDateTime, SecondsFormat};

pub fn timestamp(t: NaiveDateTime) -> String {
    t.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true)
}
