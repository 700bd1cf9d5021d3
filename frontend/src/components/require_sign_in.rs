//! The guard in front of every page but sign-in.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

use crate::components::feedback::Loading;
use crate::session::Session;

#[component]
pub fn RequireSignIn(children: ChildrenFn) -> impl IntoView {
    let session = Session::get();
    let location = use_location();
    // A memo, so that a refreshed token (same person, new signal value) does not rebuild the page
    // and throw away what is being typed into it.
    let state = Memo::new(move |_| (session.is_ready(), session.is_signed_in()));
    move || match state.get() {
        (false, _) => view! { <Loading label="Restoring your session…"/> }.into_any(),
        (true, true) => children().into_any(),
        (true, false) => {
            // Come back here after signing in.
            let here = format!(
                "{}{}",
                location.pathname.get_untracked(),
                location.search.get_untracked()
            );
            let here = String::from(js_sys::encode_uri_component(&here));
            view! { <Redirect path=format!("/login?next={here}")/> }.into_any()
        }
    }
}

/// The guard in front of the administration pages: signed in, and at least `min` access level.
#[component]
pub fn RequireLevel(min: shared::AccessLevel, children: ChildrenFn) -> impl IntoView {
    let session = Session::get();
    let allowed = Memo::new(move |_| session.user().is_some_and(|user| user.level >= min));
    view! {
        <RequireSignIn>
            {
                let children = children.clone();
                move || {
                    if allowed.get() {
                        children().into_any()
                    } else {
                        view! {
                            <section class="page page-narrow" data-testid="forbidden">
                                <h1>"Not allowed"</h1>
                                <p>
                                    "This page needs the "{min.name()}" access level or higher. "
                                    "Ask an administrator if you need it."
                                </p>
                            </section>
                        }
                        .into_any()
                    }
                }
            }
        </RequireSignIn>
    }
}
