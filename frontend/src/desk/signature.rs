//! The agent's signature on their account page: plain text the composer adds below a response
//! ("Add my signature"), saved with `PUT /api/users/me.json`.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::users::{ProfileUpdate, SIGNATURE_MAX_CHARS};
use ui::api;
use ui::components::feedback::ErrorNotice;
use ui::components::form::{show_server_errors, FieldErrors, TextArea};
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
