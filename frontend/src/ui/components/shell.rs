//! What every page of either app stands in: the site settings, the session, the location
//! (`route`), the header and the public notice. Until an administrator exists, the first-run
//! setup takes the place of every route.

use leptos::prelude::*;

use crate::components::app_header::AppHeader;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::route;
use crate::session::Session;
use crate::site::{Site, SiteNotice, SiteState};

/// What an app adds around every page: state its header and pages share (`provide`, run once
/// the session exists), and tools in the header beside the signed-in person (the desk's bell).
#[derive(Clone, Copy)]
pub struct Chrome {
    pub provide: fn(),
    pub header: fn() -> AnyView,
}

/// `routes` draws the app's `<Routes>`; `setup` what shows while no administrator exists.
#[component]
pub fn AppShell(setup: fn() -> AnyView, routes: fn() -> AnyView, chrome: Option<Chrome>) -> impl IntoView {
    route::provide();
    let site = Site::provide();
    Session::provide();
    if let Some(chrome) = chrome {
        (chrome.provide)();
    }
    let tools = chrome.map(|c| c.header);
    // A memo: a changed site name must not rebuild the routes (and lose what is being typed).
    let state = Memo::new(move |_| site.state());
    view! {
            <a class="skip-link" href="#main">"Skip to content"</a>
            <AppHeader tools/>
            <SiteNotice/>
            <main id="main" tabindex="-1">
                {move || match state.get() {
                    SiteState::Loading => view! { <Loading label="Loading…"/> }.into_any(),
                    SiteState::Failed(error) => view! {
                        <section class="page page-narrow">
                            <h1>"The help desk is not reachable"</h1>
                            <ErrorNotice error retry=Callback::new(move |()| site.reload())/>
                        </section>
                    }
                    .into_any(),
                    SiteState::SetupNeeded => setup(),
                    SiteState::Ready => routes(),
                }}
            </main>
    }
}

/// Starts an app: its base, readable panics, and the shell mounted on `<body>`.
pub fn start(base: &'static str, setup: fn() -> AnyView, routes: fn() -> AnyView, chrome: Option<Chrome>) {
    // Turns a panic into a readable console error instead of "unreachable executed".
    console_error_panic_hook::set_once();
    crate::paths::set_base(base);
    leptos::mount::mount_to_body(move || view! { <AppShell setup routes chrome/> });
}
