//! `/` and `/tickets`: search, filter by state, page through. The filter lives in the URL, so a
//! reload, the back button and a shared link all show the same list.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use shared::catalog::StatusState;
use shared::tickets::{Ticket, TicketListQuery};

use crate::api::{self, TicketPage};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::session::Session;
use crate::text::timestamp;

const PER_PAGE: i64 = 25;

const STATES: [StatusState; 4] = [
    StatusState::Open,
    StatusState::Pending,
    StatusState::Resolved,
    StatusState::Closed,
];

#[derive(Debug, Clone, PartialEq)]
struct ListFilter {
    q: String,
    /// A [`StatusState`] name, or empty for all.
    status: String,
    page: i64,
}

impl ListFilter {
    fn from_query(query: &ParamsMap) -> Self {
        let status = query
            .get("status")
            .filter(|s| StatusState::parse(s).is_some())
            .unwrap_or_default();
        let page = query
            .get("page")
            .and_then(|p| p.parse::<i64>().ok())
            .filter(|p| *p >= 1);
        ListFilter {
            q: query.get("q").unwrap_or_default(),
            status,
            page: page.unwrap_or(1),
        }
    }

    fn href(&self) -> String {
        let params: Vec<(&str, String)> = [
            ("q", self.q.trim().to_owned()),
            ("status", self.status.clone()),
            (
                "page",
                if self.page > 1 {
                    self.page.to_string()
                } else {
                    String::new()
                },
            ),
        ]
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .collect();
        if params.is_empty() {
            return "/tickets".to_owned();
        }
        let search = params
            .iter()
            .map(|(key, value)| {
                format!(
                    "{key}={}",
                    String::from(js_sys::encode_uri_component(value))
                )
            })
            .collect::<Vec<_>>()
            .join("&");
        format!("/tickets?{search}")
    }

    fn with_page(&self, page: i64) -> Self {
        ListFilter {
            page,
            ..self.clone()
        }
    }

    fn to_query(&self) -> TicketListQuery {
        TicketListQuery {
            q: Some(self.q.trim().to_owned()).filter(|q| !q.is_empty()),
            status: Some(self.status.clone()).filter(|s| !s.is_empty()),
            page: Some(self.page),
            per_page: Some(PER_PAGE),
            threads: Some(false),
            ..Default::default()
        }
    }
}

#[component]
pub fn TicketListPage() -> impl IntoView {
    let session = Session::get();
    let query = use_query_map();
    let filter = Memo::new(move |_| ListFilter::from_query(&query.read()));

    // The answer carries the filter it was asked for: while it differs from the URL's, a newer
    // request is under way and the list on screen is stale.
    let tickets = LocalResource::new(move || {
        let filter = filter.get();
        async move {
            let query = filter.to_query();
            let result = session
                .call(|token| {
                    let query = query.clone();
                    async move { api::list_tickets(&token, &query).await }
                })
                .await;
            (filter, result)
        }
    });

    view! {
        <section class="page" aria-labelledby="tickets-heading">
            <div class="page-head">
                <h1 id="tickets-heading">"Tickets"</h1>
                <A href="/tickets/new" {..} class="button">"New ticket"</A>
            </div>
            <SearchForm filter/>
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
                            <TicketList tickets=page.tickets.clone()/>
                            <Pager filter=loaded page/>
                        </div>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn SearchForm(filter: Memo<ListFilter>) -> impl IntoView {
    let navigate = use_navigate();
    let q = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    // Follow the URL (back button, links), not only what was typed.
    Effect::new(move |_| {
        let current = filter.get();
        q.set(current.q);
        status.set(current.status);
    });

    let go = move || {
        let target = ListFilter {
            q: q.get_untracked(),
            status: status.get_untracked(),
            page: 1,
        };
        navigate(&target.href(), Default::default());
    };
    let on_submit = {
        let go = go.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            go();
        }
    };
    // A changed filter applies at once; typing a search waits for Enter or the button.
    let on_status_change = move |ev| {
        status.set(event_target_value(&ev));
        go();
    };

    view! {
        <form class="filters" role="search" on:submit=on_submit>
            <div class="field grow">
                <label for="ticket-search">"Search"</label>
                <input
                    id="ticket-search"
                    type="search"
                    name="q"
                    placeholder="Subject or message text"
                    prop:value=move || q.get()
                    on:input=move |ev| q.set(event_target_value(&ev))
                />
            </div>
            <div class="field">
                <label for="ticket-status">"Status"</label>
                <select id="ticket-status" name="status" on:change=on_status_change>
                    <option value="" selected=move || status.get().is_empty()>"All"</option>
                    {STATES
                        .into_iter()
                        .map(|state| {
                            let value = state.as_str();
                            view! {
                                <option value=value selected=move || status.get() == value>
                                    {capitalised(value)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <button type="submit">"Search"</button>
        </form>
    }
}

#[component]
fn TicketList(tickets: Vec<Ticket>) -> impl IntoView {
    if tickets.is_empty() {
        return view! { <p class="muted" data-testid="no-tickets">"No tickets match."</p> }
            .into_any();
    }
    view! {
        <ul class="ticket-list" aria-label="Tickets">
            {tickets
                .into_iter()
                .map(|ticket| {
                    let href = format!("/tickets/{}", ticket.ticket_number);
                    let state_class = format!("badge state-{}", ticket.status_state.as_str());
                    view! {
                        <li class="ticket-row" data-testid="ticket-row">
                            <A href=href attr:class="ticket-subject">{ticket.subject}</A>
                            <p class="ticket-meta">
                                <span class="number">{ticket.ticket_number}</span>
                                <span class=state_class>{ticket.ticket_status}</span>
                                <span>{ticket.priority}</span>
                                <span>"Updated "{timestamp(&ticket.updated_timestamp)}</span>
                            </p>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn Pager(filter: ListFilter, page: TicketPage) -> impl IntoView {
    let total = i64::try_from(page.total).unwrap_or(i64::MAX);
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let current = filter.page;
    let previous = (current > 1).then(|| filter.with_page(current - 1).href());
    let next = (current < pages).then(|| filter.with_page(current + 1).href());
    let noun = if total == 1 { "ticket" } else { "tickets" };
    view! {
        <nav class="pager" aria-label="Pages">
            {match previous {
                Some(href) => view! { <A href=href attr:rel="prev">"Previous"</A> }.into_any(),
                None => view! { <span class="disabled" aria-hidden="true">"Previous"</span> }.into_any(),
            }}
            <span data-testid="page-info">{format!("Page {current} of {pages} · {total} {noun}")}</span>
            {match next {
                Some(href) => view! { <A href=href attr:rel="next">"Next"</A> }.into_any(),
                None => view! { <span class="disabled" aria-hidden="true">"Next"</span> }.into_any(),
            }}
        </nav>
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
