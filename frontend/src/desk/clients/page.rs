//! `/clients/{id}`: a client's page — its details (changed in place by user managers), its
//! contacts beside them, its tickets (ITFlow's client-specific view) with a new ticket for it,
//! and the timeline of what happened with it.

use leptos::prelude::*;
use shared::clients::{Client, ClientStatus};
use ui::api::{self, DeskPage};
use ui::components::feedback::{ErrorNotice, Loading};
use ui::pages::ticket_list::encode_pairs;
use ui::paths::href;
use ui::route;
use ui::session::Session;
use ui::task::Loader;
use ui::text::When;

use super::calls;
use super::contacts::Contacts;
use super::events::Timeline;
use super::form::ClientForm;
use super::{may_edit, StatusBadge};

/// How many of its tickets the page lists (the ticket list has them all).
const TICKETS_SHOWN: &str = "10";

#[component]
pub fn ClientPage() -> impl IntoView {
    let session = Session::get();
    let id = Memo::new(move |_| {
        route::path().strip_prefix("/clients/").and_then(|n| n.trim_end_matches('/').parse::<i64>().ok()).unwrap_or(0)
    });
    let client = Loader::new(move || {
        let id = id.get();
        async move { session.read::<Client>(calls::get(id)).await }
    });
    let loaded = Memo::new(move |_| client.ok().map(|c| (c.id, c.status)));
    let editing = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let editor = may_edit();
    // Another client (back, a link): not editing, nothing said yet.
    Effect::new(move |_| {
        id.track();
        editing.set(false);
        notice.set(None);
    });
    let on_saved = Callback::new(move |saved: Client| {
        notice.set(Some(format!("Saved {}.", saved.name)));
        client.set(Ok(saved));
        editing.set(false);
    });
    let on_contacts_changed = Callback::new(move |()| client.reload());

    view! {
        <section class="page desk-page client-page" aria-labelledby="client-heading">
            <div class="page-head">
                <p class="back"><a href=href("/clients")>"← All clients"</a></p>
            </div>
            <p class="done" role="status" data-testid="client-notice">{move || notice.get()}</p>
            {move || match client.get() {
                None => view! { <Loading label="Loading client…"/> }.into_any(),
                Some(Err(error)) => view! {
                    <h1 id="client-heading">"Client"</h1>
                    <ErrorNotice error retry=Callback::new(move |()| client.reload())/>
                }
                .into_any(),
                Some(Ok(c)) => view! { <Details client=c editing editor/> }.into_any(),
            }}
            <Show when=move || editing.get()>
                {move || untrack(|| client.ok()).map(|c| view! {
                    <section class="panel" aria-labelledby="client-edit-heading">
                        <h2 id="client-edit-heading">"Edit client"</h2>
                        <ClientForm client=c on_saved on_cancel=Callback::new(move |()| editing.set(false))/>
                    </section>
                })}
            </Show>
            {move || loaded.get().map(|(id, status)| view! {
                <div class="ticket-layout client-layout">
                    <div class="ticket-main">
                        <ClientTickets id closed=status == ClientStatus::Closed/>
                        <Timeline id/>
                    </div>
                    <Contacts id on_change=on_contacts_changed/>
                </div>
            })}
        </section>
    }
}

#[component]
fn Details(client: Client, editing: RwSignal<bool>, editor: Memo<bool>) -> impl IntoView {
    let fact = |label: &'static str, value: String, testid: &'static str| {
        (!value.is_empty()).then(|| view! { <div><dt>{label}</dt><dd data-testid=testid>{value}</dd></div> })
    };
    let email = (!client.email.is_empty()).then(|| {
        let mailto = format!("mailto:{}", client.email);
        view! { <div><dt>"Email"</dt><dd><a href=mailto data-testid="client-email">{client.email.clone()}</a></dd></div> }
    });
    let website = (!client.website.is_empty()).then(|| {
        view! {
            <div><dt>"Website"</dt><dd>
                <a href=client.website.clone() rel="external noopener noreferrer" target="_blank" data-testid="client-website">
                    {client.website.clone()}
                </a>
            </dd></div>
        }
    });
    let domains = if client.domains.is_empty() { "None".to_owned() } else { client.domains.join(", ") };
    let primary = client.primary_contact.map_or_else(|| "None yet".to_owned(), |p| p.name);
    view! {
        <header class="ticket-head client-head">
            <div class="page-head">
                <h1 id="client-heading" data-testid="client-name">{client.name.clone()}" "<StatusBadge status=client.status/></h1>
                <Show when=move || editor.get() && !editing.get()>
                    <button type="button" class="secondary" data-testid="edit-client" on:click=move |_| editing.set(true)>
                        "Edit client"
                    </button>
                </Show>
            </div>
            <dl class="facts" data-testid="client-facts">
                {email}
                {fact("Phone", client.phone, "client-phone")}
                {website}
                {fact("Address", client.address, "client-address")}
                <div><dt>"Mail domains"</dt><dd data-testid="client-domains">{domains}</dd></div>
                <div><dt>"Primary contact"</dt><dd data-testid="client-primary">{primary}</dd></div>
                <div><dt>"Open tickets"</dt><dd data-testid="client-open">{client.open_tickets.to_string()}</dd></div>
                <div><dt>"Added"</dt><dd><When value=client.created/></dd></div>
                {(!client.notes.is_empty()).then(|| view! {
                    <div class="wide"><dt>"Notes"</dt><dd class="pre-wrap" data-testid="client-notes">{client.notes}</dd></div>
                })}
            </dl>
        </header>
    }
}

/// The client's tickets, most recently updated first, with a way to the full list and to a new one.
#[component]
fn ClientTickets(id: i64, closed: bool) -> impl IntoView {
    let session = Session::get();
    let tickets = Loader::new(move || {
        let params = vec![
            ("client".to_owned(), id.to_string()),
            ("sort".to_owned(), "-updated".to_owned()),
            ("per_page".to_owned(), TICKETS_SHOWN.to_owned()),
        ];
        async move { api::desk_page(session.send(&api::search_call(&params)).await?) }
    });
    let all = href(&format!(
        "/tickets?{}",
        encode_pairs(&[("client".to_owned(), id.to_string()), ("status".to_owned(), "any".to_owned())])
    ));
    view! {
        <section class="client-section" aria-labelledby="client-tickets-heading" data-testid="client-tickets">
            <div class="page-head">
                <h2 id="client-tickets-heading">
                    "Tickets"
                    {move || tickets.ok().map(|page| format!(" ({})", page.total))}
                </h2>
                {if closed {
                    view! { <p class="muted">"A closed client takes no new tickets."</p> }.into_any()
                } else {
                    view! {
                        <a href=href(&format!("/tickets/new?client={id}")) class="button" data-testid="new-client-ticket">
                            "New ticket for this client"
                        </a>
                    }
                    .into_any()
                }}
            </div>
            {move || match tickets.get() {
                None => view! { <Loading label="Loading tickets…"/> }.into_any(),
                Some(Err(error)) => view! { <ErrorNotice error retry=Callback::new(move |()| tickets.reload())/> }.into_any(),
                Some(Ok(page)) if page.tickets.is_empty() => {
                    view! { <p class="muted" data-testid="no-client-tickets">"No tickets yet."</p> }.into_any()
                }
                Some(Ok(page)) => view! {
                    <TicketTable page/>
                    <p class="see-all"><a href=all.clone()>"See all its tickets in the ticket list"</a></p>
                }
                .into_any(),
            }}
        </section>
    }
}

#[component]
fn TicketTable(page: DeskPage) -> impl IntoView {
    view! {
        <table class="admin-table">
            <thead>
                <tr>
                    <th scope="col">"Number"</th>
                    <th scope="col">"Subject"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"From"</th>
                    <th scope="col">"Updated"</th>
                </tr>
            </thead>
            <tbody>
                {page.tickets.into_iter().map(|t| {
                    let state = format!("badge state-{}", t.status_state.as_str());
                    let link = href(&format!("/tickets/{}", t.ticket_number));
                    let number = t.ticket_number.clone();
                    view! {
                        <tr data-testid="client-ticket" data-number=number>
                            <td data-label="Number" class="number">{t.ticket_number}</td>
                            <td data-label="Subject"><a href=link>{t.subject}</a></td>
                            <td data-label="Status"><span class=state>{t.ticket_status}</span></td>
                            <td data-label="From">{t.user.fullname}</td>
                            <td data-label="Updated"><When value=t.updated_timestamp/></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
