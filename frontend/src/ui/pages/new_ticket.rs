//! `/tickets/new`: open a ticket. A customer's is theirs, so the form asks only what it is about;
//! an agent opens it for someone (found by name or address, or a new address) and decides how it
//! is handled: queue, assignee, status and priority.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::catalog::Topic;
use shared::tickets::{Ticket, TicketCreate};
use shared::validate::{MessageBody, PersonName, Subject};

use crate::api;
use crate::components::attachments::{to_uploads, AttachmentsPicker, PickedFile};
use crate::components::catalog::Catalog;
use crate::components::feedback::{ErrorNotice, FieldError, Loading};
use crate::components::form::{show_server_errors, Checks, FieldErrors, ResolutionField, TextArea, TextField};
use crate::components::person_picker::{Person, PersonPicker};
use crate::route;
use crate::session::Session;
use crate::site::Site;
use crate::task::{Loader, Task};

/// Preselected for agents when the desk has it; otherwise the server's default applies.
const DEFAULT_PRIORITY: &str = "Normal";

#[component]
pub fn NewTicketPage() -> impl IntoView {
    let session = Session::get();
    let site = Site::get();
    let is_staff = Memo::new(move |_| session.is_staff());

    let topics = Loader::new(move || async move { session.read::<Vec<Topic>>(api::topics_call()).await });
    // What only agents choose from; customers never ask for these lists.
    let catalog = StoredValue::new(None::<Catalog>);
    if is_staff.get_untracked() {
        catalog.set_value(Some(Catalog::load()));
    }

    let subject = RwSignal::new(String::new());
    let topic_id = RwSignal::new(None::<i64>);
    let message = RwSignal::new(String::new());
    let files = RwSignal::new(Vec::<PickedFile>::new());
    let errors = RwSignal::new(FieldErrors::new());
    let staff = StaffChoices::new();

    // Preselect the first topic once the topics arrive.
    Effect::new(move |_| {
        if let Some(Ok(list)) = topics.get() {
            if topic_id.get_untracked().is_none() {
                topic_id.set(list.first().map(|t| t.id));
            }
        }
    });

    let create = Task::<()>::new();
    let start_create = move |ticket: TicketCreate| {
        create.run(async move {
            match session.read::<Ticket>(api::create_ticket_call(&ticket)).await {
                Ok(created) => {
                    route::navigate(&format!("/tickets/{}", created.ticket_number));
                    Ok(())
                }
                Err(error) => {
                    show_server_errors(&error, errors);
                    staff.show_server_errors(&error);
                    Err(error)
                }
            }
        })
    };
    let pending = create.pending();

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        // The same parsers the server runs, so the form rejects exactly what the server would.
        let mut checks = Checks::default();
        let staff_ok = !is_staff.get_untracked() || staff.check(&mut checks, catalog.get_value());
        let subj = checks.check("subject", "ticket-subject", "Subject", Subject::parse(&subject.get_untracked()));
        let body = checks.check("message", "ticket-message", "Message", MessageBody::parse(&message.get_untracked()));
        if !checks.finish(errors) || !staff_ok {
            return;
        }
        let (Some(subj), Some(body)) = (subj, body) else {
            return;
        };
        let mut ticket = TicketCreate {
            subject: Some(subj.into_inner()),
            message: Some(body.into_inner()),
            topic_id: topic_id.get_untracked(),
            attachments: to_uploads(&files.get_untracked()),
            ..Default::default()
        };
        if is_staff.get_untracked() {
            staff.fill(&mut ticket, catalog.get_value());
        }
        start_create(ticket);
    };

    view! {
        <section class="page page-narrow" aria-labelledby="new-ticket-heading">
            <h1 id="new-ticket-heading">"New ticket"</h1>
            <form class="stack" on:submit=on_submit novalidate data-testid="new-ticket-form">
                {move || is_staff.get().then(|| view! { <Requester staff/> })}
                {move || match topics.get() {
                    None => view! { <Loading label="Loading topics…"/> }.into_any(),
                    Some(Err(error)) => view! {
                        <ErrorNotice error retry=Callback::new(move |()| topics.reload())/>
                    }
                    .into_any(),
                    Some(Ok(list)) => view! {
                        <TopicField id="ticket-topic" topics=list selected=topic_id errors/>
                    }
                    .into_any(),
                }}
                <TextField id="ticket-subject" name="subject" label="Subject" value=subject errors
                    required=true maxlength=255/>
                <TextArea id="ticket-message" name="message" label="Message" value=message errors rows=8/>
                {move || catalog.get_value().map(|catalog| view! { <Handling staff catalog errors/> })}
                <AttachmentsPicker id="ticket-attachments" files max_bytes=Signal::derive(move || site.max_upload_bytes())/>
                {move || create.value().get().and_then(Result::err).map(|error| view! {
                    <ErrorNotice error/>
                })}
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Creating…" } else { "Create ticket" }}
                </button>
            </form>
        </section>
    }
}

/// What an agent decides as they open a ticket for someone (osTicket's "new ticket on behalf",
/// Zammad's phone ticket): whom it is for, how they got in touch, and how it is handled.
#[derive(Clone, Copy)]
struct StaffChoices {
    requester: RwSignal<Option<Person>>,
    requester_error: RwSignal<Option<String>>,
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
        StaffChoices {
            requester: RwSignal::new(None),
            requester_error: RwSignal::new(None),
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
    fn closes(&self, catalog: Option<Catalog>) -> bool {
        let chosen = self.status.get();
        catalog.zip(chosen).and_then(|(c, id)| c.status_state(id)).is_some_and(|s| !s.is_active())
    }

    /// The form's own checks of these fields; false when one failed (its message is shown).
    fn check(&self, checks: &mut Checks, catalog: Option<Catalog>) -> bool {
        let mut ok = true;
        // Nobody chosen: the agent's own ticket (the server's rule for a ticket without an address).
        if let Some(p) = self.requester.get_untracked().filter(|p| !p.known && !p.name.trim().is_empty()) {
            if let Err(reason) = PersonName::parse(&p.name) {
                self.requester_error.set(Some(format!("Their name {reason}.")));
                checks.fail("name", REQUESTER_ID, String::new());
                ok = false;
            }
        }
        if self.closes_untracked(catalog) && self.resolution.get_untracked().trim().is_empty() {
            self.resolution_error.set(Some("A ticket opened resolved or closed needs a resolution.".into()));
            checks.fail("resolution", "ticket-resolution", String::new());
            ok = false;
        }
        ok
    }

    fn closes_untracked(&self, catalog: Option<Catalog>) -> bool {
        untrack(|| self.closes(catalog))
    }

    fn fill(&self, ticket: &mut TicketCreate, catalog: Option<Catalog>) {
        if let Some(person) = self.requester.get_untracked() {
            ticket.email = Some(person.email);
            ticket.name = Some(person.name).filter(|n| !person.known && !n.trim().is_empty());
        }
        ticket.source = Some(self.source.get_untracked());
        ticket.queue_id = self.queue.get_untracked();
        ticket.priority = self.priority.get_untracked().map(|id| id.to_string());
        ticket.assignee_ids = self.assignee.get_untracked().map(|id| vec![id]);
        ticket.status_id = self.status.get_untracked();
        if self.closes_untracked(catalog) {
            ticket.resolution = Some(self.resolution.get_untracked().trim().to_owned());
        }
    }

    /// The server's 422 about the requester lands on the picker.
    fn show_server_errors(&self, error: &crate::api::ApiError) {
        let fields = error.fields();
        if let Some(reason) = fields.get("email").or_else(|| fields.get("name")) {
            self.requester_error.set(Some(format!("The customer's address or name {reason}.")));
        }
        if let Some(reason) = fields.get("resolution") {
            self.resolution_error.set(Some(format!("Resolution {reason}.")));
        }
    }
}

const REQUESTER_ID: &str = "ticket-requester";

/// Whom the ticket is for, and how they got in touch.
#[component]
fn Requester(staff: StaffChoices) -> impl IntoView {
    view! {
        <PersonPicker id=REQUESTER_ID label="Customer" chosen=staff.requester error=staff.requester_error/>
        <p class="hint">"Search by name or address, or type a new address. Left empty, the ticket is yours."</p>
        <div class="field">
            <label for="ticket-source">"Came in by"</label>
            <select id="ticket-source" on:change=move |ev| staff.source.set(event_target_value(&ev))>
                {["Phone", "Email", "Web"].into_iter().map(|s| view! {
                    <option value=s prop:selected=move || staff.source.get() == s>{s}</option>
                }).collect_view()}
            </select>
        </div>
    }
}

/// The queue, the assignee, the status (with the resolution a closing one needs) and the priority.
#[component]
fn Handling(staff: StaffChoices, catalog: Catalog, errors: RwSignal<FieldErrors>) -> impl IntoView {
    let session = Session::get();
    let me = session.user().map(|u| u.id);
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
            <Show when=move || staff.closes(Some(catalog))>
                <ResolutionField value=staff.resolution error=staff.resolution_error/>
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

/// The help topic select, with its error line (key `topicId`, as the API names it).
#[component]
pub fn TopicField(
    #[prop(into)] id: String,
    topics: Vec<Topic>,
    selected: RwSignal<Option<i64>>,
    errors: RwSignal<FieldErrors>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let message = Signal::derive(move || errors.with(|e| e.get("topicId").or_else(|| e.get("topic_id")).cloned()));
    view! {
        <div class="field">
            <label for=id.clone()>"Topic"</label>
            <select
                id=id
                name="topicId"
                aria-describedby=error_id.clone()
                on:change=move |ev| selected.set(event_target_value(&ev).parse::<i64>().ok())
            >
                {topics
                    .into_iter()
                    .map(|topic| {
                        let id = topic.id;
                        view! {
                            <option value=id.to_string() selected=move || selected.get() == Some(id)>
                                {topic.value}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <p class="field-error" id=error_id aria-live="polite">{move || message.get()}</p>
        </div>
    }
}
