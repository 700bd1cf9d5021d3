//! The outbox: the mail the desk sent or is about to send, newest first — to see that a
//! confirmation or reset mail left, and why one did not.

use leptos::prelude::*;
use shared::mail::OutboxMail;

use super::AdminLayout;
use crate::api::{self, ApiError};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::session::Session;
use crate::text::timestamp;

#[component]
pub fn OutboxPage() -> impl IntoView {
    let session = Session::get();
    let list: LocalResource<Result<Vec<OutboxMail>, ApiError>> = LocalResource::new(move || async move {
        session.call(|t| async move { api::admin::outbox(&t).await }).await
    });
    view! {
        <AdminLayout title="Outbox">
            <p class="muted">"The newest 100 mails. Open one to read it as it was sent."</p>
            {move || match list.get() {
                None => view! { <Loading label="Loading the outbox…"/> }.into_any(),
                Some(Err(error)) => view! { <ErrorNotice error retry=Callback::new(move |()| list.refetch())/> }.into_any(),
                Some(Ok(mails)) if mails.is_empty() => view! { <p class="muted">"No mail yet."</p> }.into_any(),
                Some(Ok(mails)) => view! {
                    <ul class="outbox" data-testid="outbox">
                        {mails.into_iter().map(|mail| view! { <MailItem mail/> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </AdminLayout>
    }
}

#[component]
fn MailItem(mail: OutboxMail) -> impl IntoView {
    let state = match (&mail.sent, &mail.last_error) {
        (Some(sent), _) => format!("Sent {}", timestamp(sent)),
        (None, Some(error)) => format!("Not sent yet ({} attempts): {error}", mail.attempts),
        (None, None) => "Waiting to be sent".to_owned(),
    };
    view! {
        <li data-testid="outbox-mail">
            <details>
                <summary>
                    <strong>{mail.subject.clone()}</strong>
                    " to " {mail.recipient.clone()}
                    <span class="muted">" · " {timestamp(&mail.created)} " · " {state}</span>
                </summary>
                <pre class="mail-body">{mail.body.clone()}</pre>
            </details>
        </li>
    }
}
