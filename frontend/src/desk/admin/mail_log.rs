//! The mail log: what the desk did with each mail that came in, and the quarantine — mail it
//! could not read, kept as it came so that it can be looked at, handled again (after a fix) or
//! thrown away.

use leptos::prelude::*;
use shared::mail::InboundMail;

use super::outbox::mail_facts;
use super::AdminLayout;
use ui::api::{mail, ApiError};
use ui::components::attachments::human_size;
use ui::components::form::ConfirmButton;
use ui::components::thread::save_as;
use ui::crud::{paged_list, send_action, ActionError, Filter};
use ui::text::timestamp;

// Quarantined first: that is the mail waiting for someone.
const OUTCOMES: Filter = Filter {
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
            {paged_list(
                OUTCOMES,
                "mail-log",
                |token, outcome, page| async move { mail::inbound(&token, &outcome, page).await },
                inbound_item,
            )}
        </AdminLayout>
    }
}

/// What can be done with a quarantined mail.
#[derive(Clone, Copy)]
enum Order {
    Retry,
    Download,
    Discard,
}

fn inbound_item(mail: InboundMail, changed: Callback<()>) -> AnyView {
    let id = mail.id;
    // A download saves the message; "try again" and "discard" change the list.
    let act = send_action(
        RwSignal::new(Default::default()),
        move |token, order: Order| async move {
            match order {
                Order::Retry => mail::retry_inbound(&token, id).await.map(|_| true),
                Order::Discard => mail::discard_inbound(&token, id).await.map(|()| true),
                Order::Download => {
                    let raw = mail::inbound_raw(&token, id).await?;
                    save_as(&raw, &format!("mail-{id}.eml"), "message/rfc822")
                        .map_err(|_| ApiError::Decode("the browser refused to save the file".into()))?;
                    Ok(false)
                }
            }
        },
        move |list_changed| {
            if list_changed {
                changed.run(());
            }
        },
    );
    let pending = act.pending();
    let order = move |order: Order| {
        act.dispatch(order);
    };
    let quarantined = mail.outcome == "quarantined";
    let subject = Some(mail.subject.clone()).filter(|s| !s.is_empty()).unwrap_or_else(|| "(no subject)".into());
    let sender = Some(mail.sender.clone()).filter(|s| !s.is_empty()).unwrap_or_else(|| "(no sender)".into());
    let outcome = OUTCOMES.label_of(&mail.outcome);
    let size = mail.size.map(|bytes| format!(" · {}", human_size(bytes as f64))).unwrap_or_default();
    let button = move |what: Order, label: &'static str| {
        view! {
            <button type="button" class="secondary small" disabled=move || pending.get()
                on:click=move |_| order(what)>{label}</button>
        }
    };
    view! {
        <li data-testid="inbound-mail" data-outcome=mail.outcome.clone()>
            <p><strong>{subject.clone()}</strong> " from " {sender}</p>
            {mail_facts(&mail.outcome, outcome, format!(" received {} by {}{size}", timestamp(&mail.received), mail.source),
                mail.ticket.clone(), mail.reason.clone())}
            {quarantined.then(|| view! {
                <div class="row-buttons">
                    {button(Order::Retry, "Try again")}
                    {button(Order::Download, "Download")}
                    <ConfirmButton label="Discard" what=format!("the mail “{subject}”")
                        on_confirm=Callback::new(move |()| order(Order::Discard)) pending/>
                </div>
            })}
            <ActionError action=act/>
        </li>
    }
    .into_any()
}
