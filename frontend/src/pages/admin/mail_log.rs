//! The mail log: what the desk did with each mail that came in, and the quarantine — mail it
//! could not read, kept as it came so that it can be looked at, handled again (after a fix) or
//! thrown away.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::mail::InboundMail;

use super::crud::{paged_list, ActionError, Filter};
use super::AdminLayout;
use crate::api::{self, ApiError};
use crate::components::attachments::human_size;
use crate::components::form::ConfirmButton;
use crate::components::thread::save_as;
use crate::session::Session;
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
            {paged_list("/mail/inbound.json", OUTCOMES, "mail-log", |mail, changed| view! { <InboundItem mail changed/> }.into_any())}
        </AdminLayout>
    }
}

/// What an administrator does with a quarantined mail.
#[derive(Clone, Copy, PartialEq)]
enum Handle {
    Retry,
    Discard,
    Download,
}

#[component]
fn InboundItem(mail: InboundMail, changed: Callback<()>) -> impl IntoView {
    let session = Session::get();
    let id = mail.id;
    let act = Action::new_local(move |handle: &Handle| {
        let handle = *handle;
        async move {
            match handle {
                Handle::Retry => {
                    session.call(|t| async move { api::admin::retry_inbound_mail(&t, id).await }).await?;
                }
                Handle::Discard => {
                    session.call(|t| async move { api::admin::discard_inbound_mail(&t, id).await }).await?;
                }
                Handle::Download => {
                    let bytes = session.call(|t| async move { api::admin::inbound_raw(&t, id).await }).await?;
                    return save_as(&bytes, &format!("mail-{id}.eml"), "message/rfc822")
                        .map_err(|_| ApiError::Decode("the browser refused to save the file".into()));
                }
            }
            changed.run(());
            Ok(())
        }
    });
    let pending = act.pending();
    let quarantined = mail.outcome == "quarantined";
    let subject = Some(mail.subject.clone()).filter(|s| !s.is_empty()).unwrap_or_else(|| "(no subject)".into());
    let sender = Some(mail.sender.clone()).filter(|s| !s.is_empty()).unwrap_or_else(|| "(no sender)".into());
    let outcome = OUTCOMES.choices.iter().find(|(v, _)| *v == mail.outcome).map_or(mail.outcome.as_str(), |(_, l)| l);
    let size = mail.size.map(|bytes| format!(" · {}", human_size(bytes as f64))).unwrap_or_default();
    let button = move |handle: Handle, label: &'static str| view! {
        <button type="button" class="secondary small" disabled=move || pending.get()
            on:click=move |_| { act.dispatch(handle); }>{label}</button>
    };
    view! {
        <li data-testid="inbound-mail" data-outcome=mail.outcome.clone()>
            <p><strong>{subject.clone()}</strong> " from " {sender}</p>
            <p class="mail-meta">
                <span class=format!("badge mail-{}", mail.outcome) data-testid="mail-outcome">{outcome.to_owned()}</span>
                <span class="muted">{format!(" received {} by {}{size}", timestamp(&mail.received), mail.source)}</span>
                {mail.ticket.clone().map(|number| view! {
                    " · " <A href=format!("/tickets/{number}")>{number.clone()}</A>
                })}
            </p>
            {mail.reason.clone().map(|reason| view! { <p class="mail-error" data-testid="mail-reason">{reason}</p> })}
            {quarantined.then(|| view! {
                <div class="row-buttons">
                    {button(Handle::Retry, "Try again")}
                    {button(Handle::Download, "Download")}
                    <ConfirmButton label="Discard" what=format!("the mail “{subject}”")
                        on_confirm=Callback::new(move |()| { act.dispatch(Handle::Discard); }) pending/>
                </div>
            })}
            <ActionError action=act/>
        </li>
    }
}
