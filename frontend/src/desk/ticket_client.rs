//! The ticket's client and contact in the agents' side panel (ITFlow's "Client & Contact"): a
//! link to the client's page, the client's other open tickets, and choosing another client and
//! contact, or none (an E entry records the change).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::clients::Named;
use shared::tickets::{Ticket, TicketUpdate};
use ui::api::{self, DeskPage};
use ui::components::feedback::ErrorNotice;
use ui::components::ticket_actions::{action_error, change_action, version, Change, TicketContext};
use ui::paths::href;
use ui::session::Session;
use ui::task::Loader;

use crate::clients::picker::ClientContactFields;
use crate::clients::{client_path, may_view};
use crate::customer_panel::TicketLinks;

/// How many of the client's other open tickets the panel lists.
const SHOWN: usize = 5;

#[component]
pub fn ClientPanel(ctx: TicketContext) -> impl IntoView {
    let session = Session::get();
    let may_view = may_view();
    let client = Memo::new(move |_| ctx.ticket.get().and_then(|t| t.client));
    let contact = Memo::new(move |_| ctx.ticket.get().and_then(|t| t.contact));
    let this = Memo::new(move |_| ctx.ticket.get().map(|t| t.ticket_number).unwrap_or_default());
    let others = Loader::new(move || {
        let id = client.get().map(|c| c.id).filter(|_| may_view.get());
        async move {
            let Some(id) = id else {
                return Ok(None);
            };
            let params = [
                ("client".to_owned(), id.to_string()),
                ("status".to_owned(), "open".to_owned()),
                ("sort".to_owned(), "-updated".to_owned()),
                ("per_page".to_owned(), (SHOWN + 1).to_string()),
            ];
            Ok(Some(api::desk_page(session.send(&api::search_call(&params)).await?)?))
        }
    });
    let other_tickets = move |page: &DeskPage| -> Vec<Ticket> {
        let this = this.get();
        page.tickets.iter().filter(|t| t.ticket_number != this).take(SHOWN).cloned().collect()
    };

    view! {
        <section class="side-section ticket-client" aria-labelledby="ticket-client-heading" data-testid="client-panel">
            <h2 id="ticket-client-heading">"Client"</h2>
            {move || match client.get() {
                None => view! { <p class="muted" data-testid="no-client">"No client."</p> }.into_any(),
                Some(c) if may_view.get() => view! {
                    <p class="person-name"><a href=href(&client_path(c.id)) data-testid="ticket-client">{c.name}</a></p>
                }
                .into_any(),
                Some(c) => view! { <p class="person-name" data-testid="ticket-client">{c.name}</p> }.into_any(),
            }}
            {move || contact.get().map(|c| view! {
                <p data-testid="ticket-contact">"Contact: "{c.name}</p>
            })}
            {move || match others.get() {
                Some(Ok(Some(page))) => {
                    let list = other_tickets(&page);
                    view! {
                        <h3>"Its other open tickets"</h3>
                        <TicketLinks tickets=list empty="No other open tickets." testid="client-open-tickets"/>
                    }
                    .into_any()
                }
                Some(Err(error)) => view! { <ErrorNotice error retry=Callback::new(move |()| others.reload())/> }.into_any(),
                _ => ().into_any(),
            }}
            <Show when=move || may_view.get()>
                <ChangeClient ctx/>
            </Show>
        </section>
    }
}

/// Another client and contact for the ticket, or none.
#[component]
fn ChangeClient(ctx: TicketContext) -> impl IntoView {
    let action = change_action(ctx, "Client saved.");
    let pending = action.pending();
    let open = RwSignal::new(false);
    let client = RwSignal::new(None::<Named>);
    let contact = RwSignal::new(None::<i64>);
    let error = RwSignal::new(None::<String>);
    let has_client = Memo::new(move |_| ctx.ticket.get().is_some_and(|t| t.client.is_some()));
    // Saved: fold the form away.
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(()))) {
            open.set(false);
        }
    });
    // The server's word on the client or contact lands on the picker.
    Effect::new(move |_| {
        if let Some(Err(e)) = action.value().get() {
            let fields = e.fields();
            if let Some(reason) = fields.get("client_id").or_else(|| fields.get("contact_id")) {
                error.set(Some(format!("The client or contact {reason}.")));
            }
        }
    });
    let start = move |_| {
        let ticket = ctx.ticket.get_untracked();
        client.set(ticket.as_ref().and_then(|t| t.client.clone()));
        contact.set(ticket.as_ref().and_then(|t| t.contact.as_ref().map(|c| c.id)));
        error.set(None);
        open.set(true);
    };
    let send = move |client_id: i64, contact_id: i64| {
        action.dispatch(Change::Update(TicketUpdate {
            client_id: Some(client_id),
            contact_id: Some(contact_id),
            version: version(ctx),
            ..Default::default()
        }));
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        match client.get_untracked() {
            Some(c) => send(c.id, contact.get_untracked().unwrap_or(0)),
            None => send(0, 0),
        }
    };
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! {
                <div class="button-row">
                    <button type="button" class="secondary" data-testid="change-client" on:click=start>
                        {move || if has_client.get() { "Change client" } else { "Set client" }}
                    </button>
                    <Show when=move || has_client.get()>
                        <button type="button" class="secondary" data-testid="remove-client" disabled=move || pending.get()
                            on:click=move |_| send(0, 0)>
                            "Remove client"
                        </button>
                    </Show>
                </div>
            }
        >
            <form class="stack" novalidate on:submit=on_submit aria-label="Client and contact" data-testid="change-client-form">
                <ClientContactFields ids=("ticket-client-search", "ticket-contact") client contact error/>
                <div class="button-row">
                    <button type="submit" disabled=move || pending.get()>
                        {move || if pending.get() { "Saving…" } else { "Save client" }}
                    </button>
                    <button type="button" class="secondary" on:click=move |_| open.set(false)>"Cancel"</button>
                </div>
            </form>
        </Show>
        {action_error(action)}
    }
}
