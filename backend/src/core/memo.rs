//! Answers kept until what they were computed from changes. Every change is audited, so the
//! newest audit row's id (one index lookup) stamps the data: an answer with the current stamp is
//! still true, on every replica, and any change — here or on another replica — makes the next
//! request compute afresh. For aggregates read far more often than the data changes (the side
//! bar's counts on each page view).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use diesel::prelude::*;

use crate::core::db::schema::audit_log;
use crate::core::db::AnyConnection;
use crate::core::error::ApiResult;

/// Kept answers; past this many (distinct callers) they are all dropped and computed anew.
const CAPACITY: usize = 1000;

pub struct Memo<V>(Mutex<HashMap<String, (i64, V)>>);

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Memo(Mutex::new(HashMap::new()))
    }
}

impl<V: Clone> Memo<V> {
    /// The answer kept for `key` if nothing changed since, else `compute`'s (then kept).
    pub fn get_or(
        &self,
        conn: &mut AnyConnection,
        key: String,
        compute: impl FnOnce(&mut AnyConnection) -> ApiResult<V>,
    ) -> ApiResult<V> {
        // Read before computing: a change in between makes the stamp stale, never the answer.
        let stamp: i64 =
            audit_log::table.select(diesel::dsl::max(audit_log::id)).first::<Option<i64>>(conn)?.unwrap_or(0);
        if let Some((at, value)) = self.0.lock().unwrap_or_else(PoisonError::into_inner).get(&key) {
            if *at == stamp {
                return Ok(value.clone());
            }
        }
        let value = compute(conn)?;
        let mut kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.len() >= CAPACITY {
            kept.clear();
        }
        kept.insert(key, (stamp, value.clone()));
        Ok(value)
    }
}
