//! Clients, contacts and events as stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::core::db::schema::{client_events, clients, contacts};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = clients)]
pub struct ClientRow {
    pub id: i64,
    pub name: String,
    pub status: String,
    pub email: String,
    pub phone: String,
    pub address: String,
    pub website: String,
    pub notes: String,
    pub primary_contact_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl ClientRow {
    pub fn is_closed(&self) -> bool {
        self.status == shared::clients::ClientStatus::Closed.as_str()
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = contacts)]
pub struct ContactRow {
    pub id: i64,
    pub client_id: i64,
    pub user_id: Option<i64>,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub title: String,
    pub technical: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = client_events)]
pub struct EventRow {
    pub id: i64,
    pub client_id: i64,
    pub user_id: Option<i64>,
    pub kind: String,
    pub summary: String,
    pub notes: String,
    pub happened_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}
