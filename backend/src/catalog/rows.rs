//! Statuses, priorities, queues and help topics as stored. Rows mirror their tables whole, so some
//! fields are not read by every build.
#![allow(dead_code)]

use diesel::prelude::*;

use crate::core::db::schema::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = statuses)]
pub struct StatusRow {
    pub id: i64,
    pub name: String,
    pub state: String,
    pub sort: i32,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = priorities)]
pub struct PriorityRow {
    pub id: i64,
    pub name: String,
    pub sort: i32,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = queues)]
pub struct QueueRow {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = help_topics)]
pub struct TopicRow {
    pub id: i64,
    pub name: String,
    pub queue_id: i64,
    pub active: bool,
}
