//! The outbox: the mail the desk sent or is about to send, newest first — to see that a
//! confirmation or a ticket mail left, why one did not, and to send a failed one again.

use leptos::prelude::*;
use shared::mail::OutboxMail;
use ui::paths::href;

use super::AdminLayout;
use ui::api::mail;
use ui::crud::{paged_list, send_action, ActionError, Filter};
use ui::text::timestamp;

const STATUSES: Filter = Filter {
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
            {paged_list(
                STATUSES,
                "outbox",
                |token, status, page| async move { mail::outbox(&token, &status, page).await },
                mail_item,
            )}
        </AdminLayout>
    }
}

fn mail_item(mail: OutboxMail, changed: Callback<()>) -> AnyView {
    let id = mail.id;
    // The list is loaded again, with the mail's new status.
    let retry = send_action(
        RwSignal::new(Default::default()),
        move |token, ()| async move { mail::retry_outbox(&token, id).await },
        move |_| changed.run(()),
    );
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
            {mail_facts(&mail.status, STATUSES.label_of(&mail.status), format!(" {attempts} · {when}"), mail.ticket.clone(),
                mail.last_error.clone().filter(|_| mail.sent.is_none()))}
            {can_retry.then(|| view! {
                <button type="button" class="secondary small" disabled=move || pending.get()
                    on:click=move |_| { retry.dispatch(()); }>
                    "Send again"
                </button>
            })}
            <ActionError action=retry/>
        </li>
    }
    .into_any()
}

/// What became of a mail (here and in the mail log): its state as a badge (`state` names its
/// colour), the facts, the ticket it is about, and what went wrong.
pub fn mail_facts(
    state: &str,
    label: &str,
    facts: String,
    ticket: Option<String>,
    problem: Option<String>,
) -> impl IntoView {
    view! {
        <p class="mail-meta">
            <span class=format!("badge mail-{state}") data-testid="mail-state">{label.to_owned()}</span>
            <span class="muted">{facts}</span>
            {ticket.map(|number| view! { " · " <a href=href(&format!("/tickets/{number}"))>{number.clone()}</a> })}
        </p>
        {problem.map(|problem| view! { <p class="mail-error" data-testid="mail-problem">{problem}</p> })}
    }
}
