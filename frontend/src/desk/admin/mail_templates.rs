//! Mail templates: what each kind of mail says, edited with a preview rendered by the server
//! from example values. The preview's HTML comes from a template anyone with this page may
//! write, so it is shown in a sandboxed frame, never put into this page.

use leptos::prelude::*;
use shared::mail::{MailPreview, MailTemplate, MailTemplateInput};

use super::AdminLayout;
use ui::api::mail;
use ui::components::form::{ConfirmButton, FieldErrors, TextArea, TextField};
use ui::crud::{load, send_action, show_loaded, ActionError};

#[component]
pub fn MailTemplatesPage() -> impl IntoView {
    let templates = load(|token| async move { mail::templates(&token).await });
    view! {
        <AdminLayout title="Mail templates">
            <p class="muted">
                "Placeholders such as " <code>"{{ ticket.number }}"</code> " are filled in when the mail is written; "
                <code>"{% if … %}…{% endif %}"</code> " shows a part only sometimes. Ticket mail gets its ticket "
                "number in front of the subject, so that replies find their ticket."
            </p>
            {show_loaded(templates, template_picker)}
        </AdminLayout>
    }
}

/// Which template to edit; the editor starts afresh with each pick (unsaved changes go).
fn template_picker(templates: Vec<MailTemplate>) -> AnyView {
    // Kept up to date with what the server saved, so that picking a kind again shows it.
    let templates = StoredValue::new(templates);
    let picked = RwSignal::new(0_usize);
    let saved = Callback::new(move |saved: MailTemplate| {
        templates.update_value(|ts| {
            if let Some(slot) = ts.iter_mut().find(|t| t.kind == saved.kind) {
                *slot = saved;
            }
        })
    });
    view! {
        <div class="field">
            <label for="template-kind">"Template"</label>
            <select id="template-kind" on:change=move |ev| picked.set(event_target_value(&ev).parse().unwrap_or(0))>
                {templates.with_value(|ts| ts.iter().enumerate().map(|(i, t)| {
                    view! { <option value=i.to_string()>{t.description.clone()}</option> }
                }).collect_view())}
            </select>
        </div>
        {move || templates.with_value(|ts| ts.get(picked.get()).cloned()).map(|template| template_editor(template, saved))}
    }
    .into_any()
}

/// What the editor last asked the server for, and so what its answer is.
#[derive(Clone, Copy, PartialEq)]
enum Step {
    Preview,
    Save,
    Reset,
}

/// What the server answered: a preview, or the template as stored now.
enum Answer {
    Preview(MailPreview),
    Template(MailTemplate),
}

/// One template: edit, preview, save, or go back to the built-in text.
fn template_editor(template: MailTemplate, saved: Callback<MailTemplate>) -> AnyView {
    let MailTemplate { kind, subject, body_text, body_html, customized, placeholders, .. } = template;
    let subject = RwSignal::new(subject);
    let body_text = RwSignal::new(body_text);
    let body_html = RwSignal::new(body_html);
    let customized = RwSignal::new(customized);
    let errors = RwSignal::new(FieldErrors::new());
    let preview = RwSignal::new(None::<MailPreview>);
    let step = RwSignal::new(Step::Preview);
    let kind = StoredValue::new(kind);
    let act = send_action(
        errors,
        move |token, (step, input): (Step, MailTemplateInput)| async move {
            let kind = kind.get_value();
            Ok(match step {
                Step::Preview => Answer::Preview(mail::preview_template(&token, &kind, &input).await?),
                Step::Save => Answer::Template(mail::save_template(&token, &kind, &input).await?),
                Step::Reset => Answer::Template(mail::reset_template(&token, &kind).await?),
            })
        },
        move |answer: Answer| match answer {
            Answer::Preview(shown) => preview.set(Some(shown)),
            Answer::Template(now) => {
                if step.get_untracked() == Step::Reset {
                    subject.set(now.subject.clone());
                    body_text.set(now.body_text.clone());
                    body_html.set(now.body_html.clone());
                    preview.set(None);
                }
                customized.set(now.customized);
                saved.run(now);
            }
        },
    );
    let pending = act.pending();
    let go = move |next: Step| {
        step.set(next);
        let input = MailTemplateInput {
            subject: subject.get_untracked(),
            body_text: body_text.get_untracked(),
            body_html: body_html.get_untracked(),
        };
        act.dispatch((next, input));
    };
    let placeholders: Vec<String> = placeholders.iter().map(|p| format!("{{{{ {p} }}}}")).collect();

    view! {
        <form class="stack" novalidate aria-label="Edit a mail template" data-testid="template-form"
            on:submit=move |ev| { ev.prevent_default(); go(Step::Save); }>
            // Announced: it is also what a save or a reset did.
            <p class="hint" role="status" data-testid="template-state">
                <code>{kind.get_value()}</code>
                {move || if customized.get() { " · changed from the built-in text" } else { " · the built-in text" }}
            </p>
            <TextField id="template-subject" name="subject" label="Subject" value=subject errors/>
            <TextArea id="template-text" name="body_text" label="Text" value=body_text errors rows=10
                hint="For mail programs that show plain text."/>
            <TextArea id="template-html" name="body_html" label="HTML" value=body_html errors rows=10
                hint="The same mail with formatting. Values are escaped: a customer's name cannot add markup."/>
            <p class="hint" data-testid="placeholders">"Placeholders: " <code>{placeholders.join(" ")}</code></p>
            <ActionError action=act/>
            <div class="row-buttons">
                <button type="button" class="secondary" disabled=move || pending.get() on:click=move |_| go(Step::Preview)>"Preview"</button>
                <button type="submit" disabled=move || pending.get()>"Save"</button>
                <ConfirmButton label="Reset to built-in" what="text"
                    on_confirm=Callback::new(move |()| go(Step::Reset)) pending/>
            </div>
        </form>
        {move || preview.get().map(preview_pane)}
    }
    .into_any()
}

/// The rendered mail: its subject, its text, and its HTML in a frame that runs nothing and
/// reaches nothing (`sandbox=""`).
fn preview_pane(preview: MailPreview) -> impl IntoView {
    view! {
        <section class="panel stack" aria-labelledby="preview-heading" data-testid="mail-preview">
            <h2 id="preview-heading">"Preview"</h2>
            <p><span class="muted">"Subject: "</span><strong data-testid="preview-subject">{preview.subject}</strong></p>
            <pre class="mail-body" data-testid="preview-text">{preview.body_text}</pre>
            <iframe class="mail-html" title="The HTML version" sandbox="" srcdoc=preview.body_html></iframe>
        </section>
    }
}
