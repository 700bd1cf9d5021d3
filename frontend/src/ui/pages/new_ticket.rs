//! `/tickets/new`: open a ticket. The name and email come from the signed-in account, so the form
//! asks only for what the ticket is about; agents also choose its priority.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::catalog::{Priority, Topic};
use shared::tickets::{Ticket, TicketCreate};
use shared::validate::{MessageBody, Subject};

use crate::api;
use crate::components::attachments::{to_uploads, AttachmentsPicker, PickedFile};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::form::{show_server_errors, Checks, FieldErrors, TextArea, TextField};
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
    // Only agents pick a priority; customers never ask for the list.
    let priorities = Loader::new(move || {
        let staff = is_staff.get();
        async move {
            if !staff {
                return Ok(None);
            }
            session.read::<Vec<Priority>>(api::Call::get("/priorities.json")).await.map(Some)
        }
    });

    let subject = RwSignal::new(String::new());
    let topic_id = RwSignal::new(None::<i64>);
    let priority_id = RwSignal::new(None::<i64>);
    let message = RwSignal::new(String::new());
    let files = RwSignal::new(Vec::<PickedFile>::new());
    let errors = RwSignal::new(FieldErrors::new());

    // Preselect the first topic and the normal priority once they arrive.
    Effect::new(move |_| {
        if let Some(Ok(list)) = topics.get() {
            if topic_id.get_untracked().is_none() {
                topic_id.set(list.first().map(|t| t.id));
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(Some(list))) = priorities.get() {
            if priority_id.get_untracked().is_none() {
                priority_id.set(list.iter().find(|p| p.name.eq_ignore_ascii_case(DEFAULT_PRIORITY)).map(|p| p.id));
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
        let subj = checks.check("subject", "ticket-subject", "Subject", Subject::parse(&subject.get_untracked()));
        let body = checks.check("message", "ticket-message", "Message", MessageBody::parse(&message.get_untracked()));
        if !checks.finish(errors) {
            return;
        }
        let (Some(subj), Some(body)) = (subj, body) else {
            return;
        };
        start_create(TicketCreate {
            subject: Some(subj.into_inner()),
            message: Some(body.into_inner()),
            topic_id: topic_id.get_untracked(),
            priority: if is_staff.get_untracked() {
                priority_id.get_untracked().map(|id| id.to_string())
            } else {
                None
            },
            attachments: to_uploads(&files.get_untracked()),
            ..Default::default()
        });
    };

    view! {
        <section class="page page-narrow" aria-labelledby="new-ticket-heading">
            <h1 id="new-ticket-heading">"New ticket"</h1>
            <form class="stack" on:submit=on_submit novalidate data-testid="new-ticket-form">
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
                <Show when=move || is_staff.get()>
                    {move || match priorities.get().and_then(Result::transpose) {
                        None => view! { <Loading label="Loading priorities…"/> }.into_any(),
                        Some(Err(error)) => view! {
                            <ErrorNotice error retry=Callback::new(move |()| priorities.reload())/>
                        }
                        .into_any(),
                        Some(Ok(list)) => view! {
                            <PriorityField id="ticket-priority" priorities=list selected=priority_id errors/>
                        }
                        .into_any(),
                    }}
                </Show>
                <TextArea id="ticket-message" name="message" label="Message" value=message errors rows=8/>
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

#[component]
fn PriorityField(
    #[prop(into)] id: String,
    priorities: Vec<Priority>,
    selected: RwSignal<Option<i64>>,
    errors: RwSignal<FieldErrors>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let message = Signal::derive(move || errors.with(|e| e.get("priority").cloned()));
    view! {
        <div class="field">
            <label for=id.clone()>"Priority"</label>
            <select
                id=id
                name="priority"
                aria-describedby=error_id.clone()
                on:change=move |ev| selected.set(event_target_value(&ev).parse::<i64>().ok())
            >
                {priorities
                    .into_iter()
                    .map(|priority| {
                        let id = priority.id;
                        view! {
                            <option value=id.to_string() selected=move || selected.get() == Some(id)>
                                {priority.name}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <p class="field-error" id=error_id aria-live="polite">{move || message.get()}</p>
        </div>
    }
}
