//! `/guest`: a visitor without an account files a ticket with their name and email address (when
//! the settings allow guest tickets), then gets the ticket number to refer to it.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::catalog::Topic;
use shared::tickets::{Ticket, TicketCreate};
use shared::validate::{Email, MessageBody, PersonName, Subject};

use ui::api;
use ui::components::attachments::{to_uploads, AttachmentsPicker, PickedFile};
use ui::components::feedback::{ErrorNotice, Loading};
use ui::components::form::{show_server_errors, Checks, FieldErrors, TextArea, TextField};
use ui::pages::new_ticket::TopicField;
use ui::paths::href;
use ui::site::Site;
use ui::task::{Loader, Task};

#[component]
pub fn GuestTicketPage() -> impl IntoView {
    let site = Site::get();
    let topics = Loader::<Vec<Topic>>::new(|| async { api::public_topics().await });
    let topic_id = RwSignal::new(None::<i64>);
    Effect::new(move |_| {
        if let Some(Ok(list)) = topics.get() {
            if topic_id.get_untracked().is_none() {
                topic_id.set(list.first().map(|t| t.id));
            }
        }
    });

    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let subject = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    let files = RwSignal::new(Vec::<PickedFile>::new());
    let errors = RwSignal::new(FieldErrors::new());
    let created = RwSignal::new(None::<Ticket>);

    let submit = Task::<()>::new();
    let pending = submit.pending();

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut checks = Checks::default();
        let who = checks.check("name", "guest-name", "Your name", PersonName::parse(&name.get_untracked()));
        let mail = checks.check("email", "guest-email", "Email", Email::parse(&email.get_untracked()));
        let subj = checks.check("subject", "guest-subject", "Subject", Subject::parse(&subject.get_untracked()));
        let body = checks.check("message", "guest-message", "Message", MessageBody::parse(&message.get_untracked()));
        if !checks.finish(errors) {
            return;
        }
        let (Some(who), Some(mail), Some(subj), Some(body)) = (who, mail, subj, body) else {
            return;
        };
        let ticket = TicketCreate {
            name: Some(who.into_inner()),
            email: Some(mail.into_inner()),
            subject: Some(subj.into_inner()),
            message: Some(body.into_inner()),
            topic_id: topic_id.get_untracked(),
            attachments: to_uploads(&files.get_untracked()),
            ..Default::default()
        };
        submit.run(async move {
            match api::create_guest_ticket(&ticket).await {
                Ok(ticket) => {
                    created.set(Some(ticket));
                    subject.set(String::new());
                    message.set(String::new());
                    files.set(Vec::new());
                    Ok(())
                }
                Err(error) => {
                    show_server_errors(&error, errors);
                    Err(error)
                }
            }
        });
    };

    view! {
        <section class="page page-narrow" aria-labelledby="guest-heading">
            <h1 id="guest-heading">"File a ticket"</h1>
            <Show
                when=move || site.allow_guest_tickets()
                fallback=|| view! {
                    <p>"Please " <a href=href("/login")>"sign in"</a>" to file a ticket."</p>
                }
            >
                {move || created.get().map(|ticket| view! {
                    <div class="notice notice-success" role="status" data-testid="guest-created">
                        <p>
                            "Thank you. Your ticket number is "
                            <strong class="number" data-testid="guest-ticket-number">{ticket.ticket_number.clone()}</strong>
                            ". Keep it: quote it when you contact us about this request."
                        </p>
                        <button type="button" class="secondary" on:click=move |_| created.set(None)>
                            "File another ticket"
                        </button>
                    </div>
                })}
                <Show when=move || created.with(Option::is_none)>
                    <p class="muted">"No account needed: we answer at the email address you give."</p>
                    <form class="stack" on:submit=on_submit novalidate data-testid="guest-form">
                        <TextField id="guest-name" name="name" label="Your name" value=name errors
                            autocomplete="name" required=true/>
                        <TextField id="guest-email" name="email" label="Email" value=email errors
                            input_type="email" autocomplete="email" required=true/>
                        {move || match topics.get() {
                            None => view! { <Loading label="Loading topics…"/> }.into_any(),
                            Some(Err(error)) => view! {
                                <ErrorNotice error retry=Callback::new(move |()| topics.reload())/>
                            }
                            .into_any(),
                            Some(Ok(list)) => view! {
                                <TopicField id="guest-topic" topics=list selected=topic_id errors/>
                            }
                            .into_any(),
                        }}
                        <TextField id="guest-subject" name="subject" label="Subject" value=subject errors
                            required=true maxlength=255/>
                        <TextArea id="guest-message" name="message" label="Message" value=message errors rows=8/>
                        <AttachmentsPicker id="guest-attachments" files max_bytes=Signal::derive(move || site.max_upload_bytes())/>
                        {move || submit.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
                        <button type="submit" disabled=move || pending.get()>
                            {move || if pending.get() { "Sending…" } else { "Send ticket" }}
                        </button>
                    </form>
                    <p class="muted">"Have an account? " <a href=href("/login")>"Sign in"</a></p>
                </Show>
            </Show>
        </section>
    }
}
