//! Answering a ticket. Agents choose between a response (the customer sees it) and an internal
//! note (agents only); customers simply reply.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::tickets::{Ticket, TicketUpdate};
use shared::validate::MessageBody;

use crate::api::{self, ApiError};
use crate::components::feedback::{focus_field, ErrorNotice, FieldError};
use crate::session::Session;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReplyKind {
    Response,
    Note,
}

impl ReplyKind {
    fn as_api(self) -> &'static str {
        match self {
            ReplyKind::Response => "response",
            ReplyKind::Note => "note",
        }
    }
}

#[component]
pub fn ReplyForm(
    number: Memo<String>,
    /// The version of the ticket on screen; sent back so the server refuses to apply a reply
    /// written against a ticket that someone else has changed meanwhile.
    version: Signal<Option<i64>>,
    /// Gets the ticket as stored after the reply.
    on_posted: Callback<Ticket>,
    /// Asked to reload the ticket after a version conflict.
    on_conflict: Callback<()>,
) -> impl IntoView {
    let session = Session::get();
    let is_staff = Memo::new(move |_| session.is_staff());
    let message = RwSignal::new(String::new());
    let kind = RwSignal::new(ReplyKind::Response);
    let message_error = RwSignal::new(None::<String>);

    let post = Action::new_local(move |(number, update): &(String, TicketUpdate)| {
        let (number, update) = (number.clone(), update.clone());
        async move {
            let sent = session
                .call(|token| {
                    let (number, update) = (number.clone(), update.clone());
                    async move { api::update_ticket(&token, &number, &update).await }
                })
                .await;
            if let Err(error) = sent {
                if error.status() == Some(409) {
                    // try_run: the visitor may have left the page while the request was under way.
                    on_conflict.try_run(());
                }
                if let Some(reason) = error.fields().get("message") {
                    message_error.set(Some(reason.clone()));
                }
                return Err(error);
            }
            // Reload rather than trust the update's answer to carry the thread: what is shown is
            // then exactly what the server stored, in its order.
            let fresh = session
                .call(|token| {
                    let number = number.clone();
                    async move { api::get_ticket(&token, &number).await }
                })
                .await?;
            message.set(String::new());
            on_posted.try_run(fresh);
            Ok::<(), ApiError>(())
        }
    });
    let pending = post.pending();

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        // The same rule the server applies, checked before a round trip.
        let body = match MessageBody::parse(&message.get_untracked()) {
            Ok(body) => body,
            Err(reason) => {
                message_error.set(Some(format!("Reply {reason}.")));
                focus_field("reply-message");
                return;
            }
        };
        message_error.set(None);
        let update = TicketUpdate {
            message: Some(body.into_inner()),
            // Customers have one kind of reply; the server decides what it is.
            entry_type: is_staff
                .get_untracked()
                .then(|| kind.get_untracked().as_api().to_owned()),
            version: version.get_untracked(),
            ..Default::default()
        };
        post.dispatch((number.get_untracked(), update));
    };

    let submit_label = move || match (pending.get(), is_staff.get(), kind.get()) {
        (true, _, _) => "Sending…",
        (false, true, ReplyKind::Note) => "Add internal note",
        (false, true, ReplyKind::Response) => "Send response",
        (false, false, _) => "Send reply",
    };

    view! {
        <form
            class="stack reply-form"
            class:as-note=move || is_staff.get() && kind.get() == ReplyKind::Note
            aria-labelledby="reply-heading"
            on:submit=on_submit
            data-testid="reply-form"
        >
            <h2 id="reply-heading">"Reply"</h2>
            <Show when=move || is_staff.get()>
                <fieldset class="choice">
                    <legend>"Post as"</legend>
                    <label>
                        <input
                            type="radio"
                            name="reply-kind"
                            value="response"
                            prop:checked=move || kind.get() == ReplyKind::Response
                            on:change=move |_| kind.set(ReplyKind::Response)
                        />
                        "Response (the customer sees it)"
                    </label>
                    <label>
                        <input
                            type="radio"
                            name="reply-kind"
                            value="note"
                            prop:checked=move || kind.get() == ReplyKind::Note
                            on:change=move |_| kind.set(ReplyKind::Note)
                        />
                        "Internal note (agents only)"
                    </label>
                </fieldset>
            </Show>
            <div class="field">
                <label for="reply-message">"Message"</label>
                <textarea
                    id="reply-message"
                    name="message"
                    rows="6"
                    aria-describedby="reply-message-error"
                    aria-invalid=move || message_error.get().is_some().to_string()
                    prop:value=move || message.get()
                    on:input=move |ev| {
                        message.set(event_target_value(&ev));
                        message_error.set(None);
                    }
                ></textarea>
                <FieldError id="reply-message-error" message=message_error.into()/>
            </div>
            {move || post.value().get().and_then(Result::err).map(|error| {
                if error.status() == Some(409) {
                    view! {
                        <div class="notice notice-error" role="alert" data-testid="error">
                            <p>
                                "This ticket changed while you were writing. It has been reloaded \
                                 above; your reply is still here, so check it and send it again."
                            </p>
                        </div>
                    }
                    .into_any()
                } else {
                    view! { <ErrorNotice error/> }.into_any()
                }
            })}
            <button type="submit" disabled=move || pending.get() data-testid="reply-submit">
                {submit_label}
            </button>
        </form>
    }
}
