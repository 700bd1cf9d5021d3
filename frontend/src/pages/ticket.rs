//! `/tickets/:number`: the ticket, its conversation, and the reply form.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::tickets::Ticket;

use crate::api::{self, ApiError};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::reply_form::ReplyForm;
use crate::components::thread::Thread;
use crate::session::Session;
use crate::text::timestamp;

#[component]
pub fn TicketPage() -> impl IntoView {
    let session = Session::get();
    let params = use_params_map();
    let number = Memo::new(move |_| params.read().get("number").unwrap_or_default());

    let ticket: LocalResource<Result<Ticket, ApiError>> = LocalResource::new(move || {
        let number = number.get();
        async move {
            session
                .call(|token| {
                    let number = number.clone();
                    async move { api::get_ticket(&token, &number).await }
                })
                .await
        }
    });

    // The reply form is built once per loaded ticket, outside the view that redraws the thread, so
    // that a reload (after a conflict, say) keeps the draft being written.
    let loaded = Memo::new(move |_| ticket.with(|t| matches!(t, Some(Ok(_)))));
    let version = Signal::derive(move || {
        ticket.with(|t| t.as_ref().and_then(|t| t.as_ref().ok()).map(|t| t.version))
    });
    let on_posted = Callback::new(move |fresh: Ticket| ticket.set(Some(Ok(fresh))));
    let on_conflict = Callback::new(move |()| ticket.refetch());

    view! {
        <section class="page" aria-labelledby="ticket-heading">
            <p class="back"><A href="/tickets">"← All tickets"</A></p>
            {move || match ticket.get() {
                None => view! { <Loading label="Loading ticket…"/> }.into_any(),
                Some(Err(error)) => view! {
                    <h1 id="ticket-heading">"Ticket "{number.get_untracked()}</h1>
                    <ErrorNotice error retry=Callback::new(move |()| ticket.refetch())/>
                }
                .into_any(),
                Some(Ok(ticket)) => view! {
                    <TicketFacts ticket=ticket.clone()/>
                    <h2>"Conversation"</h2>
                    <Thread entries=ticket.threads/>
                }
                .into_any(),
            }}
            <Show when=move || loaded.get()>
                <ReplyForm number=number version on_posted on_conflict/>
            </Show>
        </section>
    }
}

#[component]
fn TicketFacts(ticket: Ticket) -> impl IntoView {
    let state_class = format!("badge state-{}", ticket.status_state.as_str());
    view! {
        <header class="ticket-head">
            <h1 id="ticket-heading" data-testid="ticket-subject">{ticket.subject}</h1>
            <dl class="facts">
                <div><dt>"Number"</dt><dd data-testid="ticket-number">{ticket.ticket_number}</dd></div>
                <div><dt>"Status"</dt><dd><span class=state_class>{ticket.ticket_status}</span></dd></div>
                <div><dt>"Priority"</dt><dd>{ticket.priority}</dd></div>
                <div><dt>"Queue"</dt><dd>{ticket.department}</dd></div>
                {ticket.topic.map(|topic| view! { <div><dt>"Topic"</dt><dd>{topic}</dd></div> })}
                <div><dt>"From"</dt><dd>{ticket.user.fullname}</dd></div>
                <div><dt>"Created"</dt><dd>{timestamp(&ticket.create_timestamp)}</dd></div>
            </dl>
        </header>
    }
}
