//! One poller per process, running while at least one stream listens: every `TICK` it reads the
//! ticket events written since the last look (on any replica: they are rows), and every
//! `PRESENCE_EVERY` ticks who has which ticket open, and broadcasts them to the streams, each of
//! which keeps what its reader may see (`routes`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use shared::live::{TicketEvent, TicketPresence};

use super::presence;
use crate::core::db::schema::{events, tickets, users};
use crate::core::db::{AnyConnection, DbPool};
use crate::core::error::ApiResult;
use crate::core::live::{Hub, Live, Presence, Receiver, Sender};
use crate::core::time::timestamp;

/// How often the poller looks: a reply shows on other pages within about this long.
const TICK: Duration = Duration::from_millis(250);
/// Presence is looked at every fourth tick (once a second).
const PRESENCE_EVERY: u32 = 4;
/// Events read per look at most; the rest come with the next.
const BATCH: i64 = 500;
/// A PostgreSQL transaction may commit after one that took a later id: ids this far behind the
/// newest seen are looked at again, and those already sent skipped.
const LOOKBACK: i64 = 256;

/// What happens from now on, and who has which ticket open now; starts this process's poller
/// when nobody was listening.
pub fn subscribe(hub: &Hub, pool: &DbPool) -> (Receiver, Presence) {
    let (receiver, present, start) = hub.subscribe();
    if let Some(sender) = start {
        actix_web::rt::spawn(poll(hub.clone(), pool.clone(), sender));
    }
    (receiver, present)
}

/// The poller: runs until no stream listens.
async fn poll(hub: Hub, pool: DbPool, sender: Sender) {
    let mut reader = Reader::new();
    loop {
        if hub.stop_if_unheard(&sender) {
            return;
        }
        let pool = pool.clone();
        let looked = actix_web::web::block(move || {
            let mut conn = pool.get()?;
            let found = reader.look(&mut conn);
            ApiResult::Ok((reader, found))
        })
        .await;
        match looked {
            Ok(Ok((back, found))) => {
                reader = back;
                match found {
                    Ok(news) => {
                        if news.iter().any(|n| matches!(n, Live::Presence(_))) {
                            hub.set_presence(reader.presence.clone());
                        }
                        for item in news {
                            // No receiver left is the loop's exit above, not an error here.
                            let _ = sender.send(Arc::new(item));
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "live updates: reading events failed"),
                }
            }
            // No connection, or the blocking threads failed: the reader's position went with the
            // work, so start again from the newest event.
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "live updates: no database connection");
                reader = Reader::new();
            }
            Err(e) => {
                tracing::warn!(error = %e, "live updates: the poller's work was cancelled");
                reader = Reader::new();
            }
        }
        tokio::time::sleep(TICK).await;
    }
}

/// The poller's position: the newest event id seen, the recent ids already sent, and presence as
/// last told.
struct Reader {
    after: Option<i64>,
    sent: BTreeSet<i64>,
    presence: Presence,
    ticks: u32,
}

type EventRow = (i64, String, String, Option<i64>, NaiveDateTime, Option<i64>, Option<bool>, Option<String>);

impl Reader {
    fn new() -> Reader {
        Reader { after: None, sent: BTreeSet::new(), presence: BTreeMap::new(), ticks: 0 }
    }

    fn look(&mut self, conn: &mut AnyConnection) -> ApiResult<Vec<Live>> {
        let mut news = Vec::new();
        let after = match self.after {
            Some(after) => after,
            None => {
                // Start from now: what happened before is each page's first load.
                let newest: Option<i64> = events::table.select(diesel::dsl::max(events::id)).first(conn)?;
                self.after = Some(newest.unwrap_or(0));
                newest.unwrap_or(0)
            }
        };
        for row in since(conn, after - LOOKBACK)? {
            let id = row.event.id;
            if id <= after - LOOKBACK || self.sent.contains(&id) {
                continue;
            }
            self.sent.insert(id);
            self.after = Some(self.after.unwrap_or(0).max(id));
            news.push(row.into_live());
        }
        let floor = self.after.unwrap_or(0) - LOOKBACK;
        self.sent.retain(|id| *id > floor);
        if self.ticks.is_multiple_of(PRESENCE_EVERY) {
            let now = chrono::Utc::now().naive_utc();
            let current = presence::current(conn, now)?;
            let tickets: BTreeSet<&String> = current.keys().chain(self.presence.keys()).collect();
            for ticket in tickets {
                if current.get(ticket) != self.presence.get(ticket) {
                    let people = current.get(ticket).cloned().unwrap_or_default();
                    news.push(Live::Presence(TicketPresence { ticket: ticket.clone(), people }));
                }
            }
            self.presence = current;
            if self.ticks.is_multiple_of(PRESENCE_EVERY * 60) {
                presence::sweep(conn, now)?;
            }
        }
        self.ticks = self.ticks.wrapping_add(1);
        Ok(news)
    }
}

/// A ticket event as read, with what the streams need to decide who may see it.
pub struct Found {
    pub event: TicketEvent,
    pub owner: Option<i64>,
    pub held: bool,
}

impl Found {
    pub fn into_live(self) -> Live {
        Live::Ticket { event: self.event, owner: self.owner, held: self.held }
    }
}

/// The ticket events after `after`, oldest first (at most `BATCH`): the poller's reading, and a
/// reconnecting stream's catching up (`Last-Event-ID`).
pub fn since(conn: &mut AnyConnection, after: i64) -> ApiResult<Vec<Found>> {
    let rows: Vec<EventRow> = events::table
        .left_join(tickets::table.on(tickets::number.eq(events::target_id)))
        .left_join(users::table.on(users::id.nullable().eq(events::actor_user_id)))
        .filter(events::id.gt(after))
        .filter(events::target_type.eq("ticket"))
        .order(events::id.asc())
        .limit(BATCH)
        .select((
            events::id,
            events::kind,
            events::target_id,
            events::actor_user_id,
            events::created_at,
            tickets::user_id.nullable(),
            tickets::held.nullable(),
            users::fullname.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, kind, ticket, actor_id, at, owner, held, actor)| Found {
            event: TicketEvent { id, kind, ticket, actor_id, actor: actor.unwrap_or_default(), at: timestamp(at) },
            owner,
            held: held.unwrap_or(false),
        })
        .collect())
}
