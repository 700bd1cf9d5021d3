//! An agent's notifications: newest first, and marking them read.

use diesel::prelude::*;
use shared::notifications::{Notification, NotificationListQuery, NotificationsMarked, NotificationsRead};

use crate::core::db::schema::{events, notifications, tickets, users};
use crate::core::db::{page_offset, write_tx, AnyConnection};
use crate::core::error::{ApiError, ApiResult};
use crate::core::http::paging::check_page;
use crate::core::time::timestamp;

/// At most this many ids in one marking.
const MAX_IDS: usize = 500;

pub struct Page {
    pub items: Vec<Notification>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

type Row =
    (i64, String, chrono::NaiveDateTime, Option<chrono::NaiveDateTime>, String, String, Option<i64>, Option<String>);

/// A page of the agent's notifications (only the unread ones with `unread=true`).
pub fn list(conn: &mut AnyConnection, user_id: i64, query: &NotificationListQuery) -> ApiResult<Page> {
    let (page, per_page) = check_page(query.page, query.per_page)?;
    let unread_only = query.unread == Some(true);
    let mine = || {
        let q = notifications::table.filter(notifications::user_id.eq(user_id)).into_boxed();
        if unread_only {
            q.filter(notifications::read_at.is_null())
        } else {
            q
        }
    };
    let total: i64 = mine().count().get_result(conn)?;
    let rows: Vec<Row> = mine()
        .inner_join(tickets::table)
        .inner_join(events::table)
        .left_join(users::table.on(users::id.nullable().eq(events::actor_user_id)))
        .select((
            notifications::id,
            notifications::reason,
            notifications::created_at,
            notifications::read_at,
            tickets::number,
            tickets::subject,
            events::actor_user_id,
            users::fullname.nullable(),
        ))
        .order(notifications::id.desc())
        .limit(per_page)
        .offset(page_offset(page, per_page))
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(|(id, reason, at, read_at, ticket, subject, actor_id, actor)| Notification {
            id,
            reason,
            ticket,
            subject,
            actor_id,
            actor: actor.unwrap_or_default(),
            at: timestamp(at),
            read: read_at.is_some(),
        })
        .collect();
    Ok(Page { items, total, page, per_page })
}

/// Marks the agent's notifications read (or unread): the ones named, all of them or none; every
/// id must be one of theirs.
pub fn mark(conn: &mut AnyConnection, user_id: i64, body: &NotificationsRead) -> ApiResult<NotificationsMarked> {
    if body.ids.as_ref().is_some_and(|ids| ids.len() > MAX_IDS) {
        return Err(ApiError::field("ids", format!("at most {MAX_IDS} at once")));
    }
    let at = body.read.then(|| chrono::Utc::now().naive_utc());
    write_tx(conn, |conn| {
        let mine = || notifications::table.filter(notifications::user_id.eq(user_id)).into_boxed();
        let chosen = || match &body.ids {
            Some(ids) => mine().filter(notifications::id.eq_any(ids.clone())),
            None => mine(),
        };
        if let Some(ids) = &body.ids {
            let found: Vec<i64> = chosen().select(notifications::id).load(conn)?;
            if let Some(missing) = ids.iter().find(|id| !found.contains(id)) {
                return Err(ApiError::field("ids", format!("you have no notification {missing}")));
            }
        }
        // Only those that change, so `updated` says what the call did.
        let changing = match at {
            Some(_) => chosen().filter(notifications::read_at.is_null()),
            None => chosen().filter(notifications::read_at.is_not_null()),
        };
        let ids: Vec<i64> = changing.select(notifications::id).load(conn)?;
        let mut updated = 0;
        for chunk in ids.chunks(MAX_IDS) {
            updated += diesel::update(notifications::table.filter(notifications::id.eq_any(chunk)))
                .set(notifications::read_at.eq(at))
                .execute(conn)?;
        }
        let unread = mine().filter(notifications::read_at.is_null()).count().get_result(conn)?;
        Ok(NotificationsMarked { updated: updated as i64, unread })
    })
}
