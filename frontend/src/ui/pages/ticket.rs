//! `/tickets/:number`: the whole conversation, the composer, and (for agents) the side panel
//! with assignees, following, status and fields, and time spent.

use leptos::prelude::*;
use shared::tickets::Ticket;

use crate::api;
use crate::components::catalog::Catalog;
use crate::components::composer::{Composer, Draft, MakeReplyExtra, ReplyMode, MESSAGE_ID};
use crate::components::feedback::{focus_field, ErrorNotice, Loading};
use crate::components::shortcuts::{focus_id, use_shortcuts, ShortcutsButton, ShortcutsDialog};
use crate::components::thread::Thread;
use crate::components::ticket_actions::TicketContext;
use crate::pages::ticket_list::last_list_href;
use crate::paths::href;
use crate::route;
use crate::session::Session;
use crate::task::{Loader, Task};
use crate::text::{priority_class, When};

/// `side` draws the side panel: the agents' one in the desk, close and reopen in the portal;
/// `catalog` loads what the panel picks from (`Catalog::load` in the desk, `Catalog::none` in
/// the portal).
/// What the desk's live updates watch on an open ticket (`watch`): which ticket, the draft being
/// written (typing is said to the other agents), and how to show the ticket as it is now.
#[derive(Clone, Copy)]
pub struct TicketWatch {
    pub number: Memo<String>,
    pub draft: Draft,
    /// Reads the ticket again; the draft stays.
    pub reload: Callback<()>,
    /// The page's polite status line.
    pub notice: RwSignal<Option<String>>,
}

#[component]
pub fn TicketPage(
    side: fn(TicketContext) -> AnyView,
    catalog: fn() -> Catalog,
    /// The desk's live updates of the open ticket.
    #[prop(optional)]
    watch: Option<fn(TicketWatch) -> AnyView>,
    /// The desk's additions to what an agent writes (who is copied, Markdown).
    #[prop(optional)]
    reply_extras: &'static [MakeReplyExtra],
) -> impl IntoView {
    let session = Session::get();
    // The app's routes send `/tickets/<number>` here.
    let number = Memo::new(move |_| route::path().strip_prefix("/tickets/").unwrap_or_default().to_owned());
    // Opened from a search: its words are marked in the thread.
    let search_terms = StoredValue::new(shared::search::terms(&route::query_map().get("q").unwrap_or_default()));
    let catalog = catalog();

    let ticket = Loader::new(move || {
        let number = number.get();
        async move { session.read::<Ticket>(api::ticket_call(&number)).await }
    });
    let current = Memo::new(move |_| ticket.ok());
    let loaded = Memo::new(move |_| current.with(Option::is_some));

    // Page-level state that outlives any reload of the ticket: the draft above all.
    let draft = Draft::new();
    let conflict = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let on_saved = Callback::new(move |fresh: Ticket| {
        ticket.set(Ok(fresh));
    });
    // Another ticket (a link in the thread, back/forward): start with a clean slate.
    Effect::new(move |previous: Option<String>| {
        let now = number.get();
        if previous.is_some_and(|p| p != now) {
            draft.message.set(String::new());
            draft.files.set(Vec::new());
            conflict.set(false);
            notice.set(None);
        }
        now
    });

    let reload = Task::<()>::new();
    let start_reload = move || {
        reload.run(async move {
            let number = number.get_untracked();
            let fresh = session.read::<Ticket>(api::ticket_call(&number)).await?;
            ticket.set(Ok(fresh));
            conflict.set(false);
            notice.set(Some("Ticket reloaded. Your draft is still there.".into()));
            Ok(())
        })
    };
    let reloading = reload.pending();

    // A conflict moves the focus to its remedy, wherever on the page the change was made.
    Effect::new(move |_| {
        if conflict.get() {
            request_animation_frame(|| focus_field("reload-ticket"));
        }
    });

    let help = RwSignal::new(false);
    use_shortcuts(help, move |key, _| match key {
        "r" if loaded.get_untracked() => {
            draft.mode.set(ReplyMode::Reply);
            focus_id(MESSAGE_ID)
        }
        "n" if loaded.get_untracked() && session.is_staff() => {
            draft.mode.set(ReplyMode::Note);
            focus_id(MESSAGE_ID)
        }
        _ => false,
    });
    let shortcut_keys = move || {
        let mut keys = vec![("r", "Write a reply")];
        if session.is_staff() {
            keys.push(("n", "Write an internal note"));
        }
        keys
    };

    let ctx = TicketContext { ticket: current, catalog, conflict, notice, on_saved };
    let watching = TicketWatch { number, draft, reload: Callback::new(move |()| ticket.reload()), notice };
    let max_upload = Signal::derive(move || catalog.max_upload_bytes());

    view! {
        <section class="page desk-ticket" aria-labelledby="ticket-heading">
            <div class="page-head">
                <p class="back"><a href=href(&last_list_href())>"← All tickets"</a></p>
                <ShortcutsButton open=help/>
            </div>
            <Show when=move || conflict.get()>
                <div class="notice notice-error conflict" role="alert" data-testid="conflict">
                    <p>
                        <strong>"Someone else changed this ticket while you were working on it."</strong>
                        " Nothing of yours was saved. Reload the ticket to see their change; your draft \
                         and chosen files stay here, so you can send them again."
                    </p>
                    <button
                        type="button"
                        id="reload-ticket"
                        disabled=move || reloading.get()
                        on:click=move |_| {
                            start_reload();
                        }
                    >
                        {move || if reloading.get() { "Reloading…" } else { "Reload ticket" }}
                    </button>
                    {move || reload.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
                </div>
            </Show>
            {watch.map(|watch| watch(watching))}
            <p class="done" role="status" data-testid="ticket-notice">{move || notice.get()}</p>
            {move || match ticket.get() {
                None => view! { <Loading label="Loading ticket…"/> }.into_any(),
                Some(Err(error)) => view! {
                    <h1 id="ticket-heading">"Ticket "{number.get_untracked()}</h1>
                    <ErrorNotice error retry=Callback::new(move |()| ticket.reload())/>
                }
                .into_any(),
                Some(Ok(_)) => ().into_any(),
            }}
            <Show when=move || loaded.get()>
                <div class="ticket-layout">
                    <div class="ticket-main">
                        {move || current.get().map(|t| view! {
                            <TicketFacts ticket=t.clone()/>
                            <h2>"Conversation"</h2>
                            <Thread entries=t.threads terms=search_terms.get_value()/>
                        })}
                        <Composer
                            number
                            ticket=current
                            catalog
                            draft
                            max_upload
                            conflict
                            extras=reply_extras
                            on_posted=Callback::new(move |()| {
                                // Read back what was stored, in the server's order.
                                ticket.reload();
                            })
                        />
                    </div>
                    {side(ctx)}
                </div>
            </Show>
            {move || view! { <ShortcutsDialog open=help keys=shortcut_keys()/> }}
        </section>
    }
}

/// A guest filed the ticket for the address of an account that has not confirmed it: its customer
/// does not see it until they do (staff do, and may answer by mail).
#[component]
pub fn HeldBadge() -> impl IntoView {
    view! {
        <span class="badge held" data-testid="held"
            title="Filed by a guest for this address: its account sees the ticket once the address is confirmed">
            "held"
        </span>
    }
}

#[component]
fn TicketFacts(ticket: Ticket) -> impl IntoView {
    let state_class = format!("badge state-{}", ticket.status_state.as_str());
    let assigned = if ticket.assigned_to.is_empty() {
        "Nobody".to_owned()
    } else {
        ticket.assigned_to.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ")
    };
    view! {
        <header class="ticket-head">
            <h1 id="ticket-heading" data-testid="ticket-subject">{ticket.subject}</h1>
            <dl class="facts">
                <div><dt>"Number"</dt><dd data-testid="ticket-number">{ticket.ticket_number}</dd></div>
                <div><dt>"Status"</dt><dd><span class=state_class data-testid="ticket-status">{ticket.ticket_status}</span>
                    {ticket.held.then(|| view! { " " <HeldBadge/> })}
                </dd></div>
                <div><dt>"Priority"</dt><dd><span class=priority_class(&ticket.priority) data-testid="ticket-priority">{ticket.priority.clone()}</span></dd></div>
                <div><dt>"Queue"</dt><dd>{ticket.department}</dd></div>
                {ticket.topic.map(|topic| view! { <div><dt>"Topic"</dt><dd>{topic}</dd></div> })}
                <div><dt>"From"</dt><dd>{ticket.user.fullname}</dd></div>
                {ticket.client.map(|c| view! { <div><dt>"Client"</dt><dd data-testid="fact-client">{c.name}</dd></div> })}
                {(!ticket.cc.is_empty()).then(|| {
                    let names = ticket.cc.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ");
                    view! { <div><dt>"Copied"</dt><dd data-testid="ticket-cc">{names}</dd></div> }
                })}
                <div><dt>"Assigned"</dt><dd data-testid="ticket-assigned">{assigned}</dd></div>
                <div><dt>"Created"</dt><dd><When value=ticket.create_timestamp/></dd></div>
                {ticket.resolution.filter(|r| !r.is_empty()).map(|r| view! {
                    <div class="wide"><dt>"Resolution"</dt><dd data-testid="ticket-resolution">{r}</dd></div>
                })}
            </dl>
        </header>
    }
}
