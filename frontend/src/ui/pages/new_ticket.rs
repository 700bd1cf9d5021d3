//! `/tickets/new`: open a ticket. A customer's is theirs, so the form asks only what it is about;
//! the desk adds the agents' fields (`FormExtra`): for whom, and how it is handled.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::catalog::Topic;
use shared::tickets::{Ticket, TicketCreate};
use shared::validate::{MessageBody, Subject};

use crate::api::{self, ApiError};
use crate::components::attachments::{to_uploads, AttachmentsPicker, PickedFile};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::form::{show_server_errors, Checks, FieldErrors, TextArea, TextField};
use crate::route;
use crate::session::Session;
use crate::site::Site;
use crate::task::{Loader, Task};

/// What the desk adds to the form for agents (desk::new_ticket_staff): whom the ticket is for
/// (drawn above the form's own fields), how it is handled (below them), their checks, and what
/// they add to the request. The portal adds nothing, and carries none of it.
pub trait FormExtra {
    fn head(&self) -> AnyView;
    fn tail(&self, errors: RwSignal<FieldErrors>) -> AnyView;
    /// The browser-side checks; false when one failed (it shows its own message).
    fn check(&self, checks: &mut Checks) -> bool;
    fn fill(&self, ticket: &mut TicketCreate);
    /// The server's 422 about these fields, shown by them.
    fn show_server_errors(&self, error: &ApiError);
}

#[component]
pub fn NewTicketPage(
    /// Made once the page is: the desk's agents' fields.
    #[prop(optional)]
    extra: Option<fn() -> Box<dyn FormExtra>>,
) -> impl IntoView {
    let session = Session::get();
    let site = Site::get();
    let extra = StoredValue::new_local(extra.filter(|_| session.is_staff()).map(|make| make()));

    let topics = Loader::new(move || async move { session.read::<Vec<Topic>>(api::topics_call()).await });

    let subject = RwSignal::new(String::new());
    let topic_id = RwSignal::new(None::<i64>);
    let message = RwSignal::new(String::new());
    let files = RwSignal::new(Vec::<PickedFile>::new());
    let errors = RwSignal::new(FieldErrors::new());

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
                    extra.with_value(|x| x.as_ref().map(|x| x.show_server_errors(&error)));
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
        let extra_ok = extra.with_value(|x| x.as_ref().is_none_or(|x| x.check(&mut checks)));
        let subj = checks.check("subject", "ticket-subject", "Subject", Subject::parse(&subject.get_untracked()));
        let body = checks.check("message", "ticket-message", "Message", MessageBody::parse(&message.get_untracked()));
        if !checks.finish(errors) || !extra_ok {
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
        extra.with_value(|x| x.as_ref().map(|x| x.fill(&mut ticket)));
        start_create(ticket);
    };

    view! {
        <section class="page page-narrow" aria-labelledby="new-ticket-heading">
            <h1 id="new-ticket-heading">"New ticket"</h1>
            <form class="stack" on:submit=on_submit novalidate data-testid="new-ticket-form">
                {extra.with_value(|x| x.as_ref().map(|x| x.head()))}
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
                {extra.with_value(|x| x.as_ref().map(|x| x.tail(errors)))}
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
