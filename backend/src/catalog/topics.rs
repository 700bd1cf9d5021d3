//! Help topics' rules: what the forms offer a ticket to be about, each routed to a queue. A topic
//! that tickets have is deactivated, never deleted.

use std::collections::BTreeMap;

use diesel::prelude::*;
use serde_json::json;
use shared::catalog::{Topic, TopicCreate, TopicUpdate};

use crate::catalog::rows::TopicRow;
use crate::catalog::rules::{self, check_name, TicketRef};
use crate::core::auth::guards::Admin;
use crate::core::db::schema::{help_topics, queues};
use crate::core::db::AnyConnection;
use crate::core::error::{ApiError, ApiResult};

/// A new topic, checked: its name, and its queue if one was named (the first queue otherwise).
#[derive(Debug)]
pub struct NewTopic {
    name: String,
    queue_id: Option<i64>,
}

/// A topic's change, checked: absent fields keep their value.
#[derive(Debug)]
pub struct TopicChange {
    name: Option<String>,
    queue_id: Option<i64>,
    active: Option<bool>,
}

/// Topics with their queue's name, by name; inactive ones only when `all`.
fn topics(conn: &mut AnyConnection, id: Option<i64>, all: bool) -> ApiResult<Vec<Topic>> {
    let mut q = help_topics::table
        .inner_join(queues::table.on(queues::id.eq(help_topics::queue_id)))
        .select((help_topics::id, help_topics::name, queues::id, queues::name, help_topics::active))
        .order(help_topics::name)
        .into_boxed();
    if !all {
        q = q.filter(help_topics::active.eq(true));
    }
    if let Some(id) = id {
        q = q.filter(help_topics::id.eq(id));
    }
    Ok(q.load::<(i64, String, i64, String, bool)>(conn)?
        .into_iter()
        .map(|(id, value, queue_id, queue, active)| Topic { id, value, queue_id, queue, active })
        .collect())
}

fn one_topic(conn: &mut AnyConnection, id: i64) -> ApiResult<Topic> {
    topics(conn, Some(id), true)?.pop().ok_or(ApiError::NotFound("topic"))
}

fn find_topic(conn: &mut AnyConnection, id: i64) -> ApiResult<TopicRow> {
    help_topics::table.find(id).select(TopicRow::as_select()).first(conn).optional()?.ok_or(ApiError::NotFound("topic"))
}

/// The topics, by name: the active ones, or all when `all` (whom to show those is the caller's).
pub fn list(conn: &mut AnyConnection, all: bool) -> ApiResult<Vec<Topic>> {
    topics(conn, None, all)
}

pub fn check_new(body: TopicCreate) -> ApiResult<NewTopic> {
    let mut errors = BTreeMap::new();
    let name = check_name(&body.value, "value", &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::InvalidFields(errors));
    }
    Ok(NewTopic { name, queue_id: body.queue_id })
}

pub fn check_change(body: TopicUpdate) -> ApiResult<TopicChange> {
    let mut errors = BTreeMap::new();
    let name = body.value.as_deref().map(|v| check_name(v, "value", &mut errors));
    if !errors.is_empty() {
        return Err(ApiError::InvalidFields(errors));
    }
    Ok(TopicChange { name, queue_id: body.queue_id, active: body.active })
}

/// Adds an active topic (inside the caller's transaction) and audits it.
pub fn create(conn: &mut AnyConnection, admin: &Admin, input: NewTopic) -> ApiResult<Topic> {
    let NewTopic { name, queue_id } = input;
    let queue_id = match queue_id {
        Some(id) => rules::queue_exists(conn, id).map(|_| id)?,
        None => rules::first_queue(conn)?,
    };
    // osTicket scripts were told about a taken name by a 422 on `value`: it stays so
    // here (updates answer 409, as every other catalog name).
    rules::ensure_name_free(&rules::topic_names(conn)?, &name, None, "topic")
        .map_err(|_| ApiError::field("value", "a topic with this name exists"))?;
    let id: i64 = diesel::insert_into(help_topics::table)
        .values((help_topics::name.eq(&name), help_topics::queue_id.eq(queue_id), help_topics::active.eq(true)))
        .returning(help_topics::id)
        .get_result(conn)?;
    admin.audit(conn, "topic.create", "topic", id, json!({"name": name}))?;
    one_topic(conn, id)
}

/// Renames, re-routes or (de)activates a topic, auditing before and after.
pub fn update(conn: &mut AnyConnection, admin: &Admin, id: i64, input: TopicChange) -> ApiResult<Topic> {
    let row = find_topic(conn, id)?;
    if let Some(queue_id) = input.queue_id {
        rules::queue_exists(conn, queue_id)?;
    }
    if let Some(name) = &input.name {
        rules::ensure_name_free(&rules::topic_names(conn)?, name, Some(id), "topic")?;
    }
    let after = TopicRow {
        id,
        name: input.name.unwrap_or_else(|| row.name.clone()),
        queue_id: input.queue_id.unwrap_or(row.queue_id),
        active: input.active.unwrap_or(row.active),
    };
    diesel::update(help_topics::table.find(id))
        .set((
            help_topics::name.eq(&after.name),
            help_topics::queue_id.eq(after.queue_id),
            help_topics::active.eq(after.active),
        ))
        .execute(conn)?;
    admin.audit(
        conn,
        "topic.update",
        "topic",
        id,
        json!({
            "before": {"name": row.name, "queue_id": row.queue_id, "active": row.active},
            "after": {"name": after.name, "queue_id": after.queue_id, "active": after.active},
        }),
    )?;
    one_topic(conn, id)
}

/// Deletes a topic no ticket has; one in use is a 409 that says to deactivate it.
pub fn delete(conn: &mut AnyConnection, admin: &Admin, id: i64) -> ApiResult<()> {
    let row = find_topic(conn, id)?;
    let used = rules::tickets_using(conn, TicketRef::Topic, id)?;
    if used > 0 {
        return Err(ApiError::Conflict(format!(
            "{used} tickets have the topic {}: deactivate it instead (PUT {{\"active\": false}}), \
             so that it is no longer offered",
            row.name
        )));
    }
    diesel::delete(help_topics::table.find(id)).execute(conn)?;
    admin.audit(conn, "topic.delete", "topic", id, json!({"name": row.name}))?;
    Ok(())
}
