//! A client's timeline (NodePoint's CRM): calls, mails, meetings and notes, newest first, each
//! with who logged it and when; added by people at the "Can add client events" threshold.

use leptos::prelude::*;
use shared::clients::{check_notes, check_summary, ClientEvent, ClientEventInput, EventKind, EVENT_SUMMARY_MAX_CHARS};
use shared::settings::Capability;
use ui::components::feedback::{ErrorNotice, Loading};
use ui::components::form::{Checks, FieldErrors, TextArea, TextField};
use ui::crud::{on_submit, send_action, ActionError};
use ui::session::Session;
use ui::task::Task;
use ui::text::When;

use super::{allowed, calls};

/// Events per request; "Show older events" asks for the next page.
const PER_PAGE: u64 = 20;

#[component]
pub fn Timeline(id: i64) -> impl IntoView {
    let session = Session::get();
    let may_add = allowed(Capability::AddClientEvents);
    let events = RwSignal::new(Vec::<ClientEvent>::new());
    let total = RwSignal::new(None::<u64>);
    let next_page = RwSignal::new(1_u64);
    let load = Task::<()>::new();
    let fetch = move |page: u64| {
        load.run(async move {
            let got = calls::page_of::<ClientEvent>(session, calls::events(id, page, PER_PAGE)).await?;
            if page == 1 {
                events.try_set(got.items);
            } else {
                events.try_update(|e| e.extend(got.items));
            }
            total.try_set(Some(got.total));
            next_page.try_set(page + 1);
            Ok(())
        });
    };
    fetch(1);
    let notice = RwSignal::new(None::<String>);
    let added = Callback::new(move |event: ClientEvent| {
        notice.set(Some(format!("{} logged.", event.kind.as_str())));
        fetch(1);
    });
    let more = move || total.get().is_some_and(|t| (events.with(Vec::len) as u64) < t);

    view! {
        <section class="client-section" aria-labelledby="client-events-heading">
            <h2 id="client-events-heading">"Timeline"</h2>
            <Show when=move || may_add.get()>
                <AddEvent client=id on_added=added/>
            </Show>
            <p class="done" role="status" data-testid="events-notice">{move || notice.get()}</p>
            {move || match (total.get(), load.error()) {
                (_, Some(error)) => view! {
                    <ErrorNotice error retry=Callback::new(move |()| fetch(next_page.get_untracked().max(1)))/>
                }
                .into_any(),
                (None, None) => view! { <Loading label="Loading the timeline…"/> }.into_any(),
                (Some(0), None) => view! { <p class="muted" data-testid="no-events">"Nothing logged yet."</p> }.into_any(),
                (Some(_), None) => ().into_any(),
            }}
            <ol class="timeline" data-testid="client-events">
                <For each=move || events.get() key=|e| e.id children=|event| view! { <EventEntry event/> }/>
            </ol>
            <Show when=more>
                <button
                    type="button"
                    class="secondary"
                    disabled=move || load.pending().get()
                    on:click=move |_| fetch(next_page.get_untracked())
                >
                    {move || if load.pending().get() { "Loading…" } else { "Show older events" }}
                </button>
            </Show>
        </section>
    }
}

#[component]
fn EventEntry(event: ClientEvent) -> impl IntoView {
    let kind = event.kind.as_str();
    let who = event.user.map_or_else(|| "a program".to_owned(), |u| u.name);
    view! {
        <li class=format!("timeline-entry event-{}", kind.to_ascii_lowercase()) data-testid="client-event">
            <p class="entry-head">
                <span class="badge event-kind" data-testid="event-kind">{kind}</span>" "
                <strong data-testid="event-summary">{event.summary}</strong>
            </p>
            {(!event.notes.is_empty()).then(|| view! { <p class="pre-wrap" data-testid="event-notes">{event.notes}</p> })}
            <p class="muted" data-testid="event-meta">
                "Logged by "{who}" · "<When value=event.happened/>
            </p>
        </li>
    }
}

/// What happened: its kind, a summary and notes (now, as far as the server knows).
#[component]
fn AddEvent(client: i64, on_added: Callback<ClientEvent>) -> impl IntoView {
    let kind = RwSignal::new(EventKind::Call);
    let summary = RwSignal::new(String::new());
    let notes = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let save = send_action(
        errors,
        move |token: String, input: ClientEventInput| async move {
            calls::add_event(client, &input).read::<ClientEvent>(Some(&token)).await
        },
        move |event: ClientEvent| {
            summary.set(String::new());
            notes.set(String::new());
            on_added.run(event);
        },
    );
    let submit = on_submit(errors, save, move |checks: &mut Checks| {
        let checked_summary =
            checks.check("summary", "event-summary", "Summary", check_summary(&summary.get_untracked()));
        let checked_notes = checks.check("notes", "event-notes", "Notes", check_notes(&notes.get_untracked()));
        Some(ClientEventInput {
            kind: Some(kind.get_untracked().as_str().to_owned()),
            summary: Some(checked_summary?),
            notes: Some(checked_notes?),
            happened: None,
        })
    });
    let pending = save.pending();
    let kind_error = Signal::derive(move || errors.with(|e| e.get("kind").cloned()));
    view! {
        <details class="panel" data-testid="add-event">
            <summary>"Log a call, mail, meeting or note"</summary>
            <form class="stack" novalidate aria-label="Add an event" on:submit=move |ev| submit.run(ev)>
                <div class="field">
                    <label for="event-kind">"Kind"</label>
                    <select id="event-kind" name="kind" aria-describedby="event-kind-error" on:change=move |ev| {
                        if let Ok(chosen) = EventKind::parse(&event_target_value(&ev)) {
                            kind.set(chosen);
                        }
                    }>
                        {EventKind::ALL.into_iter().map(|k| view! {
                            <option value=k.as_str() prop:selected=move || kind.get() == k>{k.as_str()}</option>
                        }).collect_view()}
                    </select>
                    <p class="field-error" id="event-kind-error" aria-live="polite">{move || kind_error.get()}</p>
                </div>
                <TextField id="event-summary" name="summary" label="Summary" value=summary errors required=true
                    maxlength=EVENT_SUMMARY_MAX_CHARS autocomplete="off"/>
                <TextArea id="event-notes" name="notes" label="Notes" value=notes errors rows=3/>
                <ActionError action=save/>
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Adding…" } else { "Add event" }}
                </button>
            </form>
        </details>
    }
}
