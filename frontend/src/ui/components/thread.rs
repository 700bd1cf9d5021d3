//! A ticket's conversation: customer messages, agent responses, internal notes and events.

use leptos::prelude::*;
use shared::tickets::{Attachment, EntryType, ThreadEntry};
use wasm_bindgen::{JsCast, JsValue};

use crate::api::{self, ApiError};
use crate::components::attachments::human_size;
use crate::components::feedback::ErrorNotice;
use crate::components::marked::Marked;
use crate::message_html;
use crate::session::Session;
use crate::task::Task;
use crate::text::{html_to_text, When};

/// The entries, with the words of the search that led here (`terms`) marked in their text.
#[component]
pub fn Thread(entries: Vec<ThreadEntry>, #[prop(optional)] terms: Vec<String>) -> impl IntoView {
    if entries.is_empty() {
        return view! { <p class="muted">"No messages yet."</p> }.into_any();
    }
    view! {
        <ol class="thread" aria-label="Conversation" data-testid="thread">
            {entries.into_iter().map(|entry| view! { <Entry entry terms=terms.clone()/> }).collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
fn Entry(entry: ThreadEntry, terms: Vec<String>) -> impl IntoView {
    let is_html = entry.format.eq_ignore_ascii_case("html");
    let body = if is_html { html_to_text(&entry.body) } else { entry.body.clone() };

    if entry.entry_type == EntryType::E {
        // Events (status changes, assignments) are context, not conversation: one quiet line
        // that says what happened ("Status Changed: Open → Resolved by Alex: …").
        let title = entry.title.clone().filter(|t| !t.is_empty());
        return view! {
            <li class="entry entry-event" data-testid="thread-entry" data-entry-type="E">
                {title.map(|t| view! { <strong>{t}</strong>": " })}
                <span>{body}</span>" · "
                <When value=entry.created.clone()/>
            </li>
        }
        .into_any();
    }

    // The message's own pictures show in its text, the other files below it.
    let shown_inline = |file: &Attachment| {
        is_html && file.content_id.as_ref().is_some_and(|id| entry.body.contains(&format!("cid:{id}")))
    };
    let (pictures, attached): (Vec<Attachment>, Vec<Attachment>) =
        entry.attachments.iter().cloned().partition(shown_inline);
    let (class, label) = match entry.entry_type {
        EntryType::M => ("entry entry-message", "Message"),
        EntryType::R => ("entry entry-response", "Response"),
        // Never shown to customers; the distinct style keeps agents from mistaking one for a reply.
        _ => ("entry entry-note", "Internal note"),
    };
    view! {
        <li class=class data-testid="thread-entry" data-entry-type=entry.entry_type.as_str()>
            <article aria-label=format!("{label} from {}", entry.poster)>
                <header class="entry-head">
                    <span class="poster">{entry.poster.clone()}</span>
                    <span class="badge">{label}</span>
                    // Agents only (the API never tells customers): anyone can write a From.
                    {entry.unverified.clone().map(|why| view! {
                        <span class="badge unverified" title=entry.unverified.clone() data-testid="unverified">
                            "Unverified sender"
                            <span class="visually-hidden">": "{why}</span>
                        </span>
                    })}
                    <When value=entry.created.clone()/>
                </header>
                {entry.title.clone().filter(|t| !t.is_empty()).map(|title| view! {
                    <p class="entry-title"><Marked text=title terms=terms.clone()/></p>
                })}
                // Agents only, as the API tells nobody else.
                {entry.bcc.clone().map(|bcc| view! {
                    <p class="muted entry-bcc" data-testid="entry-bcc">"Bcc: "{bcc.join(", ")}</p>
                })}
                {match is_html.then(|| message_html::render(&entry.body, false, &terms, &[])).flatten() {
                    Some(shown) => view! { <HtmlBody stored=entry.body.clone() shown terms pictures/> }.into_any(),
                    None => view! { <div class="entry-body"><Marked text=body terms/></div> }.into_any(),
                }}
                {(!attached.is_empty()).then(|| view! {
                    <ul class="entry-files" aria-label="Attachments">
                        {attached.into_iter().map(|file| view! { <AttachmentItem file/> }).collect_view()}
                    </ul>
                })}
            </article>
        </li>
    }
    .into_any()
}

/// An HTML message as HTML (`message_html`): remote images wait for the reader's click, which
/// holds for this message only and lasts until the page is left.
#[component]
fn HtmlBody(
    stored: String,
    shown: message_html::Shown,
    terms: Vec<String>,
    pictures: Vec<Attachment>,
) -> impl IntoView {
    let show_remote = RwSignal::new(false);
    let remote_images = shown.remote_images;
    let first = shown.html;
    // The message's own pictures, each read with the session into an object URL as it comes.
    let loaded = RwSignal::new(Vec::<(String, String)>::new());
    for file in pictures {
        let name = file.content_id.clone().unwrap_or_default();
        load_picture(
            file.href,
            file.content_type,
            Box::new(move |url| loaded.try_update(|list| list.push((name, url.clone()))).is_none().then_some(url)),
        );
    }
    on_cleanup(move || {
        for (_, url) in loaded.try_get_untracked().unwrap_or_default() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    });
    let html = move || match (show_remote.get(), loaded.with(Vec::is_empty)) {
        (false, true) => first.clone(),
        (show, _) => loaded
            .with(|pictures| message_html::render(&stored, show, &terms, pictures))
            .map(|s| s.html)
            .unwrap_or_else(|| first.clone()),
    };
    view! {
        <div class="entry-body entry-html" inner_html=html></div>
        {move || (remote_images > 0 && !show_remote.get()).then(|| view! {
            <p class="remote-images muted">
                {if remote_images == 1 {
                    "1 image from elsewhere is not shown: its sender would learn that you read this. ".to_owned()
                } else {
                    format!("{remote_images} images from elsewhere are not shown: their sender would learn that you read this. ")
                }}
                <button type="button" class="link-button" data-testid="show-remote-images" on:click=move |_| show_remote.set(true)>
                    "Show remote images"
                </button>
            </p>
        })}
    }
}

/// One attached file: its name and size, and a button that downloads it with the session's
/// credentials.
#[component]
fn AttachmentItem(file: Attachment) -> impl IntoView {
    let session = Session::get();
    let name = file.filename.clone();
    let download = Task::<()>::new();
    let start = move |file: Attachment| {
        download.run(async move {
            let call = api::download_attachment(&file.href)?;
            let bytes = session.send(&call).await?.bytes;
            save_as(&bytes, &file.filename, &file.content_type)
                .map_err(|_| ApiError::Decode("the browser refused to save the file".into()))
        })
    };
    let pending = download.pending();
    let label = format!("Download {name}");
    let size = human_size(file.size as f64);
    let previewed = PREVIEWED_TYPES.contains(&file.content_type.as_str()) && file.size <= PREVIEW_MAX_BYTES;
    let (preview_href, preview_name, preview_type) = (file.href.clone(), name.clone(), file.content_type.clone());
    view! {
        <li data-testid="entry-file">
            <button
                type="button"
                class="link-button file-name"
                aria-label=label
                disabled=move || pending.get()
                on:click=move |_| {
                    start(file.clone());
                }
            >
                {name}
            </button>
            <span class="muted">{move || if pending.get() { "downloading…".to_owned() } else { size.clone() }}</span>
            {move || download.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
            {previewed.then(|| view! { <ImagePreview href=preview_href name=preview_name content_type=preview_type/> })}
        </li>
    }
}

/// Pictures a browser shows safely as an `<img>` (not SVG, which is a document), up to this size.
const PREVIEWED_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];
const PREVIEW_MAX_BYTES: i64 = 5 * 1024 * 1024;

/// A picture attached to an entry, shown small (a click opens it full size in place). It is read
/// with the session, as the API wants its token, into an object URL that goes with the page.
#[component]
fn ImagePreview(href: String, name: String, content_type: String) -> impl IntoView {
    let url = RwSignal::new(None::<String>);
    let large = RwSignal::new(false);
    load_picture(href, content_type, Box::new(move |made| url.try_set(Some(made.clone())).map(|_| made)));
    on_cleanup(move || {
        if let Some(Some(made)) = url.try_get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&made);
        }
    });
    let alt = format!("Preview of {name}");
    view! {
        {move || url.get().map(|src| view! {
            <button type="button" class="image-preview" class:large=move || large.get()
                aria-expanded=move || large.get().to_string() on:click=move |_| large.update(|l| *l = !*l)>
                <img src=src alt=alt.clone() data-testid="entry-image"/>
            </button>
        })}
    }
}

/// Reads an attachment with the session into an object URL and hands it to `keep`, which gives it
/// back when the page is gone by now (then the URL goes at once).
/// (One function for both callers: the portal's WASM carries its future once.)
fn load_picture(href: String, content_type: String, keep: Box<dyn FnOnce(String) -> Option<String>>) {
    let session = Session::get();
    leptos::task::spawn_local(async move {
        let Ok(call) = api::download_attachment(&href) else { return };
        let Ok(answer) = session.send(&call).await else { return };
        let Ok(made) = object_url(&answer.bytes, &content_type) else { return };
        if let Some(unkept) = keep(made) {
            let _ = web_sys::Url::revoke_object_url(&unkept);
        }
    });
}

/// An object URL for bytes of this type (revoked by whoever made it).
fn object_url(bytes: &[u8], content_type: &str) -> Result<String, JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(content_type);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    web_sys::Url::create_object_url_with_blob(&blob)
}

/// Hands bytes to the browser as a download.
pub fn save_as(bytes: &[u8], name: &str, content_type: &str) -> Result<(), JsValue> {
    let url = object_url(bytes, content_type)?;
    let link: web_sys::HtmlAnchorElement = document().create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    // The download has started from the object URL; it can go once this task is done.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(10),
    );
    Ok(())
}
