//! The agents' side panel of a ticket: the customer (`customer_panel`), the client and contact
//! (`ticket_client`), the assignees, following, status and the other fields, time spent, and
//! deleting it (`delete_ticket`). (Close and reopen for customers, and the plumbing every change
//! goes through, are `ui`'s `ticket_actions`.)

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::tickets::{TicketUpdate, TIME_SPENT_MAX_MINUTES};
use shared::validate::MessageBody;
use ui::components::feedback::{focus_field, ErrorNotice, FieldError};
use ui::components::form::ResolutionField;
use ui::components::icon::Icon;
use ui::components::ticket_actions::{action_error, change_action, version, Change, TicketContext};
use ui::session::Session;

use crate::customer_panel::CustomerPanel;
use crate::delete_ticket::DeleteTicket;
use crate::ticket_client::ClientPanel;

/// The panel, as the ticket page draws it.
pub fn staff_side(ctx: TicketContext) -> AnyView {
    view! {
        <aside class="ticket-side" aria-label="Ticket actions" data-testid="ticket-side">
            <CustomerPanel ctx/>
            <ClientPanel ctx/>
            <Assignees ctx/>
            <Following ctx/>
            <Properties ctx/>
            <TimeSpent ctx/>
            <DeleteTicket ctx/>
        </aside>
    }
    .into_any()
}

#[component]
fn Assignees(ctx: TicketContext) -> impl IntoView {
    let session = Session::get();
    let me = Memo::new(move |_| session.user().map(|u| u.id));
    let action = change_action(ctx, "Assignees saved.");
    let pending = action.pending();
    let chosen = RwSignal::new(String::new());
    let choose_error = RwSignal::new(None::<String>);
    let assigned = Memo::new(move |_| ctx.ticket.get().map(|t| t.assigned_to).unwrap_or_default());
    let ids = move || assigned.get_untracked().iter().map(|a| a.id).collect::<Vec<_>>();
    let send = move |assignee_ids: Vec<i64>| {
        action.dispatch(Change::Update(TicketUpdate {
            assignee_ids: Some(assignee_ids),
            version: version(ctx),
            ..Default::default()
        }));
    };
    let on_assign = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Ok(id) = chosen.get_untracked().parse::<i64>() else {
            choose_error.set(Some("Choose an agent first.".into()));
            focus_field("assign-agent");
            return;
        };
        choose_error.set(None);
        let mut list = ids();
        if !list.contains(&id) {
            list.push(id);
        }
        chosen.set(String::new());
        send(list);
    };
    let is_mine = move || me.get().is_some_and(|id| assigned.get().iter().any(|a| a.id == id));

    view! {
        <section class="side-section" aria-labelledby="assignees-heading">
            <h2 id="assignees-heading">"Assignees"</h2>
            <Show
                when=move || !assigned.get().is_empty()
                fallback=|| view! { <p class="muted" data-testid="no-assignees">"Nobody yet."</p> }
            >
                <ul class="people" data-testid="assignees">
                    <For
                        each=move || assigned.get()
                        key=|a| a.id
                        children=move |a| {
                            let id = a.id;
                            view! {
                                <li>
                                    <span>{a.name.clone()}</span>
                                    <button
                                        type="button"
                                        class="icon"
                                        aria-label=format!("Unassign {}", a.name)
                                        disabled=move || pending.get()
                                        on:click=move |_| {
                                            send(ids().into_iter().filter(|x| *x != id).collect());
                                            focus_field("assign-agent");
                                        }
                                    >
                                        "×"
                                    </button>
                                </li>
                            }
                        }
                    />
                </ul>
            </Show>
            <Show when=move || !is_mine()>
                <button
                    type="button"
                    class="secondary"
                    disabled=move || pending.get()
                    on:click=move |_| {
                        if let Some(id) = me.get_untracked() {
                            let mut list = ids();
                            list.push(id);
                            send(list);
                        }
                    }
                >
                    <Icon name="user-plus"/>
                    "Assign to me"
                </button>
            </Show>
            <form class="inline-form" on:submit=on_assign>
                <div class="field">
                    <label for="assign-agent">"Add an agent"</label>
                    <select
                        id="assign-agent"
                        aria-describedby="assign-agent-error"
                        on:change=move |ev| {
                            chosen.set(event_target_value(&ev));
                            choose_error.set(None);
                        }
                    >
                        <option value="" prop:selected=move || chosen.get().is_empty()>
                            {move || if ctx.catalog.agents_loading() { "Loading agents…" } else { "Choose an agent…" }}
                        </option>
                        {move || {
                            let taken = assigned.get();
                            ctx.catalog
                                .agents()
                                .into_iter()
                                .filter(|agent| !taken.iter().any(|a| a.id == agent.id))
                                .map(|agent| view! { <option value=agent.id.to_string()>{agent.fullname}</option> })
                                .collect_view()
                        }}
                    </select>
                    <FieldError id="assign-agent-error" message=choose_error.into()/>
                </div>
                <button type="submit" class="secondary" disabled=move || pending.get()>
                    {move || if pending.get() { "Saving…" } else { "Assign" }}
                </button>
            </form>
            {move || ctx.catalog.agents_error().map(|error| view! { <ErrorNotice error/> })}
            {action_error(action)}
        </section>
    }
}

#[component]
fn Following(ctx: TicketContext) -> impl IntoView {
    let session = Session::get();
    let action = change_action(ctx, "Following updated.");
    let pending = action.pending();
    let following = Memo::new(move |_| {
        let me = session.user().map(|u| u.id);
        ctx.ticket.get().is_some_and(|t| t.followers.iter().any(|f| Some(f.id) == me))
    });
    let count = Memo::new(move |_| ctx.ticket.get().map(|t| t.followers.len()).unwrap_or(0));
    view! {
        <section class="side-section" aria-labelledby="follow-heading">
            <h2 id="follow-heading">"Following"</h2>
            <p class="muted">
                {move || match count.get() {
                    0 => "Nobody follows this ticket.".to_owned(),
                    1 => "1 person follows this ticket.".to_owned(),
                    n => format!("{n} people follow this ticket."),
                }}
            </p>
            <button
                type="button"
                class="secondary"
                aria-pressed=move || following.get().to_string()
                disabled=move || pending.get()
                data-testid="follow-toggle"
                on:click=move |_| {
                    action.dispatch(Change::Follow(!following.get_untracked()));
                }
            >
                <Icon name="eye"/>
                {move || match (pending.get(), following.get()) {
                    (true, _) => "Saving…",
                    (false, true) => "Unfollow",
                    (false, false) => "Follow",
                }}
            </button>
            {action_error(action)}
        </section>
    }
}

#[component]
fn Properties(ctx: TicketContext) -> impl IntoView {
    let action = change_action(ctx, "Changes saved.");
    let pending = action.pending();
    let status = RwSignal::new(0i64);
    let priority = RwSignal::new(0i64);
    let topic = RwSignal::new(None::<i64>);
    let queue = RwSignal::new(0i64);
    let resolution = RwSignal::new(String::new());
    let resolution_error = RwSignal::new(None::<String>);
    let nothing = RwSignal::new(false);

    // Start from the ticket as stored, and again whenever it changes (a save, a reload).
    Effect::new(move |_| {
        if let Some(t) = ctx.ticket.get() {
            status.set(t.status_id);
            priority.set(t.priority_id);
            topic.set(t.topic_id);
            queue.set(t.queue_id);
            resolution.set(String::new());
            resolution_error.set(None);
        }
    });

    // The resolution is asked for when the chosen status leaves the open states.
    let leaving_active = Memo::new(move |_| {
        let Some(t) = ctx.ticket.get() else {
            return false;
        };
        let chosen = status.get();
        chosen != t.status_id
            && t.status_state.is_active()
            && ctx.catalog.status_state(chosen).is_some_and(|s| !s.is_active())
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        nothing.set(false);
        let Some(t) = ctx.ticket.get_untracked() else {
            return;
        };
        let mut update = TicketUpdate { version: Some(t.version), ..Default::default() };
        let mut changed = false;
        if status.get_untracked() != t.status_id {
            update.status_id = Some(status.get_untracked());
            changed = true;
            if leaving_active.get_untracked() {
                match MessageBody::parse(&resolution.get_untracked()) {
                    Ok(text) => update.resolution = Some(text.into_inner()),
                    Err(reason) => {
                        resolution_error
                            .set(Some(format!("A resolution is needed to leave the open states: it {reason}.")));
                        focus_field("ticket-resolution");
                        return;
                    }
                }
            } else if !resolution.get_untracked().trim().is_empty() {
                update.resolution = Some(resolution.get_untracked().trim().to_owned());
            }
        }
        if priority.get_untracked() != t.priority_id {
            update.priority = Some(priority.get_untracked().to_string());
            changed = true;
        }
        if let Some(id) = topic.get_untracked().filter(|id| Some(*id) != t.topic_id) {
            update.topic_id = Some(id);
            changed = true;
        }
        if queue.get_untracked() != t.queue_id {
            update.queue_id = Some(queue.get_untracked());
            changed = true;
        }
        if !changed {
            nothing.set(true);
            return;
        }
        resolution_error.set(None);
        action.dispatch(Change::Update(update));
    };

    let current_topic = Memo::new(move |_| ctx.ticket.get().and_then(|t| t.topic_id.zip(t.topic)));

    view! {
        <section class="side-section" aria-labelledby="props-heading">
            <h2 id="props-heading">"Status and fields"</h2>
            <form class="stack" novalidate on:submit=on_submit data-testid="ticket-properties">
                <div class="field">
                    <label for="ticket-status">"Status"</label>
                    <select
                        id="ticket-status"
                        on:change=move |ev| {
                            if let Ok(id) = event_target_value(&ev).parse() {
                                status.set(id);
                                resolution_error.set(None);
                            }
                        }
                    >
                        {move || ctx.catalog
                            .statuses()
                            .into_iter()
                            .map(|s| {
                                let id = s.id;
                                view! {
                                    <option value=id.to_string() prop:selected=move || status.get() == id>
                                        {s.name}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <Show when=move || leaving_active.get()>
                    <ResolutionField id="ticket-resolution" value=resolution error=resolution_error/>
                </Show>
                <div class="field">
                    <label for="ticket-priority">"Priority"</label>
                    <select
                        id="ticket-priority"
                        on:change=move |ev| {
                            if let Ok(id) = event_target_value(&ev).parse() {
                                priority.set(id);
                            }
                        }
                    >
                        {move || ctx.catalog
                            .priorities()
                            .into_iter()
                            .map(|p| {
                                let id = p.id;
                                view! {
                                    <option value=id.to_string() prop:selected=move || priority.get() == id>
                                        {p.name}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="ticket-topic">"Topic"</label>
                    <select
                        id="ticket-topic"
                        on:change=move |ev| topic.set(event_target_value(&ev).parse().ok())
                    >
                        <option value="" disabled prop:selected=move || topic.get().is_none()>"No topic"</option>
                        {move || {
                            let mut topics: Vec<(i64, String)> = ctx
                                .catalog
                                .topics()
                                .into_iter()
                                .map(|t| (t.id, t.value))
                                .collect();
                            // An inactive topic stays on its tickets; keep it choosable there.
                            if let Some((id, name)) = current_topic.get() {
                                if !topics.iter().any(|(t, _)| *t == id) {
                                    topics.push((id, name));
                                }
                            }
                            topics
                                .into_iter()
                                .map(|(id, name)| view! {
                                    <option value=id.to_string() prop:selected=move || topic.get() == Some(id)>
                                        {name}
                                    </option>
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
                <div class="field">
                    <label for="ticket-queue">"Queue"</label>
                    <select
                        id="ticket-queue"
                        on:change=move |ev| {
                            if let Ok(id) = event_target_value(&ev).parse() {
                                queue.set(id);
                            }
                        }
                    >
                        {move || {
                            let mut queues: Vec<(i64, String)> = ctx
                                .catalog
                                .queues()
                                .into_iter()
                                .map(|q| (q.id, q.name))
                                .collect();
                            if let Some(t) = ctx.ticket.get() {
                                if !queues.iter().any(|(id, _)| *id == t.queue_id) {
                                    queues.push((t.queue_id, t.department));
                                }
                            }
                            queues
                                .into_iter()
                                .map(|(id, name)| view! {
                                    <option value=id.to_string() prop:selected=move || queue.get() == id>
                                        {name}
                                    </option>
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
                <button type="submit" disabled=move || pending.get() data-testid="save-properties">
                    {move || if pending.get() { "Saving…" } else { "Save changes" }}
                </button>
                <Show when=move || nothing.get()>
                    <p class="muted" role="status">"Nothing changed, so nothing was saved."</p>
                </Show>
            </form>
            {action_error(action)}
        </section>
    }
}

#[component]
fn TimeSpent(ctx: TicketContext) -> impl IntoView {
    let action = change_action(ctx, "Time added.");
    let pending = action.pending();
    let minutes = RwSignal::new(String::new());
    let minutes_error = RwSignal::new(None::<String>);
    let total = Memo::new(move |_| ctx.ticket.get().map(|t| t.time_spent).unwrap_or(0));
    // A successful save clears the field.
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(()))) {
            minutes.set(String::new());
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let value = minutes.get_untracked();
        match value.trim().parse::<i64>() {
            Ok(n) if (1..=TIME_SPENT_MAX_MINUTES).contains(&n) => {
                minutes_error.set(None);
                action.dispatch(Change::Update(TicketUpdate {
                    time_spent: Some(n),
                    version: version(ctx),
                    ..Default::default()
                }));
            }
            _ => {
                minutes_error.set(Some(format!("Enter whole minutes from 1 to {TIME_SPENT_MAX_MINUTES}.")));
                focus_field("time-minutes");
            }
        }
    };
    view! {
        <section class="side-section" aria-labelledby="time-heading">
            <h2 id="time-heading">"Time spent"</h2>
            <p data-testid="time-spent">{move || duration(total.get())}</p>
            <form class="inline-form" novalidate on:submit=on_submit>
                <div class="field">
                    <label for="time-minutes">"Add minutes"</label>
                    <input
                        id="time-minutes"
                        type="number"
                        inputmode="numeric"
                        min="1"
                        max=TIME_SPENT_MAX_MINUTES.to_string()
                        step="1"
                        aria-describedby="time-minutes-error"
                        aria-invalid=move || minutes_error.get().is_some().to_string()
                        prop:value=move || minutes.get()
                        on:input=move |ev| {
                            minutes.set(event_target_value(&ev));
                            minutes_error.set(None);
                        }
                    />
                    <FieldError id="time-minutes-error" message=minutes_error.into()/>
                </div>
                <button type="submit" class="secondary" disabled=move || pending.get()>
                    {move || if pending.get() { "Saving…" } else { "Add time" }}
                </button>
            </form>
            {action_error(action)}
        </section>
    }
}

/// `95` → `1 h 35 min`.
fn duration(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}
