//! Picking files to attach: a file input and a drop zone. Files are read in the browser into
//! RFC 2397 data URLs, the shape the ticket API takes (`[{"name.txt": "data:…;base64,…"}]`), and a
//! file over the desk's upload limit is refused here, before any byte is sent.

use leptos::prelude::*;
use shared::tickets::AttachmentUpload;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[derive(Debug, Clone, PartialEq)]
pub struct PickedFile {
    pub name: String,
    pub size: f64,
    pub data_url: String,
}

/// What the ticket API expects in `attachments`.
pub fn to_uploads(files: &[PickedFile]) -> Vec<AttachmentUpload> {
    files.iter().map(|file| AttachmentUpload::from([(file.name.clone(), file.data_url.clone())])).collect()
}

/// 1536 → "1.5 KB".
pub fn human_size(bytes: f64) -> String {
    const UNITS: [&str; 4] = ["bytes", "KB", "MB", "GB"];
    // In whole numbers: printing a float would link Rust's float formatting (about 5 KB gzip of
    // WASM) for one decimal.
    let bytes = if bytes > 0.0 { bytes as u64 } else { 0 };
    let mut unit = 0;
    let mut scale = 1_u64;
    while bytes >= scale * 1024 && unit < UNITS.len() - 1 {
        scale *= 1024;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} {}", UNITS[0])
    } else {
        let tenths = (bytes * 10 + scale / 2) / scale;
        format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
    }
}

#[component]
pub fn AttachmentsPicker(
    #[prop(into)] id: String,
    files: RwSignal<Vec<PickedFile>>,
    /// The desk's limit per file, in bytes.
    #[prop(into)]
    max_bytes: Signal<i64>,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let reading = RwSignal::new(0usize);
    let dragging = RwSignal::new(false);
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");

    let add = move |list: web_sys::FileList| {
        let limit = max_bytes.get_untracked() as f64;
        let mut refused = Vec::new();
        for index in 0..list.length() {
            let Some(file) = list.get(index) else {
                continue;
            };
            if file.size() > limit {
                refused.push(file.name());
                continue;
            }
            reading.update(|n| *n += 1);
            leptos::task::spawn_local(async move {
                let name = file.name();
                match read_data_url(&file).await {
                    Ok(data_url) => files.update(|list| list.push(PickedFile { name, size: file.size(), data_url })),
                    Err(reason) => error.set(Some(format!("{name} could not be read ({reason})."))),
                }
                reading.update(|n| *n = n.saturating_sub(1));
            });
        }
        error.set(
            (!refused.is_empty())
                .then(|| format!("Too large (over {} each): {}.", human_size(limit), refused.join(", "))),
        );
    };

    view! {
        <div class="field">
            <label for=id.clone()>"Attachments"</label>
            <div
                class="dropzone"
                class:dragging=move || dragging.get()
                on:dragover=move |ev: web_sys::DragEvent| {
                    ev.prevent_default();
                    dragging.set(true);
                }
                on:dragleave=move |_| dragging.set(false)
                on:drop=move |ev: web_sys::DragEvent| {
                    ev.prevent_default();
                    dragging.set(false);
                    if let Some(list) = ev.data_transfer().and_then(|dt| dt.files()) {
                        add(list);
                    }
                }
            >
                <input
                    id=id
                    type="file"
                    multiple
                    aria-describedby=format!("{hint_id} {error_id}")
                    on:change=move |ev| {
                        let input: web_sys::HtmlInputElement = event_target(&ev);
                        if let Some(list) = input.files() {
                            add(list);
                        }
                        // Lets the same file be chosen again after removing it.
                        input.set_value("");
                    }
                />
                <p class="hint" id=hint_id>
                    {move || format!(
                        "Choose files or drop them here; at most {} each.",
                        human_size(max_bytes.get() as f64)
                    )}
                </p>
            </div>
            <p class="field-error" id=error_id aria-live="polite">{move || error.get()}</p>
            <Show when=move || { reading.get() > 0 }>
                <p class="muted" role="status">"Reading files…"</p>
            </Show>
            <ul class="attachment-list" aria-label="Files to attach" data-testid="attachment-list">
                {move || files.get().into_iter().enumerate().map(|(index, file)| {
                    let label = format!("Remove {}", file.name);
                    view! {
                        <li>
                            <span class="attachment-name">{file.name.clone()}</span>
                            <span class="muted">{human_size(file.size)}</span>
                            <button
                                type="button"
                                class="secondary small"
                                aria-label=label
                                on:click=move |_| files.update(|list| {
                                    if index < list.len() {
                                        list.remove(index);
                                    }
                                })
                            >
                                "Remove"
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}

/// A file's bytes as an RFC 2397 data URL (`data:mime;base64,…`).
pub async fn read_data_url(file: &web_sys::File) -> Result<String, String> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| e.as_string().unwrap_or_else(|| "unreadable".to_owned()))?;
    let buffer: js_sys::ArrayBuffer = buffer.dyn_into().map_err(|_| "not a buffer".to_owned())?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    let mime = file.type_();
    let mime = if mime.is_empty() || mime.contains(|c: char| c.is_whitespace() || c == ',') {
        "application/octet-stream".to_owned()
    } else {
        mime
    };
    Ok(format!("data:{mime};base64,{}", base64(&bytes)))
}

/// Standard base64 with padding (RFC 4648), enough for attachments without another crate.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(ALPHABET[(n >> 18) as usize & 63] as char);
        out.push(ALPHABET[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 { ALPHABET[(n >> 6) as usize & 63] as char } else { '=' });
        out.push(if chunk.len() > 2 { ALPHABET[n as usize & 63] as char } else { '=' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"Hello"), "SGVsbG8=");
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(512.0), "512 bytes");
        assert_eq!(human_size(1536.0), "1.5 KB");
        assert_eq!(human_size(10.0 * 1024.0 * 1024.0), "10.0 MB");
    }
}
