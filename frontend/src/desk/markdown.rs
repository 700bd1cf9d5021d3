//! Markdown in what agents write (responses and notes): "Format with Markdown" sends the message
//! as Markdown (`"format": "markdown"`; the server keeps the sanitised HTML it stands for), and
//! "Preview" shows it as the thread will, through the thread's own safe copy of HTML. A pasted
//! picture goes where it was pasted, as `![Pasted picture](cid:pasted-1.png)` (the attached file's
//! name), and turns Markdown on.

use leptos::prelude::*;
use shared::tickets::{Ticket, TicketUpdate};
use ui::api::ApiError;
use ui::components::catalog::Catalog;
use ui::components::composer::{Draft, ReplyExtra, MESSAGE_ID};
use ui::components::form::CheckField;
use ui::message_html;
use wasm_bindgen::JsCast;
use web_sys::HtmlTextAreaElement;

/// The composer's Markdown choice and preview (`ReplyExtra`).
pub fn markdown_choice(_ticket: Memo<Option<Ticket>>, draft: Draft, _catalog: Catalog) -> Box<dyn ReplyExtra> {
    Box::new(MarkdownChoice {
        draft,
        on: RwSignal::new(false),
        preview: RwSignal::new(false),
        pasted: StoredValue::new(0),
    })
}

#[derive(Clone, Copy)]
struct MarkdownChoice {
    draft: Draft,
    on: RwSignal<bool>,
    preview: RwSignal<bool>,
    /// Pictures pasted so far.
    pasted: StoredValue<u32>,
}

impl ReplyExtra for MarkdownChoice {
    fn view(&self) -> AnyView {
        let Self { draft, on, preview, .. } = *self;
        // Pasted pictures show from the files being attached, by their names.
        let shown = move || {
            let html = shared::markdown::to_html(&draft.message.get());
            let pictures: Vec<(String, String)> =
                draft.files.with(|files| files.iter().map(|f| (f.name.clone(), f.data_url.clone())).collect());
            message_html::render(&html, false, &[], &pictures).map(|s| s.html).unwrap_or_default()
        };
        view! {
            <div class="markdown-choice">
                <CheckField id="reply-markdown" label="Format with Markdown" checked=on
                    hint="**bold**, _italic_, lists, `code`, [links](https://…), tables; a line break stays a line break."/>
                <Show when=move || on.get()>
                    <button type="button" class="secondary" aria-expanded=move || preview.get().to_string()
                        data-testid="markdown-preview-toggle" on:click=move |_| preview.update(|p| *p = !*p)>
                        {move || if preview.get() { "Hide preview" } else { "Preview" }}
                    </button>
                    <Show when=move || preview.get()>
                        <div class="entry-body entry-html markdown-preview" aria-label="Preview"
                            data-testid="markdown-preview" inner_html=shown></div>
                    </Show>
                </Show>
            </div>
        }
        .into_any()
    }

    fn check(&self, _note: bool) -> bool {
        true
    }

    fn fill(&self, update: &mut TicketUpdate, _note: bool) {
        if self.on.get_untracked() {
            update.format = Some("markdown".into());
        }
    }

    fn show_server_errors(&self, _error: &ApiError) {}

    fn sent(&self) {
        self.preview.set(false);
    }

    /// In its place, as Markdown, which this message now is; named pasted-1.png, pasted-2.png, …
    /// (a browser calls every pasted picture image.png), so that the text shows each by its name.
    fn pasted_picture(&self, content_type: &str) -> Option<String> {
        let extension = content_type.strip_prefix("image/")?.replace(['+', '.'], "");
        self.pasted.update_value(|n| *n += 1);
        let name = format!("pasted-{}.{extension}", self.pasted.get_value());
        self.on.set(true);
        insert_at_cursor(&format!("![Pasted picture](cid:{name})"), self.draft);
        Some(name)
    }
}

/// Puts text where the message's cursor is (over what is selected), the cursor after it.
fn insert_at_cursor(text: &str, draft: Draft) {
    let field = document().get_element_by_id(MESSAGE_ID).and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok());
    let Some(field) = field else {
        draft.message.update(|m| m.push_str(text));
        return;
    };
    let start = field.selection_start().ok().flatten().unwrap_or(0);
    let _ = field.set_range_text(text);
    let after = start + text.encode_utf16().count() as u32;
    let _ = field.set_selection_range(after, after);
    draft.message.set(field.value());
}
