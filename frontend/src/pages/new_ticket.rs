//! `/tickets/new`: open a ticket. The name and email come from the signed-in account, so the form
//! asks only for what the ticket is about.

use std::collections::BTreeMap;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::catalog::Topic;
use shared::tickets::TicketCreate;
use shared::validate::{MessageBody, Subject};

use crate::api::{self, ApiError};
use crate::components::feedback::{focus_field, ErrorNotice, FieldError, Loading};
use crate::session::Session;

/// The priorities every install has (seeded by the first migration); the server takes the name.
const PRIORITIES: [&str; 4] = ["Low", "Normal", "High", "Urgent"];
const DEFAULT_PRIORITY: &str = "Normal";

/// Field name → problem; keyed like the server's `fields` so both kinds of message land in one place.
type FieldErrors = BTreeMap<&'static str, String>;

#[component]
pub fn NewTicketPage() -> impl IntoView {
    let session = Session::get();
    let navigate = use_navigate();

    let topics: LocalResource<Result<Vec<Topic>, ApiError>> =
        LocalResource::new(move || async move {
            session
                .call(|token| async move { api::topics(&token).await })
                .await
        });

    let subject = RwSignal::new(String::new());
    let topic_id = RwSignal::new(None::<i64>);
    let priority = RwSignal::new(DEFAULT_PRIORITY.to_owned());
    let message = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());

    // Preselect the first topic once they arrive, unless one was picked already.
    Effect::new(move |_| {
        if let Some(Ok(list)) = topics.get() {
            if topic_id.get_untracked().is_none() {
                topic_id.set(list.first().map(|t| t.id));
            }
        }
    });

    let create = Action::new_local(move |ticket: &TicketCreate| {
        let ticket = ticket.clone();
        let navigate = navigate.clone();
        async move {
            let created = session
                .call(|token| {
                    let ticket = ticket.clone();
                    async move { api::create_ticket(&token, &ticket).await }
                })
                .await;
            match created {
                Ok(created) => {
                    navigate(
                        &format!("/tickets/{}", created.ticket_number),
                        Default::default(),
                    );
                    Ok(())
                }
                Err(error) => {
                    errors.set(server_field_errors(&error));
                    Err(error)
                }
            }
        }
    });
    let pending = create.pending();

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        // The same parsers the server runs, so the form rejects exactly what the server would.
        let parsed_subject = Subject::parse(&subject.get_untracked());
        let parsed_message = MessageBody::parse(&message.get_untracked());
        let mut found = FieldErrors::new();
        if let Err(reason) = &parsed_subject {
            found.insert("subject", format!("Subject {reason}."));
        }
        if let Err(reason) = &parsed_message {
            found.insert("message", format!("Message {reason}."));
        }
        let (Ok(parsed_subject), Ok(parsed_message)) = (parsed_subject, parsed_message) else {
            focus_field(if found.contains_key("subject") {
                "ticket-subject"
            } else {
                "ticket-message"
            });
            errors.set(found);
            return;
        };
        errors.set(found);
        create.dispatch(TicketCreate {
            subject: Some(parsed_subject.into_inner()),
            message: Some(parsed_message.into_inner()),
            topic_id: topic_id.get_untracked(),
            priority: Some(priority.get_untracked()),
            ..Default::default()
        });
    };

    let error_for =
        move |field: &'static str| Signal::derive(move || errors.with(|e| e.get(field).cloned()));
    let invalid =
        move |field: &'static str| move || errors.with(|e| e.contains_key(field)).to_string();

    view! {
        <section class="page page-narrow" aria-labelledby="new-ticket-heading">
            <h1 id="new-ticket-heading">"New ticket"</h1>
            <form class="stack" on:submit=on_submit novalidate data-testid="new-ticket-form">
                <div class="field">
                    <label for="ticket-subject">"Subject"</label>
                    <input
                        id="ticket-subject"
                        name="subject"
                        maxlength="255"
                        aria-describedby="ticket-subject-error"
                        aria-invalid=invalid("subject")
                        prop:value=move || subject.get()
                        on:input=move |ev| {
                            subject.set(event_target_value(&ev));
                            errors.update(|e| { e.remove("subject"); });
                        }
                    />
                    <FieldError id="ticket-subject-error" message=error_for("subject")/>
                </div>
                <div class="field">
                    <label for="ticket-topic">"Topic"</label>
                    {move || match topics.get() {
                        None => view! { <Loading label="Loading topics…"/> }.into_any(),
                        Some(Err(error)) => view! {
                            <ErrorNotice error retry=Callback::new(move |()| topics.refetch())/>
                        }
                        .into_any(),
                        Some(Ok(list)) => view! { <TopicSelect topics=list selected=topic_id/> }.into_any(),
                    }}
                    <FieldError id="ticket-topic-error" message=error_for("topicId")/>
                </div>
                <div class="field">
                    <label for="ticket-priority">"Priority"</label>
                    <select
                        id="ticket-priority"
                        name="priority"
                        aria-describedby="ticket-priority-error"
                        on:change=move |ev| priority.set(event_target_value(&ev))
                    >
                        {PRIORITIES
                            .into_iter()
                            .map(|name| view! {
                                <option value=name selected=move || priority.get() == name>{name}</option>
                            })
                            .collect_view()}
                    </select>
                    <FieldError id="ticket-priority-error" message=error_for("priority")/>
                </div>
                <div class="field">
                    <label for="ticket-message">"Message"</label>
                    <textarea
                        id="ticket-message"
                        name="message"
                        rows="8"
                        aria-describedby="ticket-message-error"
                        aria-invalid=invalid("message")
                        prop:value=move || message.get()
                        on:input=move |ev| {
                            message.set(event_target_value(&ev));
                            errors.update(|e| { e.remove("message"); });
                        }
                    ></textarea>
                    <FieldError id="ticket-message-error" message=error_for("message")/>
                </div>
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

#[component]
fn TopicSelect(topics: Vec<Topic>, selected: RwSignal<Option<i64>>) -> impl IntoView {
    view! {
        <select
            id="ticket-topic"
            name="topicId"
            aria-describedby="ticket-topic-error"
            on:change=move |ev| selected.set(event_target_value(&ev).parse::<i64>().ok())
        >
            {topics
                .into_iter()
                .map(|topic| {
                    let id = topic.id;
                    view! {
                        <option value=id.to_string() selected=move || selected.get() == Some(id)>
                            {topic.value}" ("{topic.queue}")"
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}

/// The server's 422 names fields as the API does; map the ones this form shows onto its fields.
fn server_field_errors(error: &ApiError) -> FieldErrors {
    error
        .fields()
        .into_iter()
        .filter_map(|(field, reason)| {
            let key = match field.as_str() {
                "subject" => "subject",
                "message" => "message",
                "topicId" | "topic_id" => "topicId",
                "priority" => "priority",
                _ => return None,
            };
            Some((key, reason))
        })
        .collect()
}
