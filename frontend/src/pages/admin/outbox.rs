//! The outbox: the mail the desk sent or is about to send, newest first — to see that a
//! confirmation or a ticket mail left, why one did not, and to send a failed one again.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::mail::OutboxMail;

use super::crud::{paged_list, ActionError, Filter};
use super::AdminLayout;
use crate::api::{self, ApiError};
use crate::session::Session;
use crate::text::timestamp;

const STATUSES: Filter = Filter {
    key: "status",
    label: "Status",
    choices: &[
        ("", "All"),
        ("pending", "Waiting"),
        ("sending", "Sending"),
        ("unsure", "Unsure"),
        ("sent", "Sent"),
        ("failed", "Failed"),
    ],
};

#[component]
pub fn OutboxPage() -> impl IntoView {
    view! {
        <AdminLayout title="Outbox">
            <p class="muted">"Open a mail to read it as it was sent. Mail the server refused, and mail "
                "whose delivery broke off (it may have arrived), is not sent again unless you ask."</p>
            {paged_list("/outbox.json", STATUSES, "outbox", |mail, changed| view! { <MailItem mail changed/> }.into_any())}
        </AdminLayout>
    }
}

/// The status as a word an administrator reads at a glance.
fn status_label(status: &str) -> &str {
    STATUSES
        .choices
        .iter()
        .find(|(value, _)| *value == status)
        .map_or(status, |(_, label)| label)
}

#[component]
fn MailItem(mail: OutboxMail, changed: Callback<()>) -> impl IntoView {
    let session = Session::get();
    let id = mail.id;
    let retry = Action::new_local(move |_: &()| async move {
        session
            .call(|t| async move { api::admin::retry_outbox_mail(&t, id).await })
            .await?;
        changed.run(());
        Ok::<(), ApiError>(())
    });
    let pending = retry.pending();
    let can_retry = matches!(mail.status.as_str(), "failed" | "unsure");
    let when = match (&mail.sent, &mail.next_attempt) {
        (Some(sent), _) => format!("sent {}", timestamp(sent)),
        (None, Some(next)) => format!("next attempt {}", timestamp(next)),
        (None, None) => format!("written {}", timestamp(&mail.created)),
    };
    let attempts = match mail.attempts {
        1 => "1 attempt".to_owned(),
        n => format!("{n} attempts"),
    };
    view! {
        <li data-testid="outbox-mail" data-status=mail.status.clone()>
            <details>
                <summary>
                    <strong>{mail.subject.clone()}</strong>
                    " to " {mail.recipient.clone()}
                </summary>
                <pre class="mail-body">{mail.body.clone()}</pre>
            </details>
            <p class="mail-meta">
                <span class=format!("badge mail-{}", mail.status) data-testid="mail-status">{status_label(&mail.status).to_owned()}</span>
                <span class="muted">{format!(" {attempts} · {when}")}</span>
                {mail.ticket.clone().map(|number| view! {
                    " · " <A href=format!("/tickets/{number}")>{number.clone()}</A>
                })}
            </p>
            {mail.last_error.clone().filter(|_| mail.sent.is_none()).map(|error| view! { <p class="mail-error" data-testid="mail-error">{error}</p> })}
            {can_retry.then(|| view! {
                <button type="button" class="secondary small" disabled=move || pending.get()
                    on:click=move |_| { retry.dispatch(()); }>
                    "Send again"
                </button>
            })}
            <ActionError action=retry/>
        </li>
    }
}
