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
use crate::components::form::{CheckField, ResolutionField};
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

/// What the desk adds to what agents write (`desk::copies`: who is copied and blind copies on a
/// response; `desk::markdown`: Markdown with a preview), drawn below the message. The portal adds
/// nothing, and carries none of it.
pub trait ReplyExtra {
    fn view(&self) -> AnyView;
    /// The browser-side checks; false when one failed (it shows its own message).
    fn check(&self, note: bool) -> bool;
    fn fill(&self, update: &mut TicketUpdate, note: bool);
    /// The server's 422 about these fields, shown by them.
    fn show_server_errors(&self, error: &ApiError);
    /// The response went: start afresh.
    fn sent(&self);
    /// A picture was pasted into the message and attached as `name`: `desk::markdown` puts it in
    /// its place (`![…](cid:name)`); otherwise it is attached only.
    fn pasted_picture(&self, _name: &str) {}
}

/// Makes one of the desk's [`ReplyExtra`]s for the ticket as shown and what is being written.
pub type MakeReplyExtra = fn(Memo<Option<Ticket>>, Draft) -> Box<dyn ReplyExtra>;

/// The id of the message field, which `r` and `n` focus.
pub const MESSAGE_ID: &str = "reply-message";

#[component]
pub fn Composer(
    number: Memo<String>,
    /// The ticket as shown: its version (sent back) and status (what "send and set" starts from).
    ticket: Memo<Option<Ticket>>,
    /// The statuses an agent may set with the reply.
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
        if session.is_staff() { extras.iter().map(|make| make(ticket, draft)).collect() } else { Vec::new() };
    let extras = StoredValue::new_local(extras);
    let response = move || is_staff.get() && draft.mode.get() == ReplyMode::Reply;
    let message_error = RwSignal::new(None::<String>);
    let file_errors = RwSignal::new(Vec::<String>::new());
    let reading = RwSignal::new(0usize);
    let dragging = RwSignal::new(false);
    let sent_notice = RwSignal::new(None::<&'static str>);
    let sync = DraftSync::new();
    // "Send and set status" (agents): none keeps the ticket's status.
    let then_status = RwSignal::new(None::<i64>);
    // An agent with a signature adds it below responses unless they untick it.
    let has_signature = Memo::new(move |_| session.user().is_some_and(|u| !u.signature.trim().is_empty()));
    let with_signature = RwSignal::new(true);
    let resolution = RwSignal::new(String::new());
    let resolution_error = RwSignal::new(None::<String>);
    let current_status = Memo::new(move |_| ticket.with(|t| t.as_ref().map(|t| (t.status_id, t.status_state))));
    let closes = Memo::new(move |_| {
        let Some((now, state)) = current_status.get() else { return false };
        then_status.get().is_some_and(|to| {
            to != now && state.is_active() && catalog.status_state(to).is_some_and(|s| !s.is_active())
        })
    });
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
                    then_status.try_set(None);
                    resolution.try_set(String::new());
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
                    if let Some(reason) = error.fields().get("resolution") {
                        resolution_error.try_set(Some(format!("Resolution {reason}.")));
                    }
                    extras.try_with_value(|e| e.iter().for_each(|e| e.show_server_errors(&error)));
                    Err(error)
                }
            }
        })
    };
    let pending = post.pending();

    // Pasted pictures are named pasted-1.png, pasted-2.png, … (a browser calls each image.png),
    // so that the text can show each by its name.
    let pasted = StoredValue::new(0u32);
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
            if paste && file.type_().starts_with("image/") {
                pasted.update_value(|n| *n += 1);
                let extension = file.type_().trim_start_matches("image/").replace(['+', '.'], "");
                name = format!("pasted-{}.{extension}", pasted.get_value());
                extras.with_value(|e| e.iter().for_each(|e| e.pasted_picture(&name)));
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
        let resolution_text = resolution.get_untracked().trim().to_owned();
        if closes.get_untracked() && resolution_text.is_empty() {
            resolution_error.set(Some("A resolution is needed to leave the open states.".into()));
            focus_field("reply-resolution");
            return;
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
            status_id: then_status.get_untracked().filter(|_| is_staff.get_untracked()),
            signature: (is_staff.get_untracked()
                && !note
                && has_signature.get_untracked()
                && with_signature.get_untracked())
            .then_some(true),
            resolution: Some(resolution_text).filter(|r| closes.get_untracked() && !r.is_empty()),
            ..Default::default()
        };
        extras.with_value(|e| e.iter().for_each(|e| e.fill(&mut update, note)));
        send(number.get_untracked(), update);
    };

    let as_note = move || is_staff.get() && draft.mode.get() == ReplyMode::Note;
    let status_name = move |id: i64| catalog.statuses().into_iter().find(|s| s.id == id).map(|s| s.name);
    let submit_label = move || {
        let then = then_status.get().and_then(status_name);
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
            <Show when=move || response() && has_signature.get()>
                <CheckField id="reply-signature" label="Add my signature" checked=with_signature/>
            </Show>
            {extras.with_value(|e| e.iter().map(|e| e.view()).collect_view())}
            <Show when=move || is_staff.get()>
                <div class="field then-status">
                    <label for="reply-status">"Then set the status"</label>
                    <select
                        id="reply-status"
                        on:change=move |ev| {
                            let chosen = event_target_value(&ev).parse::<i64>().ok();
                            then_status.set(chosen.filter(|id| Some(*id) != current_status.get_untracked().map(|c| c.0)));
                            resolution_error.set(None);
                        }
                    >
                        <option value="" prop:selected=move || then_status.get().is_none()>
                            {move || match current_status.get().and_then(|(id, _)| status_name(id)) {
                                Some(name) => format!("Keep it {name}"),
                                None => "Keep it as it is".to_owned(),
                            }}
                        </option>
                        {move || {
                            let now = current_status.get().map(|c| c.0);
                            catalog
                                .statuses()
                                .into_iter()
                                .filter(|s| Some(s.id) != now)
                                .map(|s| {
                                    let id = s.id;
                                    view! { <option value=id.to_string() prop:selected=move || then_status.get() == Some(id)>{s.name}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
                <Show when=move || closes.get()>
                    <ResolutionField id="reply-resolution" value=resolution error=resolution_error/>
                </Show>
            </Show>
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
