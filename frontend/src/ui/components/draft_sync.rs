//! The composer's text kept on the server as it is typed (`/api/tickets.json/{number}/draft`):
//! saved once typing pauses, one request at a time with the latest text last (so a slow save
//! never lands after a newer one, or after the discard that follows sending), restored when the
//! ticket opens again, here or on another device.

use std::time::Duration;

use leptos::prelude::*;
use shared::tickets::Draft as Saved;

use crate::api::{self, ApiError};
use crate::session::Session;

/// How long typing must pause before the text is saved.
const PAUSE: Duration = Duration::from_millis(600);

enum Write {
    Save(Saved),
    Discard,
}

#[derive(Clone, Copy)]
pub struct DraftSync {
    /// Bumped by every change: a pause that ends after a newer change saves nothing.
    changes: StoredValue<u64>,
    /// The write waiting to go, for the ticket it belongs to; a newer one replaces it.
    next: StoredValue<Option<(String, Write)>>,
    busy: StoredValue<bool>,
    /// What became of the last write, to show quietly beside the form.
    pub state: RwSignal<Option<String>>,
    session: Session,
}

impl DraftSync {
    /// Made inside a component: it keeps the session it needs later, outside any.
    pub fn new() -> Self {
        DraftSync {
            changes: StoredValue::new(0),
            next: StoredValue::new(None),
            busy: StoredValue::new(false),
            state: RwSignal::new(None),
            session: Session::get(),
        }
    }

    /// The text of the ticket's draft changed: saved (or, emptied, discarded) once typing pauses.
    pub fn changed(self, number: String, message: String, entry_type: Option<String>) {
        let mine = self.bump();
        set_timeout(
            move || {
                if self.changes.try_get_value() == Some(mine) {
                    let write = if message.trim().is_empty() {
                        Write::Discard
                    } else {
                        Write::Save(Saved { message, entry_type, updated: None })
                    };
                    self.write(number, write);
                }
            },
            PAUSE,
        );
    }

    /// Sent or thrown away: nothing waiting is saved, and the server's copy goes.
    pub fn discard(self, number: String) {
        self.bump();
        self.write(number, Write::Discard);
    }

    /// The person's draft on the ticket, if they left one.
    pub async fn load(self, number: &str) -> Result<Option<Saved>, ApiError> {
        let answer = self.session.send(&api::ticket_part_call(number, "draft", api::Call::get)).await?;
        if answer.status == 204 {
            return Ok(None);
        }
        api::decode(&answer.text).map(Some)
    }

    /// The number of the newest change (0 once the composer is gone: nothing waits then).
    fn bump(self) -> u64 {
        self.changes
            .try_update_value(|n| {
                *n += 1;
                *n
            })
            .unwrap_or(0)
    }

    fn write(self, number: String, write: Write) {
        // Also called once a send's answer came, when the composer may be gone: then the write
        // goes nowhere (the server discarded the draft with the send anyway).
        if self.next.try_set_value(Some((number, write))).is_some() {
            return;
        }
        if self.busy.try_get_value() != Some(false) {
            // The running loop takes it when its request is done.
            return;
        }
        self.busy.try_set_value(true);
        leptos::task::spawn_local(async move {
            let session = self.session;
            while let Some((number, write)) = self.next.try_update_value(Option::take).flatten() {
                let call = match &write {
                    Write::Save(draft) => api::ticket_part_call(&number, "draft", api::Call::put).json(draft),
                    Write::Discard => api::ticket_part_call(&number, "draft", api::Call::delete),
                };
                match (session.send(&call).await, &write) {
                    (Ok(_), Write::Save(_)) => {
                        self.state.try_set(Some("Draft saved.".into()));
                    }
                    (Ok(_), Write::Discard) => {}
                    (Err(error), _) => {
                        self.state.try_set(Some(format!("The draft could not be saved: {}", error.message())));
                    }
                }
            }
            self.busy.try_set_value(false);
        });
    }
}

impl Default for DraftSync {
    fn default() -> Self {
        Self::new()
    }
}
