//! The Oxidesk single-page app: Leptos rendered in the browser, talking to the same-origin API.

mod api;
mod app;
mod components;
mod pages;
mod requests;
mod session;
mod site;
mod text;

fn main() {
    // Turns a panic into a readable console error instead of "unreachable executed".
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
