//! The agents' part of the new-ticket form (osTicket's "new ticket on behalf", Zammad's phone
//! ticket): whom the ticket is for — found by name or address, or a new address — and how they got
//! in touch, who else is copied, and the client and contact it is for (`?client=<id>` chooses the
//! client, as the client page's "New ticket for this client" does), above the form's own fields;
//! its queue, assignee, status (with the resolution a closing one needs) and priority below them.

use leptos::prelude::*;
use shared::clients::{Client, ClientStatus, Named};
use shared::tickets::TicketCreate;
use shared::validate::{address_list, PersonName};
use ui::api::ApiError;
use ui::components::catalog::Catalog;
use ui::components::feedback::{ErrorNotice, FieldError};
use ui::components::form::{Checks, FieldErrors, ResolutionField, TextField};
use ui::components::person_picker::{Person, PersonPicker};
use ui::pages::new_ticket::FormExtra;
use ui::session::Session;

use crate::clients::picker::ClientContactFields;
use crate::clients::{calls, may_view};
use crate::copies::checked_list;

/// Preselected when the desk has it; otherwise the server's default applies.
const DEFAULT_PRIORITY: &str = "Normal";
const REQUESTER_ID: &str = "ticket-requester";

/// The agents' fields, for `NewTicketPage`'s `extra`.
pub fn staff_fields() -> Box<dyn FormExtra> {
    Box::new(StaffChoices::new())
}

#[derive(Clone, Copy)]
struct StaffChoices {
    catalog: Catalog,
    requester: RwSignal<Option<Person>>,
    requester_error: RwSignal<Option<String>>,
    /// Who else is copied (`copies`).
    cc: RwSignal<String>,
    cc_errors: RwSignal<FieldErrors>,
    /// The client and its contact (shown to those who may read the clients directory).
    may_pick_client: Memo<bool>,
    client: RwSignal<Option<Named>>,
    contact: RwSignal<Option<i64>>,
    client_error: RwSignal<Option<String>>,
    source: RwSignal<String>,
    queue: RwSignal<Option<i64>>,
    assignee: RwSignal<Option<i64>>,
    status: RwSignal<Option<i64>>,
    priority: RwSignal<Option<i64>>,
    resolution: RwSignal<String>,
    resolution_error: RwSignal<Option<String>>,
}

impl StaffChoices {
    fn new() -> Self {
        let client = RwSignal::new(None);
        preselect_client(client);
        StaffChoices {
            catalog: Catalog::load(),
            requester: RwSignal::new(None),
            requester_error: RwSignal::new(None),
            cc: RwSignal::new(String::new()),
            cc_errors: RwSignal::new(FieldErrors::new()),
            may_pick_client: may_view(),
            client,
            contact: RwSignal::new(None),
            client_error: RwSignal::new(None),
            source: RwSignal::new("Phone".into()),
            queue: RwSignal::new(None),
            assignee: RwSignal::new(None),
            status: RwSignal::new(None),
            priority: RwSignal::new(None),
            resolution: RwSignal::new(String::new()),
            resolution_error: RwSignal::new(None),
        }
    }

    /// Whether the chosen status leaves the open states (and so needs a resolution).
    fn closes(&self) -> bool {
        let chosen = self.status.get();
        chosen.and_then(|id| self.catalog.status_state(id)).is_some_and(|s| !s.is_active())
    }
}

impl FormExtra for StaffChoices {
    fn head(&self) -> AnyView {
        let staff = *self;
        view! {
            <PersonPicker id=REQUESTER_ID label="Customer" chosen=staff.requester error=staff.requester_error/>
            <p class="hint">"Search by name or address, or type a new address. Left empty, the ticket is yours."</p>
            <TextField id="ticket-cc" name="cc" label="CC" value=staff.cc errors=staff.cc_errors
                hint="Others to keep informed: they get the ticket's mail and may answer. Separate addresses with commas."/>
            <Show when=move || staff.may_pick_client.get()>
                <ClientContactFields ids=("ticket-client", "ticket-contact") client=staff.client contact=staff.contact
                    error=staff.client_error/>
            </Show>
            <div class="field">
                <label for="ticket-source">"Came in by"</label>
                <select id="ticket-source" on:change=move |ev| staff.source.set(event_target_value(&ev))>
                    {["Phone", "Email", "Web"].into_iter().map(|s| view! {
                        <option value=s prop:selected=move || staff.source.get() == s>{s}</option>
                    }).collect_view()}
                </select>
            </div>
        }
        .into_any()
    }

    fn tail(&self, errors: RwSignal<FieldErrors>) -> AnyView {
        view! { <Handling staff=*self errors/> }.into_any()
    }

    fn check(&self, checks: &mut Checks) -> bool {
        let mut ok = true;
        // Nobody chosen: the agent's own ticket (the server's rule for a ticket without an address).
        if let Some(p) = self.requester.get_untracked().filter(|p| !p.known && !p.name.trim().is_empty()) {
            if let Err(reason) = PersonName::parse(&p.name) {
                self.requester_error.set(Some(format!("Their name {reason}.")));
                checks.fail("name", REQUESTER_ID, String::new());
                ok = false;
            }
        }
        if let Err(reason) = checked_list(&self.cc.get_untracked()) {
            self.cc_errors.set(FieldErrors::from([("cc".to_owned(), format!("CC: {reason}."))]));
            checks.fail("cc", "ticket-cc", String::new());
            ok = false;
        }
        if untrack(|| self.closes()) && self.resolution.get_untracked().trim().is_empty() {
            self.resolution_error.set(Some("A ticket opened resolved or closed needs a resolution.".into()));
            checks.fail("resolution", "ticket-resolution", String::new());
            ok = false;
        }
        ok
    }

    fn fill(&self, ticket: &mut TicketCreate) {
        if let Some(person) = self.requester.get_untracked() {
            ticket.name = Some(person.name).filter(|n| !person.known && !n.trim().is_empty());
            ticket.email = Some(person.email);
        }
        ticket.cc = Some(address_list(&self.cc.get_untracked())).filter(|list| !list.is_empty());
        if let Some(client) = self.client.get_untracked() {
            ticket.client_id = Some(client.id);
            ticket.contact_id = self.contact.get_untracked();
        }
        ticket.source = Some(self.source.get_untracked());
        ticket.queue_id = self.queue.get_untracked();
        ticket.priority = self.priority.get_untracked().map(|id| id.to_string());
        ticket.assignee_ids = self.assignee.get_untracked().map(|id| vec![id]);
        ticket.status_id = self.status.get_untracked();
        if untrack(|| self.closes()) {
            ticket.resolution = Some(self.resolution.get_untracked().trim().to_owned());
        }
    }

    fn show_server_errors(&self, error: &ApiError) {
        let fields = error.fields();
        if let Some(reason) = fields.get("email").or_else(|| fields.get("name")) {
            self.requester_error.set(Some(format!("The customer's address or name {reason}.")));
        }
        if let Some(reason) = fields.get("client_id").or_else(|| fields.get("contact_id")) {
            self.client_error.set(Some(format!("The client or contact {reason}.")));
        }
        if let Some(reason) = fields.get("cc") {
            self.cc_errors.set(FieldErrors::from([("cc".to_owned(), format!("CC {reason}."))]));
        }
        if let Some(reason) = fields.get("resolution") {
            self.resolution_error.set(Some(format!("Resolution {reason}.")));
        }
    }
}

/// The queue, the assignee, the status (with the resolution a closing one needs) and the priority.
#[component]
fn Handling(staff: StaffChoices, errors: RwSignal<FieldErrors>) -> impl IntoView {
    let catalog = staff.catalog;
    let me = Session::get().user().map(|u| u.id);
    // Start from the first queue, an open status and the normal priority once the lists arrive.
    Effect::new(move |_| {
        if staff.queue.get_untracked().is_none() {
            staff.queue.set(catalog.queues().iter().map(|q| q.id).min());
        }
        if staff.status.get_untracked().is_none() {
            staff.status.set(catalog.statuses().iter().find(|s| s.state.is_active()).map(|s| s.id));
        }
        if staff.priority.get_untracked().is_none() {
            let priorities = catalog.priorities();
            staff.priority.set(priorities.iter().find(|p| p.name.eq_ignore_ascii_case(DEFAULT_PRIORITY)).map(|p| p.id));
        }
    });
    let select =
        |signal: RwSignal<Option<i64>>| move |ev: leptos::ev::Event| signal.set(event_target_value(&ev).parse().ok());
    let server_error = move |key: &'static str| Signal::derive(move || errors.with(|e| e.get(key).cloned()));
    view! {
        <fieldset class="group">
            <legend>"Handling"</legend>
            <div class="field">
                <label for="ticket-queue">"Queue"</label>
                <select id="ticket-queue" on:change=select(staff.queue)>
                    {move || catalog.queues().into_iter().map(|q| {
                        let id = q.id;
                        view! { <option value=id.to_string() prop:selected=move || staff.queue.get() == Some(id)>{q.name}</option> }
                    }).collect_view()}
                </select>
                <FieldError id="ticket-queue-error" message=server_error("queue_id")/>
            </div>
            <div class="field">
                <label for="ticket-assignee">"Assign to"</label>
                <select id="ticket-assignee" on:change=select(staff.assignee)>
                    <option value="" prop:selected=move || staff.assignee.get().is_none()>"Nobody yet"</option>
                    {move || catalog.agents().into_iter().map(|a| {
                        let id = a.id;
                        let name = if Some(id) == me { format!("{} (me)", a.fullname) } else { a.fullname };
                        view! { <option value=id.to_string() prop:selected=move || staff.assignee.get() == Some(id)>{name}</option> }
                    }).collect_view()}
                </select>
                <FieldError id="ticket-assignee-error" message=server_error("assignee_ids")/>
            </div>
            <div class="field">
                <label for="ticket-status">"Status"</label>
                <select id="ticket-status" on:change=move |ev| {
                    staff.status.set(event_target_value(&ev).parse().ok());
                    staff.resolution_error.set(None);
                }>
                    {move || catalog.statuses().into_iter().map(|s| {
                        let id = s.id;
                        view! { <option value=id.to_string() prop:selected=move || staff.status.get() == Some(id)>{s.name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <Show when=move || staff.closes()>
                <ResolutionField id="ticket-resolution" value=staff.resolution error=staff.resolution_error/>
            </Show>
            <div class="field">
                <label for="ticket-priority">"Priority"</label>
                <select id="ticket-priority" name="priority" on:change=select(staff.priority)>
                    {move || catalog.priorities().into_iter().map(|p| {
                        let id = p.id;
                        view! { <option value=id.to_string() prop:selected=move || staff.priority.get() == Some(id)>{p.name}</option> }
                    }).collect_view()}
                </select>
                <FieldError id="ticket-priority-error" message=server_error("priority")/>
            </div>
            {move || catalog.agents_error().map(|error| view! { <ErrorNotice error/> })}
        </fieldset>
    }
}

/// `?client=<id>`: that client, unless it is closed (it takes no new tickets).
fn preselect_client(client: RwSignal<Option<Named>>) {
    let Some(id) = untrack(|| ui::route::query_value("client")).and_then(|v| v.trim().parse::<i64>().ok()) else {
        return;
    };
    let session = Session::get();
    leptos::task::spawn_local(async move {
        if let Ok(found) = session.read::<Client>(calls::get(id)).await {
            if found.status != ClientStatus::Closed && client.try_get_untracked().is_some_and(|c| c.is_none()) {
                client.try_set(Some(Named { id: found.id, name: found.name }));
            }
        }
    });
}
