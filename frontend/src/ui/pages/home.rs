//! `/`: where a signed-in person starts. Three short lists — tickets I opened, tickets assigned
//! to me (agents), tickets I follow — each with a link to the full, filtered list.

use leptos::prelude::*;

use crate::api;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::pages::ticket_list::encode_pairs;
use crate::paths::href;
use crate::session::Session;
use crate::task::Loader;
use crate::text::When;

/// How many tickets each list shows.
const SHORT: &str = "5";

#[component]
pub fn HomePage() -> impl IntoView {
    let session = Session::get();
    let me = Memo::new(move |_| session.user().map(|u| u.id));
    let name = move || session.user().map(|u| u.firstname).filter(|n| !n.is_empty());
    view! {
        <section class="page desk-home" aria-labelledby="home-heading">
            <div class="page-head">
                <h1 id="home-heading">
                    {move || match name() {
                        Some(name) => format!("Welcome, {name}"),
                        None => "Welcome".to_owned(),
                    }}
                </h1>
                <a href=href("/tickets/new") class="button">"New ticket"</a>
            </div>
            <div class="home-lists">
                {move || me.get().map(|id| view! {
                    <ShortList
                        id="created"
                        title="Tickets I opened"
                        empty="You have not opened any tickets."
                        params=vec![("user_id".to_owned(), id.to_string())]
                    />
                })}
                <Show when=move || session.is_staff()>
                    <ShortList
                        id="assigned"
                        title="Assigned to me"
                        empty="Nothing is assigned to you."
                        params=vec![("assignee".to_owned(), "me".to_owned())]
                    />
                </Show>
                <ShortList
                    id="followed"
                    title="Tickets I follow"
                    empty="You do not follow any tickets."
                    params=vec![("followed".to_owned(), "true".to_owned())]
                />
            </div>
        </section>
    }
}

#[component]
fn ShortList(
    id: &'static str,
    title: &'static str,
    empty: &'static str,
    /// The list's filter, as `/tickets` takes it.
    params: Vec<(String, String)>,
) -> impl IntoView {
    let session = Session::get();
    let see_all = href(&format!("/tickets?{}", encode_pairs(&params)));
    let request = params.clone();
    let tickets = Loader::new(move || {
        let mut params = request.clone();
        params.push(("per_page".to_owned(), SHORT.to_owned()));
        async move { api::desk_page(session.send(&api::search_call(&params)).await?) }
    });
    let heading_id = format!("home-{id}-heading");
    let labelled_by = heading_id.clone();
    view! {
        <section class="home-list" aria-labelledby=labelled_by data-testid=format!("home-{id}")>
            <h2 id=heading_id>{title}</h2>
            {move || match tickets.get() {
                None => view! { <Loading label="Loading…"/> }.into_any(),
                Some(Err(error)) => view! {
                    <ErrorNotice error retry=Callback::new(move |()| tickets.reload())/>
                }
                .into_any(),
                Some(Ok(page)) if page.tickets.is_empty() => view! {
                    <p class="muted">{empty}</p>
                }
                .into_any(),
                Some(Ok(page)) => view! {
                    <ul class="short-list">
                        {page.tickets
                            .into_iter()
                            .map(|t| {
                                let state_class = format!("badge state-{}", t.status_state.as_str());
                                view! {
                                    <li>
                                        <a href=href(&format!("/tickets/{}", t.ticket_number))>{t.subject}</a>
                                        <span class="ticket-meta">
                                            <span class="number">{t.ticket_number}</span>
                                            <span class=state_class>{t.ticket_status}</span>
                                            <When value=t.updated_timestamp.clone()/>
                                        </span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    <p class="see-all">
                        <a href=see_all.clone()>
                            "See all "<span class="visually-hidden">{title.to_lowercase()}" "</span>
                            {format!("({})", page.total)}
                        </a>
                    </p>
                }
                .into_any(),
            }}
        </section>
    }
}
