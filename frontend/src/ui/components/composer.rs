//! Writing on a ticket: a reply the customer sees or (agents only) an internal note, with files
//! chosen by the picker, dropped onto the form or pasted (a screenshot) into the message. The
//! draft lives in the page's [`Draft`], so a reload of the ticket (after a conflict, say) keeps
//! the text and the chosen files; its text is also kept on the server as it is typed
//! ([`DraftSync`]), for a reload of the page or another device, and restored when the ticket opens.

use leptos::ev::{ClipboardEvent, DragEvent, SubmitEvent};
use leptos::prelude::*;
use shared::tickets::{Ticket, TicketUpdate};
use shared::validate::MessageBody;
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError};
use crate::components::attachments::{human_size, read_data_url, to_uploads, PickedFile};
use crate::components::catalog::Catalog;
use crate::components::draft_sync::DraftSync;
use crate::components::feedback::{focus_field, ErrorNotice, FieldError};
use crate::components::icon::Icon;
use crate::session::Session;
use crate::task::Task;
use crate::text::local;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyMode {
    Reply,
    Note,
}

/// What is being written. Owned by the page, not by the form.
#[derive(Debug, Clone, Copy)]
pub struct Draft {
    pub message: RwSignal<String>,
    pub mode: RwSignal<ReplyMode>,
    pub files: RwSignal<Vec<PickedFile>>,
}

impl Default for Draft {
    fn default() -> Self {
        Self::new()
    }
}

impl Draft {
    pub fn new() -> Self {
        Draft {
            message: RwSignal::new(String::new()),
            mode: RwSignal::new(ReplyMode::Reply),
            files: RwSignal::new(Vec::new()),
        }
    }

    fn clear(&self) {
        self.message.try_set(String::new());
        self.files.try_set(Vec::new());
    }
}

/// What the desk adds to what agents write (`desk::signature`: "Add my signature";
/// `desk::markdown`: Markdown with a preview; `desk::copies`: who is copied and blind copies on
/// a response; `desk::then_status`: the status to set with it), drawn below the message. The
/// portal adds nothing, and carries none of it.
pub trait ReplyExtra {
    fn view(&self) -> AnyView;
    /// The browser-side checks; false when one failed (it shows its own message).
    fn check(&self, note: bool) -> bool;
    fn fill(&self, update: &mut TicketUpdate, note: bool);
    /// The server's 422 about these fields, shown by them.
    fn show_server_errors(&self, error: &ApiError);
    /// The response went: start afresh.
    fn sent(&self);
    /// A picture of this type was pasted into the message: the name to attach it as, when it
    /// goes in its place (`desk::markdown`: `pasted-1.png`, with `![…](cid:pasted-1.png)` where
    /// it was pasted). None attaches it only, under the browser's name.
    fn pasted_picture(&self, _content_type: &str) -> Option<String> {
        None
    }
    /// The status the message will set, by name, for the send button ("Send and set Resolved").
    fn then_status(&self) -> Option<String> {
        None
    }
}

/// Makes one of the desk's [`ReplyExtra`]s for the ticket as shown, what is being written, and
/// what the desk picks from.
pub type MakeReplyExtra = fn(Memo<Option<Ticket>>, Draft, Catalog) -> Box<dyn ReplyExtra>;

/// The id of the message field, which `r` and `n` focus.
pub const MESSAGE_ID: &str = "reply-message";

#[component]
pub fn Composer(
    number: Memo<String>,
    /// The ticket as shown: its version (sent back), and for the desk's extras.
    ticket: Memo<Option<Ticket>>,
    /// What the desk's extras pick from (the statuses of "send and set").
    catalog: Catalog,
    draft: Draft,
    /// The largest file the server takes, when known.
    max_upload: Signal<Option<i64>>,
    /// Gets told that a 409 happened (the page offers the reload).
    conflict: RwSignal<bool>,
    /// After a successful post: reload the ticket.
    on_posted: Callback<()>,
    /// The desk's additions for agents.
    extras: &'static [MakeReplyExtra],
) -> impl IntoView {
    let session = Session::get();
    let is_staff = Memo::new(move |_| session.is_staff());
    let extras: Vec<Box<dyn ReplyExtra>> =
        if session.is_staff() { extras.iter().map(|make| make(ticket, draft, catalog)).collect() } else { Vec::new() };
    let extras = StoredValue::new_local(extras);
    let message_error = RwSignal::new(None::<String>);
    let file_errors = RwSignal::new(Vec::<String>::new());
    let reading = RwSignal::new(0usize);
    let dragging = RwSignal::new(false);
    let sent_notice = RwSignal::new(None::<&'static str>);
    let sync = DraftSync::new();
    // What the server keeps the draft as: agents choose, a customer's is a message.
    let entry_type = move || {
        is_staff.get_untracked().then(|| match draft.mode.get_untracked() {
            ReplyMode::Note => "note".to_owned(),
            ReplyMode::Reply => "response".to_owned(),
        })
    };
    let keep = move || sync.changed(number.get_untracked(), draft.message.get_untracked(), entry_type());
    // A draft left on the server (a reload, another device) comes back when the ticket opens,
    // unless something is already being written here.
    Effect::new(move |_| {
        let opened = number.get();
        leptos::task::spawn_local(async move {
            let Ok(Some(saved)) = sync.load(&opened).await else {
                return;
            };
            // The page may have moved on (or gone) while the draft was read.
            let still_here = number.try_get_untracked().is_some_and(|n| n == opened);
            let empty = draft.message.try_with_untracked(|m| m.trim().is_empty()).unwrap_or(false);
            if !still_here || !empty {
                return;
            }
            draft.message.try_set(saved.message);
            if saved.entry_type.as_deref() == Some("note") && is_staff.try_get_untracked() == Some(true) {
                draft.mode.try_set(ReplyMode::Note);
            }
            let when = saved.updated.as_deref().map(local).unwrap_or_default();
            sync.state.try_set(Some(format!("Draft restored (saved {when}).")));
        });
    });

    let post = Task::<()>::new();
    let send = move |number: String, update: TicketUpdate| {
        post.run(async move {
            let sent = session.send(&api::update_ticket_call(&number, &update)).await;
            match sent {
                Ok(_) => {
                    // The page may be gone by the time the answer comes.
                    draft.clear();
                    sync.discard(number);
                    sync.state.try_set(None);
                    extras.try_with_value(|e| e.iter().for_each(|e| e.sent()));
                    sent_notice.try_set(Some(if update.entry_type.as_deref() == Some("note") {
                        "Internal note added."
                    } else {
                        "Reply sent."
                    }));
                    on_posted.try_run(());
                    Ok(())
                }
                Err(error) => {
                    if error.status() == Some(409) {
                        conflict.try_set(true);
                    }
                    if let Some(reason) = error.fields().get("message") {
                        message_error.try_set(Some(format!("Message {reason}.")));
                    }
                    extras.try_with_value(|e| e.iter().for_each(|e| e.show_server_errors(&error)));
                    Err(error)
                }
            }
        })
    };
    let pending = post.pending();

    let add_files = move |list: Option<web_sys::FileList>, paste: bool| {
        let Some(list) = list else { return };
        let limit = max_upload.get_untracked();
        let mut rejected = Vec::new();
        for index in 0..list.length() {
            let Some(file) = list.get(index) else {
                continue;
            };
            let mut name = file.name();
            let size = file.size();
            if let Some(limit) = limit.filter(|limit| size > *limit as f64) {
                rejected.push(format!(
                    "{name} is {}, more than the {} limit; it was not added.",
                    human_size(size),
                    human_size(limit as f64)
                ));
                continue;
            }
            if paste {
                if let Some(named) = extras.with_value(|e| e.iter().find_map(|e| e.pasted_picture(&file.type_()))) {
                    name = named;
                }
            }
            read_file(file, name, draft, reading, file_errors);
        }
        file_errors.set(rejected);
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        sent_notice.set(None);
        let body = match MessageBody::parse(&draft.message.get_untracked()) {
            Ok(body) => body,
            Err(reason) => {
                message_error.set(Some(format!("Message {reason}.")));
                focus_field(MESSAGE_ID);
                return;
            }
        };
        // Checked again here: a limit that loaded after the files were chosen still applies.
        if let Some(limit) = max_upload.get_untracked() {
            let too_big: Vec<String> = draft.files.with_untracked(|files| {
                files
                    .iter()
                    .filter(|f| f.size > limit as f64)
                    .map(|f| format!("{} is larger than the {} limit: remove it.", f.name, human_size(limit as f64)))
                    .collect()
            });
            if !too_big.is_empty() {
                file_errors.set(too_big);
                return;
            }
        }
        let note = is_staff.get_untracked() && draft.mode.get_untracked() == ReplyMode::Note;
        // Every check runs (each shows its own message).
        let checked: Vec<bool> = extras.with_value(|e| e.iter().map(|e| e.check(note)).collect());
        if checked.contains(&false) {
            return;
        }
        message_error.set(None);
        let attachments = draft.files.with_untracked(|files| to_uploads(files));
        let mut update = TicketUpdate {
            message: Some(body.into_inner()),
            // Customers have one kind of reply; the server decides what it is.
            entry_type: is_staff.get_untracked().then(|| if note { "note" } else { "response" }.to_owned()),
            attachments,
            version: ticket.with_untracked(|t| t.as_ref().map(|t| t.version)),
            ..Default::default()
        };
        extras.with_value(|e| e.iter().for_each(|e| e.fill(&mut update, note)));
        send(number.get_untracked(), update);
    };

    let as_note = move || is_staff.get() && draft.mode.get() == ReplyMode::Note;
    let submit_label = move || {
        let then = extras.with_value(|e| e.iter().find_map(|e| e.then_status()));
        match (pending.get(), is_staff.get(), draft.mode.get(), then) {
            (true, ..) => "Sending…".to_owned(),
            (false, true, ReplyMode::Note, None) => "Add internal note".to_owned(),
            (false, true, ReplyMode::Note, Some(s)) => format!("Add note and set {s}"),
            (false, true, ReplyMode::Reply, None) => "Send response".to_owned(),
            (false, true, ReplyMode::Reply, Some(s)) => format!("Send and set {s}"),
            (false, false, ..) => "Send reply".to_owned(),
        }
    };

    view! {
        <form
            class="stack reply-form composer"
            class:as-note=as_note
            class:dragging=move || dragging.get()
            aria-labelledby="reply-heading"
            on:submit=on_submit
            on:dragover=move |ev: DragEvent| {
                // Without this the browser opens a dropped file instead of handing it to us.
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |ev: DragEvent| {
                // Leaving for a child element is not leaving the form.
                let inside = ev
                    .related_target()
                    .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
                    .zip(ev.current_target().and_then(|t| t.dyn_into::<web_sys::Node>().ok()))
                    .is_some_and(|(to, form)| form.contains(Some(&to)));
                if !inside {
                    dragging.set(false);
                }
            }
            on:drop=move |ev: DragEvent| {
                ev.prevent_default();
                dragging.set(false);
                add_files(ev.data_transfer().and_then(|d| d.files()), false);
            }
            data-testid="reply-form"
        >
            <h2 id="reply-heading">
                {move || if as_note() { "Internal note" } else { "Reply" }}
            </h2>
            <Show when=move || is_staff.get()>
                <fieldset class="choice">
                    <legend>"Post as"</legend>
                    <label>
                        <input
                            type="radio"
                            name="reply-kind"
                            value="response"
                            aria-keyshortcuts="r"
                            prop:checked=move || draft.mode.get() == ReplyMode::Reply
                            on:change=move |_| {
                                draft.mode.set(ReplyMode::Reply);
                                keep();
                            }
                        />
                        "Response (the customer sees it)"
                    </label>
                    <label>
                        <input
                            type="radio"
                            name="reply-kind"
                            value="note"
                            aria-keyshortcuts="n"
                            prop:checked=move || draft.mode.get() == ReplyMode::Note
                            on:change=move |_| {
                                draft.mode.set(ReplyMode::Note);
                                keep();
                            }
                        />
                        "Internal note (agents only)"
                    </label>
                </fieldset>
            </Show>
            <Show when=as_note>
                <p class="note-hint">"Only agents will see this note."</p>
            </Show>
            <div class="field">
                <label for=MESSAGE_ID>"Message"</label>
                <textarea
                    id=MESSAGE_ID
                    name="message"
                    rows="6"
                    aria-describedby="reply-message-error"
                    aria-invalid=move || message_error.get().is_some().to_string()
                    prop:value=move || draft.message.get()
                    on:input=move |ev| {
                        draft.message.set(event_target_value(&ev));
                        message_error.set(None);
                        sent_notice.set(None);
                        keep();
                    }
                    on:paste=move |ev: ClipboardEvent| {
                        // A pasted picture (a screenshot) is attached, as a dropped file is; text
                        // pasted with a picture (from a word processor) stays text.
                        let Some(data) = ev.clipboard_data() else { return };
                        let text = data.get_data("text/plain").unwrap_or_default();
                        if let Some(files) = data.files().filter(|f| f.length() > 0 && text.is_empty()) {
                            ev.prevent_default();
                            add_files(Some(files), true);
                            keep();
                        }
                    }
                ></textarea>
                <FieldError id="reply-message-error" message=message_error.into()/>
            </div>
            <div class="field attachments">
                <label for="reply-files"><Icon name="paperclip"/>"Attach files"</label>
                <input
                    id="reply-files"
                    type="file"
                    multiple
                    aria-describedby="reply-files-help"
                    on:change=move |ev| {
                        let input: Option<web_sys::HtmlInputElement> =
                            ev.target().and_then(|t| t.dyn_into().ok());
                        if let Some(input) = input {
                            add_files(input.files(), false);
                            // Cleared, so choosing the same file again is noticed.
                            input.set_value("");
                        }
                    }
                />
                <p class="hint" id="reply-files-help">
                    "Or drop files onto this form, or paste a picture into the message."
                    {move || max_upload.get().map(|limit| format!(" Up to {} each.", human_size(limit as f64)))}
                </p>
                {move || (reading.get() > 0).then(|| view! {
                    <p class="loading" role="status"><span class="spinner" aria-hidden="true"></span>"Reading files…"</p>
                })}
                <ul class="file-list" aria-label="Files to attach" data-testid="chosen-files">
                    <For
                        each=move || draft.files.get().into_iter().enumerate()
                        key=|(index, file)| (*index, file.name.clone())
                        children=move |(index, file)| {
                            view! {
                                <li data-testid="chosen-file">
                                    <span class="file-name">{file.name.clone()}</span>
                                    <span class="muted">{human_size(file.size)}</span>
                                    <button
                                        type="button"
                                        class="icon"
                                        aria-label=format!("Remove {}", file.name)
                                        on:click=move |_| draft.files.update(|files| {
                                            if index < files.len() {
                                                files.remove(index);
                                            }
                                        })
                                    >
                                        <Icon name="x"/>
                                    </button>
                                </li>
                            }
                        }
                    />
                </ul>
                <div aria-live="polite" data-testid="file-errors">
                    {move || file_errors.get().into_iter().map(|e| view! { <p class="field-error">{e}</p> }).collect_view()}
                </div>
            </div>
            {extras.with_value(|e| e.iter().map(|e| e.view()).collect_view())}
            {move || post.value().get().and_then(Result::err).filter(|e| e.status() != Some(409)).map(|error| view! {
                <ErrorNotice error/>
            })}
            <div class="button-row">
                <button
                    type="submit"
                    disabled=move || { pending.get() || reading.get() > 0 }
                    data-testid="reply-submit"
                >
                    {submit_label}
                </button>
                <Show when=move || !draft.message.with(|m| m.trim().is_empty())>
                    <button
                        type="button"
                        class="secondary"
                        data-testid="discard-draft"
                        on:click=move |_| {
                            draft.clear();
                            sync.discard(number.get_untracked());
                            sync.state.set(Some("Draft discarded.".into()));
                            focus_field(MESSAGE_ID);
                        }
                    >
                        "Discard draft"
                    </button>
                </Show>
                <span class="done" role="status" data-testid="reply-done">{move || sent_notice.get()}</span>
                <span class="muted draft-state" data-testid="draft-state">{move || sync.state.get()}</span>
            </div>
        </form>
    }
}

/// Reads one file into a data URL and adds it to the draft when done.
fn read_file(file: web_sys::File, name: String, draft: Draft, reading: RwSignal<usize>, errors: RwSignal<Vec<String>>) {
    reading.update(|n| *n += 1);
    leptos::task::spawn_local(async move {
        match read_data_url(&file).await {
            Ok(data_url) => {
                draft.files.try_update(|files| files.push(PickedFile { name, size: file.size(), data_url }));
            }
            Err(reason) => {
                errors.try_update(|e| e.push(format!("{name} could not be read ({reason}).")));
            }
        }
        reading.try_update(|n| *n = n.saturating_sub(1));
    });
}
