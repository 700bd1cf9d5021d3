//! `/tickets`: the agents' desk (filters, sorting, bulk changes, saved views, keyboard
//! navigation) and, for customers, a plain "My tickets" list. Every filter lives in the URL's
//! query string, so reload, back/forward, a shared link and a saved view all show the same list.

use std::collections::BTreeSet;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::catalog::StatusState;
use shared::tickets::{Ticket, BULK_MAX_TICKETS};
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError, DeskPage};
use crate::components::catalog::Catalog;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::marked::Marked;
use crate::components::shortcuts::{focus_id, use_shortcuts, ShortcutsButton, ShortcutsDialog};
use crate::paths::href;
use crate::route::{self, Query};
use crate::session::Session;
use crate::site::Site;
use crate::text::{priority_class, When};

const STATES: [StatusState; 4] = [StatusState::Open, StatusState::Pending, StatusState::Resolved, StatusState::Closed];

/// Sort keys the server knows, with how each is offered.
const SORTS: [(&str, &str); 20] = [
    ("-updated", "Recently updated"),
    ("updated", "Least recently updated"),
    ("-created", "Newest first"),
    ("created", "Oldest first"),
    ("-priority", "Most urgent first"),
    ("priority", "Least urgent first"),
    ("-number", "Number, highest first"),
    ("number", "Number, lowest first"),
    ("subject", "Subject, A to Z"),
    ("-subject", "Subject, Z to A"),
    ("status", "Status, first to last"),
    ("-status", "Status, last to first"),
    ("customer", "Customer, A to Z"),
    ("-customer", "Customer, Z to A"),
    ("client", "Client, A to Z"),
    ("-client", "Client, Z to A"),
    ("assignee", "Assignee, A to Z"),
    ("-assignee", "Assignee, Z to A"),
    ("due", "Due soonest first"),
    ("-due", "Due last first"),
];
const DEFAULT_SORT: &str = "-updated";
/// Columns whose first click sorts from the top value down (newest, most urgent, highest); the
/// others start from A.
const DESCENDING_FIRST: [&str; 4] = ["number", "created", "updated", "priority"];
/// What the agents' list shows when no status is chosen: the tickets still to work on.
const DESK_DEFAULT_STATUS: &str = "open,pending";
/// The status filter's value for every status (agents' lists only: a customer's default).
const ANY_STATUS: &str = "any";

/// The list's filters as the URL carries them. Unknown or malformed parameters are dropped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListFilter {
    pub q: String,
    /// A state (`open`…), a status id or a status name.
    pub status: String,
    pub queue: Option<i64>,
    pub topic: Option<i64>,
    pub priority: Option<i64>,
    /// `me`, `none` or an agent's id.
    pub assignee: String,
    pub followed: bool,
    pub user_id: Option<i64>,
    /// Only the tickets of this client (the client page's "see all").
    pub client: Option<i64>,
    /// One of [`SORTS`]; empty for the default.
    pub sort: String,
    pub page: i64,
}

impl ListFilter {
    pub fn from_query(query: &Query) -> Self {
        let id = |key: &str| query.get(key).and_then(|v| v.trim().parse::<i64>().ok());
        let assignee =
            query.get("assignee").filter(|a| a == "me" || a == "none" || a.parse::<i64>().is_ok()).unwrap_or_default();
        let sort = query
            .get("sort")
            .filter(|s| SORTS.iter().any(|(key, _)| key == s) && s != DEFAULT_SORT)
            .unwrap_or_default();
        ListFilter {
            q: query.get("q").map(|q| q.trim().to_owned()).unwrap_or_default(),
            status: query.get("status").map(|s| s.trim().to_owned()).unwrap_or_default(),
            queue: id("queue"),
            topic: id("topic"),
            priority: id("priority"),
            assignee,
            followed: query.get("followed").is_some_and(|f| matches!(f.as_str(), "true" | "1" | "yes")),
            user_id: id("user_id"),
            client: id("client"),
            sort,
            page: id("page").filter(|p| *p >= 1).unwrap_or(1),
        }
    }

    /// The parameters in a fixed order (so equal filters give equal strings); `page` only when
    /// asked for and past the first.
    pub fn pairs(&self, with_page: bool) -> Vec<(String, String)> {
        let mut pairs: Vec<(&str, String)> = vec![
            ("q", self.q.clone()),
            ("status", self.status.clone()),
            ("queue", self.queue.map(|v| v.to_string()).unwrap_or_default()),
            ("topic", self.topic.map(|v| v.to_string()).unwrap_or_default()),
            ("priority", self.priority.map(|v| v.to_string()).unwrap_or_default()),
            ("assignee", self.assignee.clone()),
            ("followed", if self.followed { "true".into() } else { String::new() }),
            ("user_id", self.user_id.map(|v| v.to_string()).unwrap_or_default()),
            ("client", self.client.map(|v| v.to_string()).unwrap_or_default()),
            ("sort", self.sort.clone()),
        ];
        if with_page && self.page > 1 {
            pairs.push(("page", self.page.to_string()));
        }
        pairs.into_iter().filter(|(_, value)| !value.is_empty()).map(|(key, value)| (key.to_owned(), value)).collect()
    }

    /// `a=1&b=2`, without the page: what a saved view stores.
    pub fn query_string(&self) -> String {
        encode_pairs(&self.pairs(false))
    }

    pub fn href(&self) -> String {
        let search = encode_pairs(&self.pairs(true));
        if search.is_empty() {
            "/tickets".to_owned()
        } else {
            format!("/tickets?{search}")
        }
    }

    /// The parameters the server is asked with: an agent's list without a status shows the open
    /// and pending tickets; "any" asks for every status.
    pub fn api_pairs(&self, staff: bool) -> Vec<(String, String)> {
        let status = match self.status.as_str() {
            "" if staff => DESK_DEFAULT_STATUS,
            ANY_STATUS => "",
            chosen => chosen,
        };
        let mut pairs = ListFilter { status: status.to_owned(), ..self.clone() }.pairs(true);
        pairs.retain(|(key, value)| key != "status" || !value.is_empty());
        pairs
    }

    /// The search's words, for marking them in what it found.
    fn terms(&self) -> Vec<String> {
        shared::search::terms(&self.q)
    }

    fn with_page(&self, page: i64) -> Self {
        ListFilter { page, ..self.clone() }
    }

    /// A changed filter starts again on the first page.
    fn changed(&self, change: impl FnOnce(&mut ListFilter)) -> Self {
        let mut next = self.clone();
        change(&mut next);
        next.page = 1;
        next
    }

    fn sort_key(&self) -> &str {
        if self.sort.is_empty() {
            DEFAULT_SORT
        } else {
            &self.sort
        }
    }

    fn is_filtered(&self) -> bool {
        !self.pairs(false).iter().all(|(key, _)| key == "sort")
    }
}

pub fn encode_pairs(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(key, value)| format!("{key}={}", String::from(js_sys::encode_uri_component(value))))
        .collect::<Vec<_>>()
        .join("&")
}

thread_local! {
    /// The list as last shown (with its filters), for the ticket page's way back.
    static LAST_LIST: std::cell::RefCell<String> = std::cell::RefCell::new("/tickets".to_owned());
}

/// Where "back to the list" goes: the list with the filters it last had.
pub fn last_list_href() -> String {
    LAST_LIST.with(|last| last.borrow().clone())
}

fn row_id(index: usize) -> String {
    format!("ticket-row-{index}")
}

/// Draws the bulk bar from the ticket numbers on screen, the selection, the catalog, and what to
/// do after a change.
pub type BulkBarView = fn(Memo<Vec<String>>, RwSignal<BTreeSet<String>>, Catalog, Callback<()>) -> AnyView;

/// The agents' tools around the list, which only the desk passes in (and links).
#[derive(Clone, Copy)]
pub struct DeskTools {
    /// Queues, "mine", saved views… with their counts, beside the list.
    pub side_bar: fn(Memo<ListFilter>) -> AnyView,
    pub bulk_bar: BulkBarView,
    /// Live updates: reads the list again (the callback) when tickets change, and says whether
    /// the stream is up.
    pub live: fn(Callback<()>) -> AnyView,
    /// Beside "New ticket": how the list is shown (its density).
    pub page_actions: fn() -> AnyView,
}

#[component]
pub fn TicketListPage(#[prop(optional)] tools: Option<DeskTools>) -> impl IntoView {
    let session = Session::get();
    let staff = Memo::new(move |_| session.is_staff());
    let filter = Memo::new(move |_| ListFilter::from_query(&route::query_map()));
    let catalog = Catalog::load();

    // The answer carries the filter it was asked for: while it differs from the URL's, a newer
    // request is under way and the list on screen is stale.
    let tickets: LocalResource<(ListFilter, Result<DeskPage, ApiError>)> = LocalResource::new(move || {
        let filter = filter.get();
        let params = filter.api_pairs(staff.get());
        async move {
            let result = session
                .call(|token| {
                    let params = params.clone();
                    async move { api::search_tickets(&token, &params).await }
                })
                .await;
            (filter, result)
        }
    });

    // The ticket numbers on screen, in order: what j/k walk and what "select all" takes.
    let rows = Memo::new(move |_| {
        tickets
            .get()
            .and_then(|(_, result)| result.ok())
            .map(|page| page.tickets.into_iter().map(|t| t.ticket_number).collect::<Vec<_>>())
            .unwrap_or_default()
    });
    Effect::new(move |_| {
        let href = filter.get().href();
        LAST_LIST.with(|last| *last.borrow_mut() = href);
    });
    let selected = RwSignal::new(BTreeSet::<String>::new());
    let cursor = RwSignal::new(None::<usize>);
    // A new page of rows keeps only the selection that is still on screen.
    Effect::new(move |_| {
        let rows = rows.get();
        selected.update(|s| s.retain(|n| rows.contains(n)));
        cursor.update(|c| {
            if c.is_some_and(|i| i >= rows.len()) {
                *c = None;
            }
        });
    });

    // The filtered client's name, as its tickets give it (for the filter's chip).
    let client_name = Memo::new(move |_| {
        let id = filter.get().client?;
        tickets
            .get()
            .and_then(|(_, result)| result.ok())
            .and_then(|page| page.tickets.into_iter().find_map(|t| t.client.filter(|c| c.id == id).map(|c| c.name)))
    });

    let help = RwSignal::new(false);
    use_shortcuts(help, move |key, event| {
        let count = rows.with_untracked(Vec::len);
        match key {
            "j" | "k" | "ArrowDown" | "ArrowUp" if count > 0 => {
                // Arrows only move when a row already has the focus, so they still scroll the page.
                let on_row = target_is_row(event);
                if key.starts_with("Arrow") && !on_row {
                    return false;
                }
                let down = key == "j" || key == "ArrowDown";
                let next = match cursor.get_untracked() {
                    None => 0,
                    Some(i) if down => (i + 1).min(count - 1),
                    Some(i) => i.saturating_sub(1),
                };
                cursor.set(Some(next));
                focus_id(&row_id(next));
                true
            }
            "/" => focus_id("ticket-search"),
            "Enter" => {
                let Some(number) = cursor.get_untracked().and_then(|i| rows.with_untracked(|r| r.get(i).cloned()))
                else {
                    return false;
                };
                if !(target_is_row(event) || target_is_body(event)) {
                    return false;
                }
                route::navigate(&format!("/tickets/{number}"));
                true
            }
            _ => false,
        }
    });

    let heading = move || if staff.get() { "Tickets" } else { "My tickets" };

    view! {
        <section class="page desk-page" aria-labelledby="tickets-heading">
            <div class="page-head">
                <h1 id="tickets-heading">{heading}</h1>
                <div class="page-actions">
                    {tools.map(|tools| (tools.page_actions)())}
                    <ShortcutsButton open=help/>
                    <a href=href("/tickets/new") class="button">"New ticket"</a>
                </div>
            </div>
            <div class="desk-layout" class:with-side=tools.is_some()>
            {tools.map(|tools| (tools.side_bar)(filter))}
            <div class="desk-main">
            {tools.map(|tools| (tools.live)(Callback::new(move |()| tickets.refetch())))}
            <Filters filter catalog staff client_name/>
            {tools.map(|tools| {
                (tools.bulk_bar)(rows, selected, catalog, Callback::new(move |()| tickets.refetch()))
            })}
            {move || match tickets.get() {
                None => view! { <Loading label="Loading tickets…"/> }.into_any(),
                Some((_, Err(error))) => view! {
                    <ErrorNotice error retry=Callback::new(move |()| tickets.refetch())/>
                }
                .into_any(),
                Some((loaded, Ok(page))) => {
                    let stale = loaded != filter.get();
                    view! {
                        {stale.then(|| view! { <Loading label="Updating…"/> })}
                        <div class:stale=stale>
                            <TicketTable
                                tickets=page.tickets.clone()
                                filter=loaded.clone()
                                staff=staff.get_untracked()
                                selected
                                cursor
                            />
                            <Pager filter=loaded page/>
                        </div>
                    }
                    .into_any()
                }
            }}
            </div>
            </div>
            <ShortcutsDialog
                open=help
                keys=vec![
                    ("j / k", "Move to the next / previous ticket"),
                    ("Enter", "Open the highlighted ticket"),
                    ("/", "Search"),
                ]
            />
        </section>
    }
}

fn target_element(event: &web_sys::KeyboardEvent) -> Option<web_sys::Element> {
    event.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok())
}

fn target_is_row(event: &web_sys::KeyboardEvent) -> bool {
    target_element(event).is_some_and(|e| e.id().starts_with("ticket-row-"))
}

fn target_is_body(event: &web_sys::KeyboardEvent) -> bool {
    target_element(event).is_some_and(|e| {
        let tag = e.tag_name().to_ascii_lowercase();
        tag == "body" || tag == "html" || e.id() == "main"
    })
}

/// Search, filters and sorting. Selects apply at once; the search waits for Enter or the button.
#[component]
fn Filters(
    filter: Memo<ListFilter>,
    catalog: Catalog,
    staff: Memo<bool>,
    client_name: Memo<Option<String>>,
) -> impl IntoView {
    let session = Session::get();
    let go = Callback::new(move |target: ListFilter| {
        route::navigate_with(&target.href(), false, false);
    });
    let q = RwSignal::new(String::new());
    // Follow the URL (back button, links, saved views), not only what was typed.
    Effect::new(move |_| q.set(filter.get().q));

    let site = Site::get();
    // A ticket's number opens that ticket; anything else (or a number no ticket has) searches.
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = q.get_untracked().trim().to_owned();
        let search = filter.get_untracked().changed(|f| f.q = text.clone());
        let prefix = site.with(|s| s.map(|s| s.ticket_prefix.clone())).unwrap_or_default();
        let Some(number) = shared::search::ticket_number(&text, &prefix) else {
            go.run(search);
            return;
        };
        leptos::task::spawn_local(async move {
            let found = session.call(|token| {
                let number = number.clone();
                async move { api::get_ticket(&token, &number).await }
            });
            match found.await {
                Ok(ticket) => route::navigate(&format!("/tickets/{}", ticket.ticket_number)),
                Err(_) => go.run(search),
            }
        });
    };
    let select_change = move |apply: fn(&mut ListFilter, String)| {
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            go.run(filter.get_untracked().changed(|f| apply(f, value)));
        }
    };

    let me = Memo::new(move |_| session.user().map(|u| u.id));
    let clear_href = move || ListFilter { sort: filter.get().sort, ..Default::default() }.href();
    // On a phone the filters but the search fold behind a button (CSS shows it only there), so
    // the first ticket is on the first screen.
    let unfolded = RwSignal::new(false);
    let chosen = move || {
        let f = filter.get();
        [!f.status.is_empty(), f.queue.is_some(), f.topic.is_some(), f.priority.is_some(), !f.assignee.is_empty()]
            .into_iter()
            .filter(|on| *on)
            .count()
    };

    view! {
        <form class="filters desk-filters" class:unfolded=move || unfolded.get() role="search" aria-label="Find tickets" on:submit=on_submit>
            <div class="field grow">
                <label for="ticket-search">"Search"</label>
                <input
                    id="ticket-search"
                    type="search"
                    name="q"
                    placeholder="Number, subject, text, customer name or email"
                    aria-keyshortcuts="/"
                    prop:value=move || q.get()
                    on:input=move |ev| q.set(event_target_value(&ev))
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                        // Escape leaves the box (for j/k) instead of clearing it.
                        if ev.key() == "Escape" {
                            ev.prevent_default();
                            if let Some(input) = ev
                                .target()
                                .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
                            {
                                let _ = input.blur();
                            }
                        }
                    }
                />
            </div>
            <button type="submit">"Search"</button>
            <button
                type="button"
                class="secondary filters-toggle"
                aria-expanded=move || unfolded.get().to_string()
                on:click=move |_| unfolded.update(|u| *u = !*u)
            >
                {move || match chosen() {
                    0 => "Filters".to_owned(),
                    n => format!("Filters ({n})"),
                }}
            </button>
            <div class="field">
                <label for="filter-status">"Status"</label>
                <select
                    id="filter-status"
                    name="status"
                    on:change=select_change(|f, v| f.status = v)
                >
                    <option value="" prop:selected=move || filter.get().status.is_empty()>
                        {move || if staff.get() { "Open and pending" } else { "Any status" }}
                    </option>
                    <Show when=move || staff.get()>
                        <option value=ANY_STATUS prop:selected=move || filter.get().status == ANY_STATUS>
                            "Any status"
                        </option>
                    </Show>
                    <optgroup label="States">
                        {STATES
                            .into_iter()
                            .map(|state| {
                                let value = state.as_str();
                                view! {
                                    <option value=value prop:selected=move || filter.get().status == value>
                                        {format!("All {value}")}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </optgroup>
                    <optgroup label="Statuses">
                        {move || catalog
                            .statuses()
                            .into_iter()
                            .map(|status| {
                                let value = status.id.to_string();
                                let current = value.clone();
                                view! {
                                    <option value=value prop:selected=move || filter.get().status == current>
                                        {status.name}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </optgroup>
                </select>
            </div>
            <Show when=move || staff.get()>
                <div class="field">
                    <label for="filter-assignee">"Assignee"</label>
                    <select
                        id="filter-assignee"
                        name="assignee"
                        on:change=select_change(|f, v| f.assignee = v)
                    >
                        <option value="" prop:selected=move || filter.get().assignee.is_empty()>"Anyone"</option>
                        <option value="me" prop:selected=move || filter.get().assignee == "me">"Me"</option>
                        <option value="none" prop:selected=move || filter.get().assignee == "none">"Unassigned"</option>
                        {move || catalog
                            .agents()
                            .into_iter()
                            .filter(|agent| Some(agent.id) != me.get())
                            .map(|agent| {
                                let value = agent.id.to_string();
                                let current = value.clone();
                                view! {
                                    <option value=value prop:selected=move || filter.get().assignee == current>
                                        {agent.fullname}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-queue">"Queue"</label>
                    <select id="filter-queue" name="queue" on:change=select_change(|f, v| f.queue = v.parse().ok())>
                        <option value="" prop:selected=move || filter.get().queue.is_none()>"Any queue"</option>
                        {move || catalog
                            .queues()
                            .into_iter()
                            .map(|queue| {
                                let id = queue.id;
                                view! {
                                    <option value=id.to_string() prop:selected=move || filter.get().queue == Some(id)>
                                        {queue.name}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-topic">"Topic"</label>
                    <select id="filter-topic" name="topic" on:change=select_change(|f, v| f.topic = v.parse().ok())>
                        <option value="" prop:selected=move || filter.get().topic.is_none()>"Any topic"</option>
                        {move || catalog
                            .topics()
                            .into_iter()
                            .map(|topic| {
                                let id = topic.id;
                                view! {
                                    <option value=id.to_string() prop:selected=move || filter.get().topic == Some(id)>
                                        {topic.value}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-priority">"Priority"</label>
                    <select id="filter-priority" name="priority" on:change=select_change(|f, v| f.priority = v.parse().ok())>
                        <option value="" prop:selected=move || filter.get().priority.is_none()>"Any priority"</option>
                        {move || catalog
                            .priorities()
                            .into_iter()
                            .map(|priority| {
                                let id = priority.id;
                                view! {
                                    <option value=id.to_string() prop:selected=move || filter.get().priority == Some(id)>
                                        {priority.name}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <label class="check">
                    <input
                        type="checkbox"
                        name="followed"
                        prop:checked=move || filter.get().followed
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            go.run(filter.get_untracked().changed(|f| f.followed = on));
                        }
                    />
                    "Only tickets I follow"
                </label>
            </Show>
            <div class="field">
                <label for="filter-sort">"Sort by"</label>
                <select id="filter-sort" name="sort" on:change=select_change(|f, v| {
                    f.sort = if v == DEFAULT_SORT { String::new() } else { v };
                })>
                    {SORTS
                        .into_iter()
                        .map(|(value, label)| view! {
                            <option value=value prop:selected=move || filter.get().sort_key() == value>
                                {label}
                            </option>
                        })
                        .collect_view()}
                </select>
            </div>
            {move || {
                let current = filter.get();
                let creator = current.user_id.map(|id| {
                    let who = if Some(id) == me.get() { "me".to_owned() } else { format!("user #{id}") };
                    let without = current.changed(|f| f.user_id = None).href();
                    view! {
                        <span class="chip">
                            {format!("Created by {who}")}
                            <a href=href(&without) aria-label="Remove the “created by” filter">"×"</a>
                        </span>
                    }
                });
                let client = current.client.map(|id| {
                    let name = client_name.get().unwrap_or_else(|| format!("#{id}"));
                    let without = current.changed(|f| f.client = None).href();
                    view! {
                        <span class="chip" data-testid="client-filter">
                            {format!("Client: {name}")}
                            <a href=href(&without) aria-label="Remove the client filter">"×"</a>
                        </span>
                    }
                });
                let followed = (current.followed && !staff.get()).then(|| {
                    let without = current.changed(|f| f.followed = false).href();
                    view! {
                        <span class="chip">
                            "Followed by me"
                            <a href=href(&without) aria-label="Remove the “followed” filter">"×"</a>
                        </span>
                    }
                });
                view! {
                    {creator}
                    {client}
                    {followed}
                    {current.is_filtered().then(|| view! {
                        <a href=href(&clear_href()) class="clear-filters">"Clear filters"</a>
                    })}
                }
            }}
        </form>
    }
}

#[component]
fn TicketTable(
    tickets: Vec<Ticket>,
    filter: ListFilter,
    staff: bool,
    selected: RwSignal<BTreeSet<String>>,
    cursor: RwSignal<Option<usize>>,
) -> impl IntoView {
    if tickets.is_empty() {
        return view! { <p class="muted" data-testid="no-tickets">"No tickets match."</p> }.into_any();
    }
    let terms = filter.terms();
    let rows = tickets
        .into_iter()
        .take(BULK_MAX_TICKETS)
        .enumerate()
        .map(|(index, ticket)| {
            let terms = terms.clone();
            view! { <TicketRow index ticket staff terms selected cursor/> }
        })
        .collect_view();
    view! {
        <table class="desk-table" role="grid" aria-label="Tickets" aria-describedby="ticket-table-help">
            <caption id="ticket-table-help" class="visually-hidden">
                "Use j and k to move between tickets and Enter to open one."
            </caption>
            <thead>
                <tr>
                    {staff.then(|| view! {
                        <th scope="col" class="col-select"><span class="visually-hidden">"Selected"</span></th>
                    })}
                    <SortHeader filter=filter.clone() key="number" label="Number"/>
                    <SortHeader filter=filter.clone() key="subject" label="Subject"/>
                    {staff.then(|| view! { <SortHeader filter=filter.clone() key="customer" label="Customer"/> })}
                    {staff.then(|| view! { <SortHeader filter=filter.clone() key="client" label="Client"/> })}
                    <SortHeader filter=filter.clone() key="status" label="Status"/>
                    <SortHeader filter=filter.clone() key="priority" label="Priority"/>
                    {staff.then(|| view! { <SortHeader filter=filter.clone() key="assignee" label="Assignees"/> })}
                    <SortHeader filter=filter.clone() key="created" label="Created"/>
                    <SortHeader filter key="updated" label="Updated"/>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

/// A column header that sorts by its column; a second click turns the order around.
#[component]
fn SortHeader(filter: ListFilter, key: &'static str, label: &'static str) -> impl IntoView {
    let current = filter.sort_key().to_owned();
    let (direction, arrow) = if current == key {
        ("ascending", " ▲")
    } else if current.strip_prefix('-') == Some(key) {
        ("descending", " ▼")
    } else {
        ("none", "")
    };
    // Newest / most urgent first, and names from A, is what one usually wants from a first click.
    let descending_first = DESCENDING_FIRST.contains(&key);
    let next = match (direction, descending_first) {
        ("descending", _) => key.to_owned(),
        ("ascending", _) => format!("-{key}"),
        (_, true) => format!("-{key}"),
        (_, false) => key.to_owned(),
    };
    let target = filter.changed(|f| f.sort = if next == DEFAULT_SORT { String::new() } else { next.clone() }).href();
    let target = href(&target);
    let order = if next.starts_with('-') { "descending" } else { "ascending" };
    view! {
        <th scope="col" aria-sort=direction>
            <a
                href=target
                class="sort-link"
                title=format!("Sort by {} ({order})", label.to_lowercase())
            >
                {label}<span aria-hidden="true">{arrow}</span>
            </a>
        </th>
    }
}

#[component]
fn TicketRow(
    index: usize,
    ticket: Ticket,
    staff: bool,
    /// The search's words, marked where they occur.
    terms: Vec<String>,
    selected: RwSignal<BTreeSet<String>>,
    cursor: RwSignal<Option<usize>>,
) -> impl IntoView {
    let number = ticket.ticket_number.clone();
    // From a search, the ticket marks its words too.
    let link = match terms.is_empty() {
        true => href(&format!("/tickets/{number}")),
        false => href(&format!("/tickets/{number}?{}", encode_pairs(&[("q".to_owned(), terms.join(" "))]))),
    };
    let state_class = format!("badge state-{}", ticket.status_state.as_str());
    let assignees = if ticket.assigned_to.is_empty() {
        "—".to_owned()
    } else {
        ticket.assigned_to.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ")
    };
    let is_current = move || cursor.get() == Some(index);
    let checkbox = staff.then(|| {
        let number = number.clone();
        let toggle = number.clone();
        view! {
            <td class="col-select">
                <input
                    type="checkbox"
                    aria-label=format!("Select {number}")
                    data-testid="row-select"
                    prop:checked=move || selected.with(|s| s.contains(&number))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        selected.update(|s| {
                            if on {
                                s.insert(toggle.clone());
                            } else {
                                s.remove(&toggle);
                            }
                        });
                    }
                />
            </td>
        }
    });
    view! {
        <tr
            id=row_id(index)
            class="ticket-row"
            class:current=is_current
            class:unread=ticket.unread
            data-testid="ticket-row"
            data-number=number.clone()
            tabindex=move || if cursor.get().unwrap_or(0) == index { "0" } else { "-1" }
            aria-selected=move || is_current().to_string()
            on:focusin=move |_| cursor.set(Some(index))
        >
            {checkbox}
            <td class="col-number number" data-label="Number">
                {ticket.unread_message.then(|| view! {
                    <span class="unread-dot" title="The customer wrote since you last read it" data-testid="unread-message">
                        <span class="visually-hidden">"New message: "</span>
                    </span>
                })}
                {number.clone()}
            </td>
            <td class="col-subject">
                <a href=link class="ticket-subject"><Marked text=ticket.subject terms=terms.clone()/></a>
                {ticket.draft.then(|| view! {
                    " " <span class="badge draft" data-testid="draft-marker" title="You have a draft reply on this ticket">"draft"</span>
                })}
            </td>
            {staff.then(|| view! {
                <td class="col-customer" data-label="Customer" title=ticket.user.email.clone()>
                    <Marked text=ticket.user.fullname terms=terms.clone()/>
                </td>
            })}
            {staff.then(|| match ticket.client {
                Some(client) => view! { <td class="col-client" data-label="Client" data-testid="row-client">{client.name}</td> }.into_any(),
                None => view! { <td class="col-client"></td> }.into_any(),
            })}
            <td class="col-status">
                <span class=state_class>{ticket.ticket_status}</span>
                {ticket.held.then(|| view! { " " <super::ticket::HeldBadge/> })}
                {(ticket.waiting_for.as_deref() == Some("customer")).then(|| view! {
                    " " <span class="badge waiting" data-testid="waiting">
                        {if staff { "Waiting for customer" } else { "Waiting for you" }}
                    </span>
                })}
            </td>
            <td class="col-priority" data-label="Priority">
                <span class=priority_class(&ticket.priority)>{ticket.priority.clone()}</span>
            </td>
            {staff.then(|| view! { <td class="col-assignees" data-label="Assigned">{assignees}</td> })}
            <td class="col-created" data-label="Created"><When value=ticket.create_timestamp.clone()/></td>
            <td class="col-updated" data-label="Updated"><When value=ticket.updated_timestamp.clone()/></td>
        </tr>
    }
}

#[component]
fn Pager(filter: ListFilter, page: DeskPage) -> impl IntoView {
    let total = page.total;
    let pages = i64::try_from(page.pages).unwrap_or(1).max(1);
    let current = filter.page;
    let link = |to: i64, label: String, rel: Option<&'static str>| {
        let target = href(&filter.with_page(to).href());
        view! { <a href=target rel=rel aria-label=format!("Page {to}")>{label}</a> }.into_any()
    };
    let disabled = |label: &'static str| view! { <span class="disabled" aria-hidden="true">{label}</span> }.into_any();
    let previous = if current > 1 {
        link((current - 1).min(pages), "Previous".into(), Some("prev"))
    } else {
        disabled("Previous")
    };
    let next = if current < pages { link(current + 1, "Next".into(), Some("next")) } else { disabled("Next") };
    let numbers = page_numbers(current, pages)
        .into_iter()
        .map(|n| match n {
            Some(n) if n == current => {
                view! { <span class="current" aria-current="page">{n.to_string()}</span> }.into_any()
            }
            Some(n) => link(n, n.to_string(), None),
            None => view! { <span class="gap" aria-hidden="true">"…"</span> }.into_any(),
        })
        .collect_view();
    let noun = if total == 1 { "ticket" } else { "tickets" };
    let jump_to = filter.clone();
    let jump = move |ev: SubmitEvent| {
        ev.prevent_default();
        let wanted = ev
            .target()
            .and_then(|form| form.dyn_into::<web_sys::HtmlFormElement>().ok())
            .and_then(|form| form.elements().named_item("page"))
            .and_then(|input| input.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.value().trim().parse::<i64>().ok());
        if let Some(wanted) = wanted {
            route::navigate(&jump_to.with_page(wanted.clamp(1, pages)).href());
        }
    };
    view! {
        <nav class="pager" aria-label="Pages">
            {previous}
            {numbers}
            {next}
            <span data-testid="page-info">{format!("Page {current} of {pages} · {total} {noun}")}</span>
            {(pages > 1).then(|| view! {
                <form class="page-jump" on:submit=jump>
                    <label for="page-jump">"Go to page"</label>
                    <input id="page-jump" name="page" type="number" min="1" max=pages.to_string() inputmode="numeric"/>
                    <button type="submit">"Go"</button>
                </form>
            })}
        </nav>
    }
}

/// The page numbers a pager offers: the first, the last, and two either side of the current one;
/// `None` where numbers are left out.
fn page_numbers(current: i64, pages: i64) -> Vec<Option<i64>> {
    let mut shown: Vec<Option<i64>> = Vec::new();
    for n in 1..=pages {
        if n == 1 || n == pages || (n - current).abs() <= 2 {
            shown.push(Some(n));
        } else if shown.last().is_some_and(Option::is_some) {
            shown.push(None);
        }
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagers_show_the_ends_and_the_neighbourhood() {
        assert_eq!(page_numbers(1, 1), [Some(1)]);
        assert_eq!(page_numbers(1, 4), [Some(1), Some(2), Some(3), Some(4)]);
        assert_eq!(page_numbers(1, 10), [Some(1), Some(2), Some(3), None, Some(10)]);
        assert_eq!(page_numbers(6, 10), [Some(1), None, Some(4), Some(5), Some(6), Some(7), Some(8), None, Some(10)]);
        assert_eq!(page_numbers(10, 10), [Some(1), None, Some(8), Some(9), Some(10)]);
    }

    #[test]
    fn an_agents_list_without_a_status_asks_for_the_open_and_pending_tickets() {
        let status = |filter: &ListFilter, staff| {
            filter.api_pairs(staff).into_iter().find(|(key, _)| key == "status").map(|(_, value)| value)
        };
        let default = ListFilter::default();
        assert_eq!(status(&default, true).as_deref(), Some(DESK_DEFAULT_STATUS));
        assert_eq!(status(&default, false), None);
        let any = ListFilter { status: ANY_STATUS.into(), ..Default::default() };
        assert_eq!((status(&any, true), status(&any, false)), (None, None));
        let closed = ListFilter { status: "closed".into(), ..Default::default() };
        assert_eq!(status(&closed, true).as_deref(), Some("closed"));
    }
}
