//! `/tickets` in the portal: "My tickets", a plain list a customer searches and narrows by state.
//! (The agents' list, with its filters, sorting, bulk changes and keyboard, is the desk's.) The
//! filter lives in the URL's query string, so reload, back and the home page's "See all" links work.
//! A client's technical contact also sees the client's other tickets here, each with who filed it.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::tickets::Ticket;
use ui::api::{self, DeskPage};
use ui::components::feedback::{ErrorNotice, Loading};
use ui::pages::ticket_list::encode_pairs;
use ui::paths::href;
use ui::route;
use ui::session::Session;
use ui::task::Loader;
use ui::text::When;

/// The query parameters this list knows (the rest of the URL is ignored).
const KEYS: [&str; 5] = ["q", "status", "user_id", "followed", "page"];

const STATES: [(&str, &str); 5] =
    [("", "All"), ("open", "Open"), ("pending", "On hold"), ("resolved", "Resolved"), ("closed", "Closed")];

#[component]
pub fn MyTicketsPage() -> impl IntoView {
    let session = Session::get();
    let pairs = Memo::new(move |_| {
        let query = route::query();
        KEYS.iter()
            .filter_map(|key| {
                let value = query.iter().find(|(k, _)| k == key)?.1.trim().to_owned();
                (!value.is_empty()).then(|| ((*key).to_owned(), value))
            })
            .collect::<Vec<_>>()
    });
    let value =
        move |key: &str| pairs.with(|p| p.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default());
    let go = move |key: &'static str, new: String| {
        let mut next: Vec<(String, String)> =
            pairs.get_untracked().into_iter().filter(|(k, _)| k != key && k != "page").collect();
        if !new.is_empty() {
            next.push((key.to_owned(), new));
        }
        route::navigate(&format!("/tickets?{}", encode_pairs(&next)));
    };
    let tickets = Loader::new(move || {
        let params = pairs.get();
        async move { api::desk_page(session.send(&api::search_call(&params)).await?) }
    });
    let search = RwSignal::new(String::new());
    Effect::new(move |_| search.set(value("q")));
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        go("q", search.get_untracked().trim().to_owned());
    };
    let status = move || value("status");

    view! {
        <section class="page desk-page" aria-labelledby="tickets-heading">
            <div class="page-head">
                <h1 id="tickets-heading">"My tickets"</h1>
                <div class="page-actions">
                    <a href=href("/tickets/new") class="button">"New ticket"</a>
                </div>
            </div>
            <form class="filters desk-filters" role="search" aria-label="Find tickets" on:submit=on_search>
                <div class="field grow">
                    <label for="ticket-search">"Search"</label>
                    <input id="ticket-search" type="search" name="q"
                        prop:value=move || search.get()
                        on:input=move |ev| search.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="ticket-status">"Status"</label>
                    <select id="ticket-status" on:change=move |ev| go("status", event_target_value(&ev))>
                        {STATES.iter().map(|(key, label)| {
                            view! { <option value=*key selected=move || status() == *key>{*label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="secondary">"Search"</button>
            </form>
            {move || match tickets.get() {
                None => view! { <Loading label="Loading tickets…"/> }.into_any(),
                Some(Err(error)) => view! {
                    <ErrorNotice error retry=Callback::new(move |()| tickets.reload())/>
                }
                .into_any(),
                Some(Ok(page)) if page.tickets.is_empty() => {
                    view! { <p class="muted" data-testid="no-tickets">"No tickets match."</p> }.into_any()
                }
                Some(Ok(page)) => list(page, pairs.get_untracked(), session.user().map(|u| u.id)).into_any(),
            }}
        </section>
    }
}

fn list(page: DeskPage, pairs: Vec<(String, String)>, me: Option<i64>) -> impl IntoView {
    let current = pairs.iter().find(|(k, _)| k == "page").and_then(|(_, v)| v.parse::<u64>().ok()).unwrap_or(1);
    let pages = page.pages.max(1);
    let at = |n: u64| {
        let mut next: Vec<(String, String)> = pairs.iter().filter(|(k, _)| k != "page").cloned().collect();
        if n > 1 {
            next.push(("page".to_owned(), n.to_string()));
        }
        format!("/tickets?{}", encode_pairs(&next))
    };
    let noun = if page.total == 1 { "ticket" } else { "tickets" };
    view! {
        <table class="desk-table" aria-label="Tickets">
            <thead>
                <tr>
                    <th scope="col">"Number"</th>
                    <th scope="col">"Subject"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Updated"</th>
                </tr>
            </thead>
            <tbody>{page.tickets.into_iter().map(|t| row(t, me)).collect_view()}</tbody>
        </table>
        <nav class="pager" aria-label="Pages">
            {(current > 1).then(|| view! { <a href=href(&at(current - 1)) rel="prev">"Previous"</a> })}
            <span data-testid="page-info">{format!("Page {current} of {pages} · {} {noun}", page.total)}</span>
            {(current < pages).then(|| view! { <a href=href(&at(current + 1)) rel="next">"Next"</a> })}
        </nav>
    }
}

fn row(ticket: Ticket, me: Option<i64>) -> impl IntoView {
    let state_class = format!("badge state-{}", ticket.status_state.as_str());
    view! {
        <tr class="ticket-row" data-testid="ticket-row" data-number=ticket.ticket_number.clone()>
            <td class="col-number number" data-label="Number">{ticket.ticket_number.clone()}</td>
            <td class="col-subject">
                <a href=href(&format!("/tickets/{}", ticket.ticket_number)) class="ticket-subject">{ticket.subject}</a>
                // A client's technical contact sees their colleagues' tickets too.
                {(Some(ticket.user.id) != me).then(|| view! {
                    <span class="requester" data-testid="filed-by">{format!("Filed by {}", ticket.user.fullname)}</span>
                })}
            </td>
            <td class="col-status"><span class=state_class>{ticket.ticket_status}</span></td>
            <td class="col-updated" data-label="Updated"><When value=ticket.updated_timestamp.clone()/></td>
        </tr>
    }
}
