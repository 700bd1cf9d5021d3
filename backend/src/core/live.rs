//! What the live updates share within a process (`AppState::live`): the broadcast channel the
//! poller (live::hub) writes and every open stream reads, who has which ticket open as last read,
//! and how many streams each holder has open. The poller itself — what it reads — is the live
//! feature's; this is only the meeting point, so that the state the core carries names no feature.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use shared::live::{Present, TicketEvent, TicketPresence};
use tokio::sync::broadcast;

use crate::core::error::{ApiError, ApiResult};

/// Messages a slow stream may fall behind before it is told to reload instead.
const BACKLOG: usize = 1024;
/// Streams one person (or key, or address) may hold, and the process altogether.
pub const STREAMS_PER_HOLDER: u32 = 32;
pub const STREAMS_MAX: u32 = 2000;

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
    streams: HashMap<String, u32>,
    total: u32,
}

#[derive(Clone, Default)]
pub struct Hub(Arc<Mutex<Inner>>);

/// A stream's place among the open ones, given back when the stream ends.
pub struct Permit {
    hub: Hub,
    holder: String,
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut inner = self.hub.lock();
        inner.total = inner.total.saturating_sub(1);
        if let Some(n) = inner.streams.get_mut(&self.holder) {
            *n -= 1;
            if *n == 0 {
                inner.streams.remove(&self.holder);
            }
        }
    }
}

impl Hub {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A place for one more stream of `holder`, or 429 when they (or the process) hold enough.
    pub fn admit(&self, holder: String) -> ApiResult<Permit> {
        let mut inner = self.lock();
        let mine = inner.streams.get(&holder).copied().unwrap_or(0);
        if mine >= STREAMS_PER_HOLDER || inner.total >= STREAMS_MAX {
            return Err(ApiError::RateLimited { retry_after: 5 });
        }
        inner.streams.insert(holder.clone(), mine + 1);
        inner.total += 1;
        Ok(Permit { hub: self.clone(), holder })
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
