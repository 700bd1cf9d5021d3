//! How dense the desk's ticket list is: comfortable (the default) or compact (more rows on a
//! screen, as agents who work the list all day prefer). Each agent chooses on their browser; the
//! choice is kept there (`localStorage`) and set on the document as `data-density`, which the
//! stylesheet reads.

use leptos::prelude::*;

const KEY: &str = "oxidesk.density";
const COMPACT: &str = "compact";

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn saved_compact() -> bool {
    storage().and_then(|s| s.get_item(KEY).ok().flatten()).as_deref() == Some(COMPACT)
}

fn apply(compact: bool) {
    let Some(root) = document().document_element() else { return };
    let _ = if compact { root.set_attribute("data-density", COMPACT) } else { root.remove_attribute("data-density") };
}

/// Sets the saved density as the desk starts, before any list is drawn.
pub fn restore() {
    apply(saved_compact());
}

/// The list's "Compact rows" switch.
pub fn density_toggle() -> AnyView {
    let compact = RwSignal::new(saved_compact());
    let toggle = move |_| {
        let next = !compact.get_untracked();
        compact.set(next);
        apply(next);
        if let Some(s) = storage() {
            let _ = if next { s.set_item(KEY, COMPACT) } else { s.remove_item(KEY) };
        }
    };
    view! {
        <button type="button" class="secondary" aria-pressed=move || compact.get().to_string()
            data-testid="density-toggle" on:click=toggle>
            "Compact rows"
        </button>
    }
    .into_any()
}
