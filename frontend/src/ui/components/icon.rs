//! Icons where they are the convention (the bell, assign, follow, attach, close, reopen), drawn
//! from the apps' sprite: `frontend/icons.svg`, Lucide's icons as written by scripts/icons.sh,
//! which Trunk puts into each app's document (no CDN, no request). An icon always sits beside a
//! text or inside a labelled control, so it is hidden from screen readers.

use leptos::prelude::*;

#[component]
pub fn Icon(
    /// The symbol's id in the sprite (a Lucide icon's name: `bell`, `paperclip`).
    name: &'static str,
) -> impl IntoView {
    let href = format!("#{name}");
    view! {
        <svg class="icon" aria-hidden="true" focusable="false"><use href=href></use></svg>
    }
}
