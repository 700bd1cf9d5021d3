//! The list's side bar: open tickets in all, mine, unassigned and followed, per queue, and the
//! agent's saved views, each with its count (`GET /api/counts.json`, which the server keeps
//! until something changes, so asking on every change the live stream tells of is cheap); and
//! the way to the clients directory. On a phone it folds behind a button, so the first ticket
//! shows on the first screen.

use leptos::prelude::*;
use shared::notifications::TicketCounts;
use ui::api::{ApiError, Call};
use ui::components::feedback::ErrorNotice;
use ui::pages::ticket_list::ListFilter;
use ui::paths::href;
use ui::session::Session;

use crate::live::{settled, Live};
use crate::saved_views::SavedViews;

#[component]
pub fn SideBar(filter: Memo<ListFilter>) -> impl IntoView {
    let session = Session::get();
    // Kept while counting again, so the numbers do not flicker.
    let counts = RwSignal::new(None::<TicketCounts>);
    let failed = RwSignal::new(None::<ApiError>);
    let load = move || {
        leptos::task::spawn_local(async move {
            match session.read::<TicketCounts>(Call::get("/counts.json")).await {
                Ok(known) => {
                    counts.try_set(Some(known));
                    failed.try_set(None);
                }
                Err(error) => {
                    failed.try_set(Some(error));
                }
            }
        });
    };
    load();
    if let Some(live) = Live::get() {
        let again = settled(load);
        Effect::new(move |first: Option<()>| {
            live.event.track();
            live.resync.track();
            if first.is_some() {
                again();
            }
        });
    }
    let current = Memo::new(move |_| filter.get().query_string());
    let unfolded = RwSignal::new(false);
    let may_view_clients = crate::clients::may_view();
    let entry = move |label: String, query: String, count: Signal<Option<i64>>, testid: &'static str| {
        let link = if query.is_empty() { href("/tickets") } else { href(&format!("/tickets?{query}")) };
        view! {
            <li>
                <a href=link data-testid=testid aria-current=move || current.with(|c| *c == query).then_some("page")>
                    <span class="side-label">{label}</span>" "
                    <span class="count" data-testid="side-count">{move || count.get().map(|n| n.to_string())}</span>
                </a>
            </li>
        }
    };
    let total = |pick: fn(&TicketCounts) -> i64| Signal::derive(move || counts.with(|c| c.as_ref().map(pick)));
    view! {
        <aside class="desk-side" class:unfolded=move || unfolded.get() aria-label="Ticket lists" data-testid="side-bar">
            <button
                type="button"
                class="secondary side-toggle"
                aria-expanded=move || unfolded.get().to_string()
                on:click=move |_| unfolded.update(|u| *u = !*u)
            >
                {move || if unfolded.get() { "Hide lists and views" } else { "Lists and views" }}
            </button>
            <div class="side-body">
                <ul class="side-list">
                    {entry("Open".into(), String::new(), total(|c| c.open), "side-open")}
                    {entry("Mine".into(), "assignee=me".into(), total(|c| c.mine), "side-mine")}
                    {entry("Unassigned".into(), "assignee=none".into(), total(|c| c.unassigned), "side-unassigned")}
                    {entry("Followed".into(), "followed=true".into(), total(|c| c.followed), "side-followed")}
                </ul>
                <h2 class="side-heading">"Queues"</h2>
                <ul class="side-list">
                    {move || {
                        counts
                            .get()
                            .map(|c| c.queues)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|q| entry(q.name, format!("queue={}", q.id), Signal::stored(Some(q.open)), "side-queue"))
                            .collect_view()
                    }}
                </ul>
                {move || failed.get().map(|error| view! { <ErrorNotice error/> })}
                <Show when=move || may_view_clients.get()>
                    <h2 class="side-heading">"Directory"</h2>
                    <ul class="side-list">
                        <li><a href=href("/clients") data-testid="side-clients"><span class="side-label">"Clients"</span></a></li>
                    </ul>
                </Show>
                <SavedViews
                    filter
                    counts=Signal::derive(move || counts.with(|c| c.as_ref().map(|c| c.views.clone()).unwrap_or_default()))
                    on_change=Callback::new(move |()| load())
                />
            </div>
        </aside>
    }
}
