//! Deleting a ticket for good (`POST /api/tickets.json/{number}/delete`), for agents at the
//! "delete tickets" threshold (Admin › Settings; administrators by default): "Delete", then
//! "Yes, delete" in place; the ticket list afterwards.

use leptos::prelude::*;
use shared::settings::Capability;
use ui::api::{self, Call};
use ui::components::feedback::ErrorNotice;
use ui::components::form::ConfirmButton;
use ui::components::ticket_actions::TicketContext;
use ui::session::Session;
use ui::site::Site;
use ui::task::Task;

#[component]
pub fn DeleteTicket(ctx: TicketContext) -> impl IntoView {
    let session = Session::get();
    let site = Site::get();
    let allowed = Memo::new(move |_| {
        let threshold = site.with(|s| s.and_then(|s| s.capabilities.get(&Capability::DeleteTickets).copied()));
        let threshold = threshold.unwrap_or(Capability::DeleteTickets.default_level());
        session.user().is_some_and(|u| u.level >= threshold)
    });
    let remove = Task::<()>::new();
    let number = Memo::new(move |_| ctx.ticket.get().map(|t| t.ticket_number).unwrap_or_default());
    let confirm = Callback::new(move |()| {
        let number = number.get_untracked();
        remove.run(async move {
            session.send(&api::ticket_part_call(&number, "delete", Call::post)).await?;
            ui::route::navigate("/");
            Ok(())
        });
    });
    view! {
        <Show when=move || allowed.get()>
            <section class="side-section" aria-labelledby="delete-heading">
                <h2 id="delete-heading">"Delete"</h2>
                <p class="hint">"The ticket, its messages and files go for good; the audit log keeps its number."</p>
                {move || view! {
                    <ConfirmButton label="Delete" what=format!("ticket {}", number.get()) on_confirm=confirm pending=remove.pending()/>
                }}
                {move || remove.error().map(|error| view! { <ErrorNotice error/> })}
            </section>
        </Show>
    }
}
