//! Mail templates: what each kind of mail says, edited with a preview rendered by the server
//! from example values. The preview's HTML comes from a template anyone with this page may
//! write, so it is shown in a sandboxed frame, never put into this page.

use leptos::prelude::*;
use shared::mail::{MailPreview, MailTemplate, MailTemplateInput};

use super::crud::{load_list, send_action, ActionError};
use super::AdminLayout;
use crate::api::{self, ApiError};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::form::{ConfirmButton, FieldErrors, TextArea, TextField};

#[component]
pub fn MailTemplatesPage() -> impl IntoView {
    let list = load_list(|t| async move { api::admin::mail_templates(&t).await });
    view! {
        <AdminLayout title="Mail templates">
            <p class="muted">
                "Placeholders such as " <code>"{{ ticket.number }}"</code> " are filled in when the mail is written; "
                <code>"{% if … %}…{% endif %}"</code> " shows a part only sometimes. Ticket mail gets its ticket "
                "number in front of the subject, so that replies find their ticket."
            </p>
            {move || match list.get() {
                None => view! { <Loading label="Loading the templates…"/> }.into_any(),
                Some(Err(error)) => view! { <ErrorNotice error retry=Callback::new(move |()| list.refetch())/> }.into_any(),
                Some(Ok(templates)) => view! { <TemplateEditor templates/> }.into_any(),
            }}
        </AdminLayout>
    }
}

/// What the editor asks the server for.
#[derive(Clone, Copy)]
enum Step {
    Preview,
    Save,
    Reset,
}

enum Done {
    Preview(MailPreview),
    Saved(MailTemplate),
    Reset(MailTemplate),
}

async fn run(token: String, (step, kind, input): (Step, String, MailTemplateInput)) -> Result<Done, ApiError> {
    Ok(match step {
        Step::Preview => Done::Preview(api::admin::preview_template(&token, &kind, &input).await?),
        Step::Save => Done::Saved(api::admin::save_template(&token, &kind, &input).await?),
        Step::Reset => Done::Reset(api::admin::reset_template(&token, &kind).await?),
    })
}

/// One editor for every kind: pick one, edit, preview, save or go back to the built-in text.
#[component]
fn TemplateEditor(templates: Vec<MailTemplate>) -> impl IntoView {
    // Kept up to date with what the server saved, so that picking a kind again shows it.
    let templates = RwSignal::new(templates);
    let kind = RwSignal::new(String::new());
    let subject = RwSignal::new(String::new());
    let body_text = RwSignal::new(String::new());
    let body_html = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let preview = RwSignal::new(None::<MailPreview>);
    let note = RwSignal::new(None::<&'static str>);
    let show = move |t: &MailTemplate| {
        kind.set(t.kind.clone());
        subject.set(t.subject.clone());
        body_text.set(t.body_text.clone());
        body_html.set(t.body_html.clone());
        errors.set(FieldErrors::new());
        preview.set(None);
    };
    if let Some(first) = templates.with_untracked(|ts| ts.first().cloned()) {
        show(&first);
    }
    let remember = move |saved: MailTemplate| {
        templates.update(|ts| {
            if let Some(slot) = ts.iter_mut().find(|t| t.kind == saved.kind) {
                *slot = saved;
            }
        })
    };
    let act = send_action(errors, run, move |done| match done {
        Done::Preview(rendered) => preview.set(Some(rendered)),
        Done::Saved(saved) => {
            remember(saved);
            note.set(Some("Saved."));
        }
        Done::Reset(builtin) => {
            show(&builtin);
            remember(builtin);
            note.set(Some("Back to the built-in text."));
        }
    });
    let pending = act.pending();
    let go = move |step: Step| {
        note.set(None);
        let input = MailTemplateInput {
            subject: subject.get_untracked(),
            body_text: body_text.get_untracked(),
            body_html: body_html.get_untracked(),
        };
        act.dispatch((step, kind.get_untracked(), input));
    };
    let current = move || templates.with(|ts| kind.with(|k| ts.iter().find(|t| t.kind == *k).cloned()));
    let customized = Signal::derive(move || current().is_some_and(|t| t.customized));

    view! {
        <form class="stack" novalidate aria-label="Edit a mail template" data-testid="template-form"
            on:submit=move |ev| { ev.prevent_default(); go(Step::Save); }>
            <div class="field">
                <label for="template-kind">"Template"</label>
                <select id="template-kind" disabled=move || pending.get() on:change=move |ev| {
                    let picked = event_target_value(&ev);
                    if let Some(t) = templates.with_untracked(|ts| ts.iter().find(|t| t.kind == picked).cloned()) {
                        show(&t);
                        note.set(None);
                    }
                }>
                    {templates.with_untracked(|ts| ts.iter().map(|t| {
                        view! { <option value=t.kind.clone()>{t.description.clone()}</option> }
                    }).collect_view())}
                </select>
                <p class="hint" data-testid="template-state">
                    <code>{move || kind.get()}</code>
                    {move || if customized.get() { " · changed from the built-in text" } else { " · the built-in text" }}
                </p>
            </div>
            <TextField id="template-subject" name="subject" label="Subject" value=subject errors/>
            <TextArea id="template-text" name="body_text" label="Text" value=body_text errors rows=10
                hint="For mail programs that show plain text."/>
            <TextArea id="template-html" name="body_html" label="HTML" value=body_html errors rows=10
                hint="The same mail with formatting. Values are escaped: a customer's name cannot add markup."/>
            <p class="hint" data-testid="placeholders">
                "Placeholders: "
                {move || current().map(|t| t.placeholders.into_iter().map(|p| view! { <code>{format!("{{{{ {p} }}}}")}</code>" " }).collect_view())}
            </p>
            <ActionError action=act/>
            <p role="status" class="saved">{move || note.get()}</p>
            <div class="row-buttons">
                <button type="button" class="secondary" disabled=move || pending.get() on:click=move |_| go(Step::Preview)>"Preview"</button>
                <button type="submit" disabled=move || pending.get()>"Save"</button>
                <ConfirmButton label="Reset to built-in" what="text"
                    on_confirm=Callback::new(move |()| go(Step::Reset)) pending/>
            </div>
        </form>
        {move || preview.get().map(|p| view! { <PreviewPane preview=p/> })}
    }
}

/// The rendered mail: its subject, its text, and its HTML in a frame that runs nothing and
/// reaches nothing (`sandbox=""`).
#[component]
fn PreviewPane(preview: MailPreview) -> impl IntoView {
    view! {
        <section class="panel stack" aria-labelledby="preview-heading" data-testid="mail-preview">
            <h2 id="preview-heading">"Preview"</h2>
            <p><span class="muted">"Subject: "</span><strong data-testid="preview-subject">{preview.subject}</strong></p>
            <pre class="mail-body" data-testid="preview-text">{preview.body_text}</pre>
            <iframe class="mail-html" title="The HTML version" sandbox="" srcdoc=preview.body_html></iframe>
        </section>
    }
}
