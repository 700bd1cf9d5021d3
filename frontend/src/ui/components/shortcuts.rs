//! Single-key shortcuts (j/k, Enter, /, r, n, ?) and the dialog that lists them. Keys typed into a
//! field are never taken: the shortcuts only act when the focus is not in something editable.

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;

/// Listens for shortcuts while the calling component lives. `handler` gets the key (`"j"`,
/// `"Enter"`, …) and the event, and answers whether it used the key (its default is then
/// prevented). `?` always opens the help dialog.
pub fn use_shortcuts(help: RwSignal<bool>, handler: impl Fn(&str, &KeyboardEvent) -> bool + 'static) {
    let handle = window_event_listener(ev::keydown, move |event: KeyboardEvent| {
        if event.default_prevented()
            || event.ctrl_key()
            || event.meta_key()
            || event.alt_key()
            || event.is_composing()
            || help.try_get_untracked().unwrap_or(true)
            || is_editing(event.target())
        {
            return;
        }
        let key = event.key();
        if key == "?" {
            event.prevent_default();
            help.set(true);
            return;
        }
        if handler(&key, &event) {
            event.prevent_default();
        }
    });
    on_cleanup(move || handle.remove());
}

/// True when the key press goes into a text field, a select or an editable element (or into
/// an open dialog, which handles its own keys).
fn is_editing(target: Option<web_sys::EventTarget>) -> bool {
    let Some(element) = target.and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
        return false;
    };
    if element.closest("dialog").ok().flatten().is_some() {
        return true;
    }
    match element.tag_name().to_ascii_lowercase().as_str() {
        "textarea" | "select" => true,
        "input" => {
            let kind = element.get_attribute("type").unwrap_or_default().to_ascii_lowercase();
            !matches!(kind.as_str(), "checkbox" | "radio" | "button" | "submit" | "reset" | "file")
        }
        _ => element.dyn_ref::<web_sys::HtmlElement>().is_some_and(|e| e.is_content_editable()),
    }
}

/// Focuses the element with this id (and scrolls it into view); false when there is none.
pub fn focus_id(id: &str) -> bool {
    let Some(element) = document().get_element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) else {
        return false;
    };
    // Focus fails only for elements that cannot take it; there is nothing better to do then.
    let _ = element.focus();
    true
}

/// The help dialog: a native modal `<dialog>`, so focus stays inside and Escape closes it.
#[component]
pub fn ShortcutsDialog(
    open: RwSignal<bool>,
    /// (keys, what they do)
    keys: Vec<(&'static str, &'static str)>,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    Effect::new(move |_| {
        let Some(element) = dialog.get() else {
            return;
        };
        if open.get() {
            if !element.open() {
                // Fails only if the dialog is not in the document; then there is nothing to show.
                let _ = element.show_modal();
            }
        } else if element.open() {
            element.close();
        }
    });
    view! {
        <dialog
            node_ref=dialog
            class="shortcuts-dialog"
            aria-labelledby="shortcuts-heading"
            data-testid="shortcuts-dialog"
            on:close=move |_| open.set(false)
        >
            <h2 id="shortcuts-heading">"Keyboard shortcuts"</h2>
            <p class="muted">"They work whenever the cursor is not in a text field."</p>
            <dl class="shortcut-list">
                {keys
                    .into_iter()
                    .map(|(key, what)| view! {
                        <div>
                            <dt><kbd>{key}</kbd></dt>
                            <dd>{what}</dd>
                        </div>
                    })
                    .collect_view()}
                <div>
                    <dt><kbd>"?"</kbd></dt>
                    <dd>"Show this list"</dd>
                </div>
                <div>
                    <dt><kbd>"Esc"</kbd></dt>
                    <dd>"Close this list"</dd>
                </div>
            </dl>
            <form method="dialog">
                <button type="submit" autofocus>"Close"</button>
            </form>
        </dialog>
    }
}

/// The button that opens the dialog, for those who do not know about `?`.
#[component]
pub fn ShortcutsButton(open: RwSignal<bool>) -> impl IntoView {
    view! {
        <button
            type="button"
            class="secondary"
            aria-keyshortcuts="?"
            on:click=move |_| open.set(true)
        >
            "Shortcuts "<kbd aria-hidden="true">"?"</kbd>
        </button>
    }
}
