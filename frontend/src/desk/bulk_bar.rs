//! The same change to many tickets at once: assign, change status, close. The server applies a
//! bulk change to all the tickets or to none, so the list is simply reloaded afterwards.

use std::collections::BTreeSet;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::catalog::StatusState;
use shared::tickets::BulkUpdate;
use shared::validate::MessageBody;

use ui::api::{self, ApiError};
use ui::components::catalog::Catalog;
use ui::components::feedback::{focus_field, ErrorNotice, FieldError};
use ui::session::Session;

/// A status change that leaves the open states and waits for its resolution text.
#[derive(Debug, Clone, PartialEq)]
struct PendingStatus {
    status_id: i64,
    label: String,
}

#[component]
pub fn BulkBar(
    /// The ticket numbers on screen.
    rows: Memo<Vec<String>>,
    selected: RwSignal<BTreeSet<String>>,
    catalog: Catalog,
    /// Called after a successful change (the page reloads the list).
    on_done: Callback<()>,
) -> impl IntoView {
    let session = Session::get();
    let count = Memo::new(move |_| selected.with(BTreeSet::len));
    let none_selected = move || count.get() == 0;
    let all_selected = move || {
        let rows = rows.get();
        !rows.is_empty() && selected.with(|s| rows.iter().all(|n| s.contains(n)))
    };
    let some_selected = move || count.get() > 0 && !all_selected();

    let assignee = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let pending_status = RwSignal::new(None::<PendingStatus>);
    let resolution = RwSignal::new(String::new());
    let resolution_error = RwSignal::new(None::<String>);
    let done_message = RwSignal::new(None::<String>);
    let choice_error = RwSignal::new(None::<String>);

    let apply = Action::new_local(move |bulk: &BulkUpdate| {
        let bulk = bulk.clone();
        async move {
            let result = session
                .call(|token| {
                    let bulk = bulk.clone();
                    async move { api::bulk_update(&token, &bulk).await }
                })
                .await?;
            let n = result.updated.len();
            done_message.set(Some(match n {
                0 => "Nothing changed: the tickets were already like that.".to_owned(),
                1 => "1 ticket updated.".to_owned(),
                n => format!("{n} tickets updated."),
            }));
            selected.set(BTreeSet::new());
            pending_status.set(None);
            resolution.set(String::new());
            on_done.try_run(());
            Ok::<(), ApiError>(())
        }
    });
    let pending = apply.pending();

    let numbers = move || selected.get_untracked().into_iter().collect::<Vec<_>>();
    let send = move |bulk: BulkUpdate| {
        done_message.set(None);
        choice_error.set(None);
        apply.dispatch(bulk);
    };

    let on_assign = move |ev: SubmitEvent| {
        ev.prevent_default();
        let me = session.user().map(|u| u.id);
        let ids = match assignee.get_untracked().as_str() {
            "" => {
                choice_error.set(Some("Choose whom to assign the tickets to.".into()));
                focus_field("bulk-assignee");
                return;
            }
            "none" => Vec::new(),
            "me" => me.into_iter().collect(),
            id => id.parse::<i64>().into_iter().collect(),
        };
        send(BulkUpdate { numbers: numbers(), assignee_ids: Some(ids), ..Default::default() });
    };

    let ask_or_send_status = move |status_id: i64| {
        let statuses = catalog.statuses();
        let Some(target) = statuses.into_iter().find(|s| s.id == status_id) else {
            return;
        };
        if target.state.is_active() {
            send(BulkUpdate { numbers: numbers(), status_id: Some(status_id), ..Default::default() });
        } else {
            // Leaving open/pending needs a reason: ask for it before sending anything.
            done_message.set(None);
            resolution_error.set(None);
            pending_status.set(Some(PendingStatus { status_id, label: target.name }));
            request_animation_frame(|| focus_field("bulk-resolution"));
        }
    };

    let on_status = move |ev: SubmitEvent| {
        ev.prevent_default();
        match status.get_untracked().parse::<i64>() {
            Ok(id) => ask_or_send_status(id),
            Err(_) => {
                choice_error.set(Some("Choose the new status.".into()));
                focus_field("bulk-status");
            }
        }
    };

    let on_close = move |_| {
        let closed = catalog.statuses().into_iter().find(|s| s.state == StatusState::Closed).map(|s| s.id).unwrap_or(3);
        ask_or_send_status(closed);
    };

    let on_resolve = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(target) = pending_status.get_untracked() else {
            return;
        };
        let text = match MessageBody::parse(&resolution.get_untracked()) {
            Ok(text) => text.into_inner(),
            Err(reason) => {
                resolution_error.set(Some(format!("Resolution {reason}.")));
                focus_field("bulk-resolution");
                return;
            }
        };
        send(BulkUpdate {
            numbers: numbers(),
            status_id: Some(target.status_id),
            resolution: Some(text),
            ..Default::default()
        });
    };

    view! {
        <section class="bulk-bar" aria-label="Bulk actions" data-testid="bulk-bar">
            <div class="bulk-row">
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid="select-all"
                        prop:checked=all_selected
                        prop:indeterminate=some_selected
                        disabled=move || rows.with(Vec::is_empty)
                        on:change=move |ev| {
                            if event_target_checked(&ev) {
                                selected.set(rows.get_untracked().into_iter().collect());
                            } else {
                                selected.set(BTreeSet::new());
                            }
                        }
                    />
                    "Select all on this page"
                </label>
                <span class="bulk-count" aria-live="polite" data-testid="bulk-count">
                    {move || match count.get() {
                        0 => "No tickets selected".to_owned(),
                        1 => "1 ticket selected".to_owned(),
                        n => format!("{n} tickets selected"),
                    }}
                </span>
            </div>
            // The actions only once something is selected: the bar stays one line otherwise.
            <Show when=move || !none_selected()>
            <div class="bulk-row">
                <form class="bulk-form" on:submit=on_assign>
                    <label for="bulk-assignee">"Assign to"</label>
                    <select
                        id="bulk-assignee"
                        disabled=none_selected
                        on:change=move |ev| assignee.set(event_target_value(&ev))
                    >
                        <option value="" prop:selected=move || assignee.get().is_empty()>"Choose…"</option>
                        <option value="me">"Me"</option>
                        <option value="none">"Nobody (unassign)"</option>
                        {move || catalog
                            .agents()
                            .into_iter()
                            .filter(|a| Some(a.id) != session.user().map(|u| u.id))
                            .map(|a| view! { <option value=a.id.to_string()>{a.fullname}</option> })
                            .collect_view()}
                    </select>
                    <button type="submit" class="secondary" disabled=move || none_selected() || pending.get()>
                        "Assign"
                    </button>
                </form>
                <form class="bulk-form" on:submit=on_status>
                    <label for="bulk-status">"Set status"</label>
                    <select
                        id="bulk-status"
                        disabled=none_selected
                        on:change=move |ev| status.set(event_target_value(&ev))
                    >
                        <option value="" prop:selected=move || status.get().is_empty()>"Choose…"</option>
                        {move || catalog
                            .statuses()
                            .into_iter()
                            .map(|s| view! { <option value=s.id.to_string()>{s.name}</option> })
                            .collect_view()}
                    </select>
                    <button type="submit" class="secondary" disabled=move || none_selected() || pending.get()>
                        "Change status"
                    </button>
                </form>
                <button
                    type="button"
                    class="secondary"
                    data-testid="bulk-close"
                    disabled=move || none_selected() || pending.get()
                    on:click=on_close
                >
                    "Close…"
                </button>
            </div>
            </Show>
            {move || choice_error.get().map(|message| view! {
                <p class="field-error" role="alert">{message}</p>
            })}
            {move || pending_status.get().map(|target| view! {
                <form class="stack bulk-resolution" on:submit=on_resolve>
                    <div class="field">
                        <label for="bulk-resolution">
                            {format!("Resolution for {} (required to set “{}”)", count.get(), target.label)}
                        </label>
                        <textarea
                            id="bulk-resolution"
                            aria-required="true"
                            rows="3"
                            aria-describedby="bulk-resolution-error"
                            aria-invalid=move || resolution_error.get().is_some().to_string()
                            prop:value=move || resolution.get()
                            on:input=move |ev| {
                                resolution.set(event_target_value(&ev));
                                resolution_error.set(None);
                            }
                        ></textarea>
                        <FieldError id="bulk-resolution-error" message=resolution_error.into()/>
                    </div>
                    <div class="button-row">
                        <button type="submit" disabled=move || pending.get() data-testid="bulk-apply">
                            {move || if pending.get() {
                                "Applying…".to_owned()
                            } else {
                                format!("Set “{}” on {} tickets", target.label, count.get())
                            }}
                        </button>
                        <button
                            type="button"
                            class="secondary"
                            on:click=move |_| pending_status.set(None)
                        >
                            "Cancel"
                        </button>
                    </div>
                </form>
            })}
            {move || pending.get().then(|| view! {
                <p class="loading" role="status"><span class="spinner" aria-hidden="true"></span>"Applying…"</p>
            })}
            {move || apply.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
            <p class="done" role="status" data-testid="bulk-done">{move || done_message.get()}</p>
        </section>
    }
}
