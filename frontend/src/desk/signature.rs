//! The agent's signature: written on their account page (plain text, saved with
//! `PUT /api/users/me.json`), added below a response unless they untick "Add my signature" in the
//! composer (a `ReplyExtra`; the server adds it: `"signature": true`).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::tickets::{Ticket, TicketUpdate};
use shared::users::{ProfileUpdate, SIGNATURE_MAX_CHARS};
use ui::api::{self, ApiError};
use ui::components::catalog::Catalog;
use ui::components::composer::{Draft, ReplyExtra, ReplyMode};
use ui::components::feedback::ErrorNotice;
use ui::components::form::{show_server_errors, CheckField, FieldErrors, TextArea};
use ui::session::Session;
use ui::task::Task;

pub fn signature_form() -> AnyView {
    let session = Session::get();
    if !session.is_staff() {
        return ().into_any();
    }
    let text = RwSignal::new(session.user().map(|u| u.signature).unwrap_or_default());
    let errors = RwSignal::new(FieldErrors::new());
    let save = Task::<()>::new();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let signature = text.get_untracked();
        if signature.trim().chars().count() > SIGNATURE_MAX_CHARS {
            errors.set(FieldErrors::from([(
                "signature".to_owned(),
                format!("must be at most {SIGNATURE_MAX_CHARS} characters"),
            )]));
            return;
        }
        errors.set(FieldErrors::new());
        save.run(async move {
            let update = ProfileUpdate { signature: Some(signature), ..Default::default() };
            let user = session.read(api::update_me(&update)).await.inspect_err(|e| show_server_errors(e, errors))?;
            session.set_user(user);
            Ok(())
        })
    };
    let pending = save.pending();
    view! {
        <h2>"Signature"</h2>
        <form class="stack" on:submit=on_submit data-testid="signature-form">
            <TextArea id="account-signature" name="signature" label="Your signature" value=text errors rows=4
                hint="Added below your responses when “Add my signature” is ticked. Plain text; empty for none."/>
            {move || save.error().map(|error| view! { <ErrorNotice error/> })}
            <p class="saved" role="status">{move || matches!(save.value().get(), Some(Ok(()))).then_some("Signature saved.")}</p>
            <button type="submit" disabled=move || pending.get()>
                {move || if pending.get() { "Saving…" } else { "Save signature" }}
            </button>
        </form>
    }
    .into_any()
}

/// The composer's "Add my signature", on responses of an agent who has one.
pub fn reply_signature(_ticket: Memo<Option<Ticket>>, draft: Draft, _catalog: Catalog) -> Box<dyn ReplyExtra> {
    let session = Session::get();
    let has = Memo::new(move |_| session.user().is_some_and(|u| !u.signature.trim().is_empty()));
    Box::new(ReplySignature { draft, has, checked: RwSignal::new(true) })
}

#[derive(Clone, Copy)]
struct ReplySignature {
    draft: Draft,
    has: Memo<bool>,
    checked: RwSignal<bool>,
}

impl ReplyExtra for ReplySignature {
    fn view(&self) -> AnyView {
        let Self { draft, has, checked } = *self;
        view! {
            <Show when=move || has.get() && draft.mode.get() == ReplyMode::Reply>
                <CheckField id="reply-signature" label="Add my signature" checked/>
            </Show>
        }
        .into_any()
    }

    fn check(&self, _note: bool) -> bool {
        true
    }

    fn fill(&self, update: &mut TicketUpdate, note: bool) {
        update.signature = (!note && self.has.get_untracked() && self.checked.get_untracked()).then_some(true);
    }

    fn show_server_errors(&self, _error: &ApiError) {}

    fn sent(&self) {}
}
