//! What a ticket's side panel shares in both apps: the context it gets from the ticket page, the
//! action that sends a change and reads the ticket back, and the customer's close and reopen. Every
//! change sends the version on screen; a 409 raises the page's conflict notice instead of
//! overwriting someone else's change. (The agents' panel is the desk's `ticket_sidebar`.)

use leptos::prelude::*;
use shared::tickets::{Ticket, TicketTransition, TicketUpdate};

use crate::api::{self, ApiError};
use crate::components::catalog::Catalog;
use crate::components::feedback::ErrorNotice;
use crate::components::icon::Icon;
use crate::session::Session;
use crate::task::Task;

/// What the panel needs from its page.
#[derive(Clone, Copy)]
pub struct TicketContext {
    pub ticket: Memo<Option<Ticket>>,
    pub catalog: Catalog,
    /// Set on a 409.
    pub conflict: RwSignal<bool>,
    /// A short "saved" line, announced politely.
    pub notice: RwSignal<Option<String>>,
    /// Takes the ticket as stored after a change.
    pub on_saved: Callback<Ticket>,
}

/// How a change reaches the server.
// One per click, moved once: boxing the update would cost an allocation for nothing (and on
// wasm32, with 4-byte pointers, the variants are close in size anyway).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Change {
    Update(TicketUpdate),
    Follow(bool),
    Close(TicketTransition),
    Reopen(TicketTransition),
}

/// Sends a change, then reads the ticket back (so the thread and version shown are the stored
/// ones). On 409 the page's conflict notice takes over.
#[derive(Clone, Copy)]
pub struct ChangeAction {
    task: Task<()>,
    ctx: TicketContext,
    done: &'static str,
}

impl ChangeAction {
    pub fn dispatch(&self, change: Change) {
        let ChangeAction { ctx, done, .. } = *self;
        let session = Session::get();
        self.task.run(async move {
            let Some(number) = ctx.ticket.get_untracked().map(|t| t.ticket_number) else {
                return Ok(());
            };
            let call = match change {
                Change::Update(update) => api::update_ticket_call(&number, &update),
                Change::Follow(on) => api::set_following(&number, on),
                Change::Close(t) => api::close_ticket(&number, &t),
                Change::Reopen(t) => api::reopen_ticket(&number, &t),
            };
            if let Err(error) = session.send(&call).await {
                if error.status() == Some(409) {
                    ctx.conflict.set(true);
                }
                return Err(error);
            }
            let fresh: Ticket = session.read(api::ticket_call(&number)).await?;
            ctx.on_saved.try_run(fresh);
            ctx.notice.try_set(Some(done.to_owned()));
            Ok(())
        });
    }

    pub fn pending(&self) -> Signal<bool> {
        self.task.pending()
    }

    pub fn value(&self) -> RwSignal<Option<Result<(), ApiError>>> {
        self.task.value()
    }
}

pub fn change_action(ctx: TicketContext, done: &'static str) -> ChangeAction {
    ChangeAction { task: Task::new(), ctx, done }
}

/// The error of the last attempt, unless it was a conflict (the page shows that one).
pub fn action_error(action: ChangeAction) -> impl IntoView {
    move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .filter(|e| e.status() != Some(409))
            .map(|error| view! { <ErrorNotice error/> })
    }
}

pub fn version(ctx: TicketContext) -> Option<i64> {
    ctx.ticket.with_untracked(|t| t.as_ref().map(|t| t.version))
}

#[component]
pub fn CustomerActions(ctx: TicketContext) -> impl IntoView {
    let close = change_action(ctx, "Ticket closed.");
    let reopen = change_action(ctx, "Ticket reopened.");
    let pending = Memo::new(move |_| close.pending().get() || reopen.pending().get());
    let active = Memo::new(move |_| ctx.ticket.get().is_some_and(|t| t.status_state.is_active()));
    view! {
        <section class="side-section" aria-labelledby="customer-actions-heading">
            <h2 id="customer-actions-heading">"This ticket"</h2>
            <Show
                when=move || active.get()
                fallback=move || view! {
                    <p class="muted">"Not solved after all? Reopen it and tell us more."</p>
                    <button
                        type="button"
                        disabled=move || pending.get()
                        data-testid="reopen-ticket"
                        on:click=move |_| {
                            reopen.dispatch(Change::Reopen(TicketTransition {
                                version: version(ctx),
                                ..Default::default()
                            }));
                        }
                    >
                        <Icon name="rotate-ccw"/>
                        {move || if pending.get() { "Reopening…" } else { "Reopen ticket" }}
                    </button>
                }
            >
                <p class="muted">"Solved? Close the ticket to let us know."</p>
                <button
                    type="button"
                    class="secondary"
                    disabled=move || pending.get()
                    data-testid="close-ticket"
                    on:click=move |_| {
                        close.dispatch(Change::Close(TicketTransition {
                            version: version(ctx),
                            ..Default::default()
                        }));
                    }
                >
                    <Icon name="circle-check"/>
                    {move || if pending.get() { "Closing…" } else { "Close ticket" }}
                </button>
            </Show>
            {action_error(close)}
            {action_error(reopen)}
        </section>
    }
}

/// The portal's side panel: close and reopen.
pub fn customer_side(ctx: TicketContext) -> AnyView {
    view! {
        <aside class="ticket-side" aria-label="Ticket actions" data-testid="ticket-side">
            <CustomerActions ctx/>
        </aside>
    }
    .into_any()
}
