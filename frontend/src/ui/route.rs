//! Where the app is: a location signal (the path inside the app and its query), kept in step with
//! the browser's history, and the few things pages do with it — navigate, read the query, mark the
//! link to the current page. Both apps match their routes on [`path`] themselves (a `match` on the
//! path's segments in `portal/app.rs` and `desk/app.rs`): leptos_router's nested router, its
//! route types and its URL parser cost the portal about a sixth of its WASM for a dozen fixed paths.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::paths::{base, href};

/// The path inside the app (`/tickets/TCK-1`, without the app's base) and the query string
/// (without `?`).
#[derive(Clone, Copy)]
struct Location(RwSignal<(String, String)>);

thread_local! {
    // Not a context: navigation also happens outside any component (a microtask, an event).
    static LOCATION: std::cell::Cell<Option<Location>> = const { std::cell::Cell::new(None) };
}

/// The browser's location as the app sees it: its base stripped.
fn read_browser() -> (String, String) {
    let location = window().location();
    let full = location.pathname().unwrap_or_default();
    let path = full.strip_prefix(base()).unwrap_or(&full);
    let path = if path.is_empty() { "/".to_owned() } else { decode_component(path) };
    let search = location.search().unwrap_or_default();
    (path, search.strip_prefix('?').unwrap_or(&search).to_owned())
}

/// Creates the location signal and follows the browser: back and forward (`popstate`), and clicks
/// on links into this app, which become in-app navigations instead of page loads.
pub fn provide() {
    let location = Location(RwSignal::new(read_browser()));
    LOCATION.with(|l| l.set(Some(location)));
    let on_pop = Closure::<dyn Fn()>::new(move || location.0.set(read_browser()));
    window().add_event_listener_with_callback("popstate", on_pop.as_ref().unchecked_ref()).ok();
    on_pop.forget();
    let on_click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(on_link_click);
    document().add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref()).ok();
    on_click.forget();
}

/// A click on a link to a page of this app: shown in place, as leptos_router did (same checks:
/// plain left click, no target, no download, not `rel=external`, same origin, under the base).
fn on_link_click(ev: web_sys::MouseEvent) {
    if ev.default_prevented() || ev.button() != 0 || ev.meta_key() || ev.alt_key() || ev.ctrl_key() || ev.shift_key() {
        return;
    }
    let anchor = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest("a[href]").ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    let Some(anchor) = anchor else { return };
    let external = anchor.get_attribute("rel").is_some_and(|rel| rel.split_whitespace().any(|r| r == "external"));
    if !anchor.target().is_empty() || anchor.has_attribute("download") || external {
        return;
    }
    let here = window().location().origin().unwrap_or_default();
    if anchor.origin() != here {
        return;
    }
    let path = anchor.pathname();
    // A jump within the page (the skip link's `#main`) is the browser's to do.
    let location = window().location();
    if !anchor.hash().is_empty()
        && location.pathname().is_ok_and(|p| p == path)
        && location.search().is_ok_and(|q| q == anchor.search())
    {
        return;
    }
    let Some(inside) =
        path.strip_prefix(base()).filter(|rest| base().is_empty() || rest.is_empty() || rest.starts_with('/'))
    else {
        return;
    };
    ev.prevent_default();
    let inside = if inside.is_empty() { "/" } else { inside };
    navigate_with(
        &format!("{inside}{}{}", anchor.search(), anchor.hash()),
        false,
        !anchor.has_attribute("data-noscroll"),
    );
}

fn location() -> Location {
    LOCATION.with(|l| l.get()).expect("route::provide runs at start-up")
}

/// The path inside the app, tracked.
pub fn path() -> String {
    location().0.with(|(path, _)| path.clone())
}

/// The query's pairs, decoded, tracked.
pub fn query() -> Vec<(String, String)> {
    location().0.with(|(_, query)| parse_query(query))
}

/// The query as a map for reading by key, tracked.
pub fn query_map() -> Query {
    Query(query())
}

/// A decoded query string.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query(pub Vec<(String, String)>);

impl Query {
    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<String> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    }
}

/// One value of the query, tracked (`None`: absent).
pub fn query_value(key: &str) -> Option<String> {
    query().into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// Goes to an in-app path (`/tickets?q=x`), a new history entry, scrolled to the top.
pub fn navigate(to: &str) {
    navigate_with(to, false, true);
}

/// Goes to an in-app path; `replace` swaps the current history entry, `scroll` goes to the top.
pub fn navigate_with(to: &str, replace: bool, scroll: bool) {
    if let Ok(history) = window().history() {
        let url = href(to);
        let _ = if replace {
            history.replace_state_with_url(&JsValue::NULL, "", Some(&url))
        } else {
            history.push_state_with_url(&JsValue::NULL, "", Some(&url))
        };
    }
    location().0.set(read_browser());
    if scroll {
        window().scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// `aria-current="page"` for a link to `to`: on that very page (`exact`), or also below it
/// (`/admin` for `/admin/users`), as leptos_router's `<A>` marked it.
pub fn current(to: &'static str, exact: bool) -> impl Fn() -> Option<&'static str> + Copy {
    let location = location();
    move || {
        location.0.with(|(path, _)| {
            let below = !exact && to != "/" && path.strip_prefix(to).is_some_and(|rest| rest.starts_with('/'));
            (path == to || below).then_some("page")
        })
    }
}

fn decode_component(text: &str) -> String {
    js_sys::decode_uri_component(text).map(String::from).unwrap_or_else(|_| text.to_owned())
}

/// `%41+b` → `A b`, as a query string encodes it.
fn decode(text: &str) -> String {
    decode_component(&text.replace('+', " "))
}

fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        })
        .collect()
}
