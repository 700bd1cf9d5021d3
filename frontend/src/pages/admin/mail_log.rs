//! The mail log: what the desk did with each mail that came in, and the quarantine — mail it
//! could not read, kept as it came so that it can be looked at, handled again (after a fix) or
//! thrown away.

use leptos::prelude::*;
use shared::mail::InboundMail;

use super::crud::ActionError;
use super::outbox::mail_facts;
use super::AdminLayout;
use crate::api::ApiError;
use crate::components::attachments::human_size;
use crate::components::form::ConfirmButton;
use crate::components::thread::save_as;
use crate::requests::{filtered_list, order_action, Filter, Reply};
use crate::text::timestamp;

// Quarantined first: that is the mail waiting for someone.
const OUTCOMES: Filter = Filter {
    key: "outcome",
    label: "Outcome",
    choices: &[
        ("quarantined", "Quarantined"),
        ("", "All"),
        ("ticket", "New ticket"),
        ("reply", "Reply to a ticket"),
        ("auto", "Auto-reply (nothing done)"),
        ("ignored", "Unknown sender (ignored)"),
    ],
};

#[component]
pub fn MailLogPage() -> impl IntoView {
    view! {
        <AdminLayout title="Mail log">
            <p class="muted">"Mail fetched from the mailbox, newest first. Quarantined mail could not be "
                "read; download it to see why, try again once the cause is fixed, or discard it."</p>
            {filtered_list("/mail/inbound.json", OUTCOMES, "mail-log", inbound_item)}
        </AdminLayout>
    }
}

fn inbound_item(mail: InboundMail, changed: Callback<()>) -> AnyView {
    let id = mail.id;
    // A download answers with the message; "try again" and "discard" change the list.
    let downloading = RwSignal::new(false);
    let act = order_action(
        RwSignal::new(Default::default()),
        Callback::new(move |reply: Reply| {
            if !downloading.get_untracked() {
                changed.run(());
                return Ok(());
            }
            save_as(&reply.body, &format!("mail-{id}.eml"), "message/rfc822")
                .map_err(|_| ApiError::Decode("the browser refused to save the file".into()))
        }),
    );
    let pending = act.pending();
    let order = move |method: &'static str, suffix: &'static str| {
        downloading.set(suffix == "/raw");
        act.dispatch((method, format!("/mail/inbound.json/{id}{suffix}"), None));
    };
    let quarantined = mail.outcome == "quarantined";
    let subject = Some(mail.subject.clone())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "(no subject)".into());
    let sender = Some(mail.sender.clone())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "(no sender)".into());
    let outcome = OUTCOMES
        .choices
        .iter()
        .find(|(v, _)| *v == mail.outcome)
        .map_or(mail.outcome.as_str(), |(_, l)| l);
    let size = mail
        .size
        .map(|bytes| format!(" · {}", human_size(bytes as f64)))
        .unwrap_or_default();
    let button = move |method: &'static str, suffix: &'static str, label: &'static str| {
        view! {
            <button type="button" class="secondary small" disabled=move || pending.get()
                on:click=move |_| order(method, suffix)>{label}</button>
        }
    };
    view! {
        <li data-testid="inbound-mail" data-outcome=mail.outcome.clone()>
            <p><strong>{subject.clone()}</strong> " from " {sender}</p>
            {mail_facts(&mail.outcome, outcome, format!(" received {} by {}{size}", timestamp(&mail.received), mail.source),
                mail.ticket.clone(), mail.reason.clone())}
            {quarantined.then(|| view! {
                <div class="row-buttons">
                    {button("POST", "/retry", "Try again")}
                    {button("GET", "/raw", "Download")}
                    <ConfirmButton label="Discard" what=format!("the mail “{subject}”")
                        on_confirm=Callback::new(move |()| order("DELETE", "")) pending/>
                </div>
            })}
            <ActionError action=act/>
        </li>
    }
    .into_any()
}
