//! The guard in front of every page that needs a signed-in person, and the one place that sends
//! a person to the app their level calls for: an agent who opens a portal page goes on to the
//! desk's equivalent, a customer who opens a desk page to the portal's (full page loads, so each
//! downloads only the app they use). Signing in is the portal's page.

use leptos::prelude::*;

use crate::components::feedback::Loading;
use crate::paths::{self, desk_equivalent, leave, portal_equivalent, DESK};
use crate::route;
use crate::session::Session;

#[component]
pub fn RequireSignIn(children: ChildrenFn) -> impl IntoView {
    let session = Session::get();
    // A memo, so that a refreshed token (same person, new signal value) does not rebuild the page
    // and throw away what is being typed into it.
    let state = Memo::new(move |_| (session.is_ready(), session.is_signed_in(), session.is_staff()));
    let in_desk = paths::base() == DESK;
    move || match state.get() {
        (false, _, _) => view! { <Loading label="Restoring your session…"/> }.into_any(),
        (true, true, staff) if staff != in_desk => {
            let here = paths::here();
            leave(&if staff { desk_equivalent(&here) } else { portal_equivalent(&here) });
            view! { <Loading label="Opening your help desk…"/> }.into_any()
        }
        (true, true, _) => children().into_any(),
        (true, false, _) => {
            // Come back here after signing in.
            let here = String::from(js_sys::encode_uri_component(&paths::here()));
            let login = format!("/login?next={here}");
            if in_desk {
                leave(&login);
                view! { <Loading label="Opening the sign-in page…"/> }.into_any()
            } else {
                // After this render, not inside it: the location is what this render depends on.
                queue_microtask(move || route::navigate(&login));
                view! { <Loading label="Opening the sign-in page…"/> }.into_any()
            }
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
