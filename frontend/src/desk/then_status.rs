//! "Send and set status" (agents): the status a response or note leaves the ticket in, and the
//! resolution a closing one needs, sent with it (`status_id`, `resolution`). A `ReplyExtra`, so
//! that the portal's composer carries none of it.

use leptos::prelude::*;
use shared::tickets::{Ticket, TicketUpdate};
use ui::api::ApiError;
use ui::components::catalog::Catalog;
use ui::components::composer::{Draft, ReplyExtra};
use ui::components::feedback::focus_field;
use ui::components::form::ResolutionField;

pub fn then_status(ticket: Memo<Option<Ticket>>, _draft: Draft, catalog: Catalog) -> Box<dyn ReplyExtra> {
    let chosen = RwSignal::new(None::<i64>);
    let current = Memo::new(move |_| ticket.with(|t| t.as_ref().map(|t| (t.status_id, t.status_state))));
    let closes = Memo::new(move |_| {
        let Some((now, state)) = current.get() else { return false };
        chosen.get().is_some_and(|to| {
            to != now && state.is_active() && catalog.status_state(to).is_some_and(|s| !s.is_active())
        })
    });
    Box::new(ThenStatus {
        catalog,
        chosen,
        current,
        closes,
        resolution: RwSignal::new(String::new()),
        error: RwSignal::new(None),
    })
}

#[derive(Clone, Copy)]
struct ThenStatus {
    catalog: Catalog,
    /// None keeps the ticket's status.
    chosen: RwSignal<Option<i64>>,
    current: Memo<Option<(i64, shared::catalog::StatusState)>>,
    /// Whether the chosen status leaves the open states (a resolution is needed).
    closes: Memo<bool>,
    resolution: RwSignal<String>,
    error: RwSignal<Option<String>>,
}

impl ThenStatus {
    fn name(&self, id: i64) -> Option<String> {
        self.catalog.statuses().into_iter().find(|s| s.id == id).map(|s| s.name)
    }
}

impl ReplyExtra for ThenStatus {
    fn view(&self) -> AnyView {
        let this = *self;
        let Self { catalog, chosen, current, closes, resolution, error } = this;
        view! {
            <div class="field then-status">
                <label for="reply-status">"Then set the status"</label>
                <select
                    id="reply-status"
                    on:change=move |ev| {
                        let picked = event_target_value(&ev).parse::<i64>().ok();
                        chosen.set(picked.filter(|id| Some(*id) != current.get_untracked().map(|c| c.0)));
                        error.set(None);
                    }
                >
                    <option value="" prop:selected=move || chosen.get().is_none()>
                        {move || match current.get().and_then(|(id, _)| this.name(id)) {
                            Some(name) => format!("Keep it {name}"),
                            None => "Keep it as it is".to_owned(),
                        }}
                    </option>
                    {move || {
                        let now = current.get().map(|c| c.0);
                        catalog
                            .statuses()
                            .into_iter()
                            .filter(|s| Some(s.id) != now)
                            .map(|s| {
                                let id = s.id;
                                view! { <option value=id.to_string() prop:selected=move || chosen.get() == Some(id)>{s.name}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
            <Show when=move || closes.get()>
                <ResolutionField id="reply-resolution" value=resolution error=error/>
            </Show>
        }
        .into_any()
    }

    fn check(&self, _note: bool) -> bool {
        if self.closes.get_untracked() && self.resolution.with_untracked(|r| r.trim().is_empty()) {
            self.error.set(Some("A resolution is needed to leave the open states.".into()));
            focus_field("reply-resolution");
            return false;
        }
        true
    }

    fn fill(&self, update: &mut TicketUpdate, _note: bool) {
        update.status_id = self.chosen.get_untracked();
        let resolution = self.resolution.get_untracked().trim().to_owned();
        update.resolution = Some(resolution).filter(|r| self.closes.get_untracked() && !r.is_empty());
    }

    fn show_server_errors(&self, error: &ApiError) {
        if let Some(reason) = error.fields().get("resolution") {
            self.error.try_set(Some(format!("Resolution {reason}.")));
        }
    }

    fn sent(&self) {
        self.chosen.try_set(None);
        self.resolution.try_set(String::new());
    }

    fn then_status(&self) -> Option<String> {
        self.chosen.get().and_then(|id| self.name(id))
    }
}
