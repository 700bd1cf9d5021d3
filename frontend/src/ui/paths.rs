//! Where each app lives. The portal (customers and visitors) answers at the root, the desk
//! (agents and administrators) under [`DESK`]. Each app's router has its base, so `<A>` and
//! `navigate` take paths inside the app; a plain `<a>` needs [`href`], and going to the other
//! app is a full page load ([`leave`]) that downloads that app.

use std::cell::Cell;

/// The desk's prefix (osTicket's staff panel lives under `/scp/`).
pub const DESK: &str = "/desk";

thread_local! {
    static BASE: Cell<&'static str> = const { Cell::new("") };
}

/// Set once at start-up by the app: `""` for the portal, [`DESK`] for the desk.
pub fn set_base(base: &'static str) {
    BASE.with(|b| b.set(base));
}

/// The running app's prefix.
pub fn base() -> &'static str {
    BASE.with(Cell::get)
}

/// An in-app path (`/tickets/TCK-1`) as the `href` of a plain `<a>`.
pub fn href(path: &str) -> String {
    format!("{}{path}", base())
}

/// The path and query the browser shows now.
pub fn here() -> String {
    let location = leptos::prelude::window().location();
    format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default())
}

/// A full page load of `url`, replacing the current entry in the history (the page that sends a
/// person on is no place to come back to).
pub fn leave(url: &str) {
    let _ = leptos::prelude::window().location().replace(url);
}

/// The desk's page for a portal path: `/tickets/TCK-1` → `/desk/tickets/TCK-1`.
pub fn desk_equivalent(path: &str) -> String {
    if is_desk(path) {
        path.to_owned()
    } else if path == "/" || path.is_empty() {
        format!("{DESK}/")
    } else {
        format!("{DESK}{path}")
    }
}

/// The portal's page for a desk path: `/desk/tickets?q=x` → `/tickets?q=x`.
pub fn portal_equivalent(path: &str) -> String {
    match path.strip_prefix(DESK) {
        Some(rest) if rest.is_empty() || rest.starts_with(['/', '?']) => {
            if rest.starts_with('/') {
                rest.to_owned()
            } else {
                format!("/{rest}")
            }
        }
        _ => path.to_owned(),
    }
}

/// Whether a path belongs to the desk.
pub fn is_desk(path: &str) -> bool {
    path.strip_prefix(DESK).is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_between_the_apps() {
        assert_eq!(desk_equivalent("/"), "/desk/");
        assert_eq!(desk_equivalent("/tickets/TCK-1"), "/desk/tickets/TCK-1");
        assert_eq!(desk_equivalent("/desk/admin"), "/desk/admin");
        assert_eq!(portal_equivalent("/desk/tickets?q=x"), "/tickets?q=x");
        assert_eq!(portal_equivalent("/desk"), "/");
        assert_eq!(portal_equivalent("/desk?x=1"), "/?x=1");
        assert_eq!(portal_equivalent("/desktop"), "/desktop");
        assert!(is_desk("/desk/") && is_desk("/desk") && !is_desk("/desktop"));
    }
}
