//! Markdown in what agents write (responses and notes): "Format with Markdown" sends the message
//! as Markdown (`"format": "markdown"`; the server keeps the sanitised HTML it stands for), and
//! "Preview" shows it as the thread will, through the thread's own safe copy of HTML.

use leptos::prelude::*;
use shared::tickets::{Ticket, TicketUpdate};
use ui::api::ApiError;
use ui::components::composer::{Draft, ReplyExtra};
use ui::components::form::CheckField;
use ui::message_html;

/// The composer's Markdown choice and preview (`ReplyExtra`).
pub fn markdown_choice(_ticket: Memo<Option<Ticket>>, draft: Draft) -> Box<dyn ReplyExtra> {
    Box::new(MarkdownChoice { draft, on: RwSignal::new(false), preview: RwSignal::new(false) })
}

#[derive(Clone, Copy)]
struct MarkdownChoice {
    draft: Draft,
    on: RwSignal<bool>,
    preview: RwSignal<bool>,
}

impl ReplyExtra for MarkdownChoice {
    fn view(&self) -> AnyView {
        let Self { draft, on, preview } = *self;
        let shown = move || {
            let html = shared::markdown::to_html(&draft.message.get());
            message_html::render(&html, false, &[]).map(|s| s.html).unwrap_or_default()
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
}
