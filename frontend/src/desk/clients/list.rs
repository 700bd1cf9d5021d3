//! `/clients`: the directory — found by words as they are typed (name, address, phone, notes, a
//! mail domain), narrowed by status, a page at a time; and `/clients/new`. The search, the status
//! and the page live in the URL, so reload, back and a shared link show the same list.

use std::time::Duration;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::clients::{Client, ClientStatus};
use ui::api::Page;
use ui::components::feedback::{ErrorNotice, Loading};
use ui::pages::ticket_list::encode_pairs;
use ui::paths::href;
use ui::route;
use ui::session::Session;
use ui::site::Site;
use ui::task::Loader;

use super::calls::{self, ListQuery};
use super::form::ClientForm;
use super::{client_path, may_edit, StatusBadge};

/// How long typing must pause before the list follows it.
const PAUSE: Duration = Duration::from_millis(300);
/// The status filter's value for every client, closed ones too (none: all but closed).
const ALL: &str = "all";

/// The list's state as the URL carries it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Wanted {
    q: String,
    /// "" (all open), [`ALL`] or a status's name.
    status: String,
    page: u64,
}

impl Wanted {
    fn from_url() -> Self {
        let query = route::query_map();
        let status = query.get("status").filter(|s| s == ALL || ClientStatus::parse(s).is_ok()).unwrap_or_default();
        Wanted {
            q: query.get("q").map(|q| q.trim().to_owned()).unwrap_or_default(),
            status,
            page: query.get("page").and_then(|p| p.parse().ok()).filter(|p| *p >= 1).unwrap_or(1),
        }
    }

    fn href(&self) -> String {
        let mut pairs = Vec::new();
        for (key, value) in [("q", &self.q), ("status", &self.status)] {
            if !value.is_empty() {
                pairs.push((key.to_owned(), value.clone()));
            }
        }
        if self.page > 1 {
            pairs.push(("page".to_owned(), self.page.to_string()));
        }
        if pairs.is_empty() {
            "/clients".to_owned()
        } else {
            format!("/clients?{}", encode_pairs(&pairs))
        }
    }

    fn api(&self, per_page: u64) -> ListQuery {
        let status = match self.status.as_str() {
            "" => "open".to_owned(),
            ALL => String::new(),
            chosen => chosen.to_owned(),
        };
        ListQuery { q: self.q.clone(), status, page: self.page, per_page }
    }
}

#[component]
pub fn ClientsPage() -> impl IntoView {
    let session = Session::get();
    let site = Site::get();
    let per_page = site.with(|s| s.map_or(25, |s| s.rows_per_page)).clamp(5, 100) as u64;
    let wanted = Memo::new(move |_| Wanted::from_url());
    let clients = Loader::new(move || {
        let query = wanted.get().api(per_page);
        async move { calls::list(session, query).await }
    });
    let editor = may_edit();

    let typed = RwSignal::new(String::new());
    // Follow the URL (back, a link), without undoing what is being typed.
    Effect::new(move |_| {
        let q = wanted.get().q;
        if typed.get_untracked().trim() != q {
            typed.set(q);
        }
    });
    let generation = StoredValue::new(0_u64);
    let go = move |text: String, replace: bool| {
        let next = Wanted { q: text.trim().to_owned(), page: 1, ..wanted.get_untracked() };
        if next != wanted.get_untracked() {
            route::navigate_with(&next.href(), replace, false);
        }
    };
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        typed.set(text.clone());
        generation.update_value(|n| *n += 1);
        let mine = generation.get_value();
        set_timeout(
            move || {
                if generation.try_get_value() == Some(mine) {
                    go(text, true);
                }
            },
            PAUSE,
        );
    };
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        generation.update_value(|n| *n += 1);
        go(typed.get_untracked(), false);
    };
    let on_status = move |ev: leptos::ev::Event| {
        let status = event_target_value(&ev);
        route::navigate_with(&Wanted { status, page: 1, ..wanted.get_untracked() }.href(), false, false);
    };
    let status_options = [("", "All open"), (ALL, "All, closed too")]
        .into_iter()
        .chain(ClientStatus::ALL.into_iter().map(|s| (s.as_str(), s.as_str())));

    view! {
        <section class="page desk-page" aria-labelledby="clients-heading">
            <div class="page-head">
                <h1 id="clients-heading">"Clients"</h1>
                <Show when=move || editor.get()>
                    <div class="page-actions">
                        <a href=href("/clients/new") class="button" data-testid="new-client">"New client"</a>
                    </div>
                </Show>
            </div>
            <form class="filters desk-filters" role="search" aria-label="Find clients" on:submit=on_search>
                <div class="field grow">
                    <label for="client-search">"Search"</label>
                    <input
                        id="client-search"
                        type="search"
                        name="q"
                        autocomplete="off"
                        placeholder="Name, email, phone, notes or mail domain"
                        prop:value=move || typed.get()
                        on:input=on_input
                    />
                </div>
                <div class="field">
                    <label for="client-status-filter">"Status"</label>
                    <select id="client-status-filter" name="status" on:change=on_status>
                        {status_options.map(|(value, label)| view! {
                            <option value=value prop:selected=move || wanted.get().status == value>{label}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="secondary">"Search"</button>
            </form>
            {move || match clients.get() {
                None => view! { <Loading label="Loading clients…"/> }.into_any(),
                Some(Err(error)) => view! {
                    <ErrorNotice error retry=Callback::new(move |()| clients.reload())/>
                }
                .into_any(),
                Some(Ok(page)) if page.items.is_empty() => view! {
                    <p class="muted" data-testid="no-clients">"No clients match."</p>
                }
                .into_any(),
                Some(Ok(page)) => view! {
                    <ClientTable clients=page.items.clone()/>
                    <Pager wanted=wanted.get_untracked() page per_page/>
                }
                .into_any(),
            }}
        </section>
    }
}

#[component]
fn ClientTable(clients: Vec<Client>) -> impl IntoView {
    view! {
        <table class="admin-table" data-testid="clients-table">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Primary contact"</th>
                    <th scope="col">"Open tickets"</th>
                    <th scope="col">"Mail domains"</th>
                </tr>
            </thead>
            <tbody>
                {clients.into_iter().map(|c| view! {
                    <tr data-testid="client-row" class:inactive=c.status == ClientStatus::Closed>
                        <td data-label="Name"><a href=href(&client_path(c.id))>{c.name}</a></td>
                        <td data-label="Status"><StatusBadge status=c.status/></td>
                        <td data-label="Primary contact">{c.primary_contact.map_or_else(|| "—".to_owned(), |p| p.name)}</td>
                        <td data-label="Open tickets" data-testid="client-open-tickets">{c.open_tickets.to_string()}</td>
                        <td data-label="Mail domains" class="wrap">
                            {if c.domains.is_empty() { "—".to_owned() } else { c.domains.join(", ") }}
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// First, previous, where we are, next, last.
#[component]
fn Pager(wanted: Wanted, page: Page<Client>, per_page: u64) -> impl IntoView {
    let pages = page.total.div_ceil(per_page).max(1);
    let current = wanted.page.min(pages);
    let link = |to: u64, label: &'static str, rel: Option<&'static str>, enabled: bool| {
        if enabled {
            let target = href(&Wanted { page: to, ..wanted.clone() }.href());
            view! { <a href=target rel=rel aria-label=format!("{label}: page {to}")>{label}</a> }.into_any()
        } else {
            view! { <span class="disabled" aria-hidden="true">{label}</span> }.into_any()
        }
    };
    let noun = if page.total == 1 { "client" } else { "clients" };
    view! {
        <nav class="pager" aria-label="Pages">
            <span class="button-row">
                {link(1, "First", None, current > 1)}
                {link(current.saturating_sub(1).max(1), "Previous", Some("prev"), current > 1)}
            </span>
            <span data-testid="page-info">{format!("Page {current} of {pages} · {} {noun}", page.total)}</span>
            <span class="button-row">
                {link(current + 1, "Next", Some("next"), current < pages)}
                {link(pages, "Last", None, current < pages)}
            </span>
        </nav>
    }
}

/// `/clients/new`.
#[component]
pub fn NewClientPage() -> impl IntoView {
    let on_saved = Callback::new(|client: Client| route::navigate(&client_path(client.id)));
    let on_cancel = Callback::new(|()| route::navigate("/clients"));
    view! {
        <section class="page page-narrow" aria-labelledby="new-client-heading">
            <p class="back"><a href=href("/clients")>"← All clients"</a></p>
            <h1 id="new-client-heading">"New client"</h1>
            <ClientForm on_saved on_cancel/>
        </section>
    }
}
