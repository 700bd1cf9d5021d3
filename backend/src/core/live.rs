//! What the live updates share within a process (`AppState::live`): the broadcast channel the
//! poller (live::hub) writes and every open stream reads, who has which ticket open as last read,
//! and how many streams each holder has open. The poller itself — what it reads — is the live
//! feature's; this is only the meeting point, so that the state the core carries names no feature.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use shared::live::{Present, TicketEvent, TicketPresence};
use tokio::sync::{broadcast, Notify};

use crate::core::error::{ApiError, ApiResult};

/// Messages a slow stream may fall behind before it is told to reload instead.
const BACKLOG: usize = 1024;
/// Streams one person (or key) may hold, and the process altogether.
pub const STREAMS_PER_HOLDER: usize = 32;
pub const STREAMS_MAX: usize = 2000;

pub type Sender = broadcast::Sender<Arc<Live>>;
pub type Receiver = broadcast::Receiver<Arc<Live>>;
/// Who has which ticket open: the agents by ticket number.
pub type Presence = BTreeMap<String, Vec<Present>>;

/// What the poller broadcasts.
#[derive(Debug, Clone)]
pub enum Live {
    Ticket {
        event: TicketEvent,
        /// The ticket's customer and whether it is held from them (for the customers' streams).
        owner: Option<i64>,
        held: bool,
    },
    Presence(TicketPresence),
}

#[derive(Default)]
struct Inner {
    sender: Option<Sender>,
    /// Who has a ticket open, as last read: a new stream starts from it.
    presence: Presence,
    /// Each holder's open streams, oldest first.
    streams: HashMap<String, VecDeque<Held>>,
    total: usize,
    next_id: u64,
}

/// An open stream as the hub knows it: told through `end` when a newer one takes its place.
struct Held {
    id: u64,
    end: Arc<Notify>,
}

#[derive(Clone, Default)]
pub struct Hub(Arc<Mutex<Inner>>);

/// A stream's place among the open ones, given back when the stream ends.
pub struct Permit {
    hub: Hub,
    holder: String,
    id: u64,
    /// Wakes when a newer stream of the same holder took this one's place: the stream ends.
    pub ended: Arc<Notify>,
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut inner = self.hub.lock();
        let Some(held) = inner.streams.get_mut(&self.holder) else { return };
        // A stream ended by a newer one gave its place back then.
        let Some(at) = held.iter().position(|h| h.id == self.id) else { return };
        held.remove(at);
        if held.is_empty() {
            inner.streams.remove(&self.holder);
        }
        inner.total -= 1;
    }
}

impl Hub {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A place for one more stream of `holder`, or 429 when the process holds enough. A holder
    /// holding enough already has their oldest stream ended instead: a closed tab's stream is
    /// only noticed at its next heartbeat, and someone reloading a page should not be refused
    /// for the streams they left behind.
    pub fn admit(&self, holder: String) -> ApiResult<Permit> {
        let mut inner = self.lock();
        let inner = &mut *inner;
        let held = inner.streams.entry(holder.clone()).or_default();
        if held.len() >= STREAMS_PER_HOLDER {
            if let Some(oldest) = held.pop_front() {
                oldest.end.notify_one();
                inner.total -= 1;
            }
        } else if inner.total >= STREAMS_MAX {
            if held.is_empty() {
                inner.streams.remove(&holder);
            }
            return Err(ApiError::RateLimited { retry_after: 5 });
        }
        inner.next_id += 1;
        let (id, ended) = (inner.next_id, Arc::new(Notify::new()));
        held.push_back(Held { id, end: ended.clone() });
        inner.total += 1;
        Ok(Permit { hub: self.clone(), holder, id, ended })
    }

    /// What happens from now on, and who has which ticket open now; and, when nobody was
    /// listening, the sender a new poller is to write to.
    pub fn subscribe(&self) -> (Receiver, Presence, Option<Sender>) {
        let mut inner = self.lock();
        if let Some(sender) = &inner.sender {
            return (sender.subscribe(), inner.presence.clone(), None);
        }
        let (sender, receiver) = broadcast::channel(BACKLOG);
        inner.sender = Some(sender.clone());
        (receiver, inner.presence.clone(), Some(sender))
    }

    /// The poller's question before each look: is anyone listening? When not, the poller is
    /// forgotten (under the lock a new stream takes, so that it starts another).
    pub fn stop_if_unheard(&self, sender: &Sender) -> bool {
        let mut inner = self.lock();
        if sender.receiver_count() > 0 {
            return false;
        }
        inner.sender = None;
        inner.presence.clear();
        true
    }

    /// Who has which ticket open, as the poller last read it.
    pub fn set_presence(&self, presence: Presence) {
        self.lock().presence = presence;
    }
}
