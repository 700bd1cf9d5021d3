//! Queues, statuses and priorities: a table each, a form to add one, inline edit, and delete with
//! confirmation (the server refuses to delete one that tickets still use, and says so).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::catalog::{
    check_catalog_name, Priority, PriorityInput, Queue, QueueInput, Status, StatusInput,
    StatusState,
};
use shared::validate::Email;

use super::{parse_order, AdminLayout};
use crate::api::{self, ApiError};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::form::{show_server_errors, Checks, ConfirmButton, FieldErrors, TextField};
use crate::session::Session;

const STATES: [StatusState; 4] = [
    StatusState::Open,
    StatusState::Pending,
    StatusState::Resolved,
    StatusState::Closed,
];

/// Shows a list resource: loading, error with retry, or the rows.
fn list_view<T: Clone + Send + Sync + 'static, V: IntoView + 'static>(
    list: LocalResource<Result<Vec<T>, ApiError>>,
    what: &'static str,
    rows: impl Fn(Vec<T>) -> V + Send + Sync + 'static,
) -> impl IntoView {
    move || match list.get() {
        None => view! { <Loading label=format!("Loading {what}…")/> }.into_any(),
        Some(Err(error)) => {
            view! { <ErrorNotice error retry=Callback::new(move |()| list.refetch())/> }.into_any()
        }
        Some(Ok(items)) if items.is_empty() => {
            view! { <p class="muted">{format!("No {what} yet.")}</p> }.into_any()
        }
        Some(Ok(items)) => rows(items).into_any(),
    }
}

// --- Queues -----------------------------------------------------------------------------------

fn queue_input(checks: &mut Checks, prefix: &str, name: &str, email: &str) -> Option<QueueInput> {
    let name = checks
        .check(
            "name",
            &format!("{prefix}-name"),
            "Name",
            check_catalog_name(name),
        )
        .map(|()| name.trim().to_owned());
    let email = if email.trim().is_empty() {
        Some(None)
    } else {
        checks
            .check(
                "email",
                &format!("{prefix}-email"),
                "Email",
                Email::parse(email),
            )
            .map(|e| Some(e.into_inner()))
    };
    Some(QueueInput {
        name: name?,
        email: email?,
    })
}

#[component]
pub fn QueuesPage() -> impl IntoView {
    let session = Session::get();
    let list: LocalResource<Result<Vec<Queue>, ApiError>> =
        LocalResource::new(move || async move {
            session
                .call(|t| async move { api::admin::queues(&t).await })
                .await
        });
    let changed = Callback::new(move |()| list.refetch());

    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let create = Action::new_local(move |input: &QueueInput| {
        let input = input.clone();
        async move {
            match session
                .call(|t| {
                    let input = input.clone();
                    async move { api::admin::create_queue(&t, &input).await }
                })
                .await
            {
                Ok(_) => {
                    name.set(String::new());
                    email.set(String::new());
                    list.refetch();
                    Ok(())
                }
                Err(error) => {
                    show_server_errors(&error, errors);
                    Err(error)
                }
            }
        }
    });
    let pending = create.pending();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut checks = Checks::default();
        let input = queue_input(
            &mut checks,
            "queue-new",
            &name.get_untracked(),
            &email.get_untracked(),
        );
        if checks.finish(errors) {
            if let Some(input) = input {
                create.dispatch(input);
            }
        }
    };

    view! {
        <AdminLayout title="Queues">
            <p class="muted">"Queues (departments) group tickets; each help topic sends its tickets to one."</p>
            <form class="inline-form" on:submit=on_submit novalidate aria-label="Add a queue" data-testid="create-form">
                <TextField id="queue-new-name" name="name" label="Name" value=name errors required=true maxlength=64/>
                <TextField id="queue-new-email" name="email" label="Email (optional)" value=email errors input_type="email"/>
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Adding…" } else { "Add queue" }}
                </button>
            </form>
            {move || create.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
            {list_view(list, "queues", move |items| view! {
                <table class="admin-table" data-testid="admin-table">
                    <thead><tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr></thead>
                    <tbody>
                        {items.into_iter().map(|queue| view! { <QueueRow queue changed/> }).collect_view()}
                    </tbody>
                </table>
            })}
        </AdminLayout>
    }
}

#[component]
fn QueueRow(queue: Queue, changed: Callback<()>) -> impl IntoView {
    let session = Session::get();
    let id = queue.id;
    let editing = RwSignal::new(false);
    let name = RwSignal::new(queue.name.clone());
    let email = RwSignal::new(queue.email.clone().unwrap_or_default());
    let errors = RwSignal::new(FieldErrors::new());
    let save = Action::new_local(move |input: &QueueInput| {
        let input = input.clone();
        async move {
            match session
                .call(|t| {
                    let input = input.clone();
                    async move { api::admin::update_queue(&t, id, &input).await }
                })
                .await
            {
                Ok(_) => {
                    editing.set(false);
                    changed.try_run(());
                    Ok(())
                }
                Err(error) => {
                    show_server_errors(&error, errors);
                    Err(error)
                }
            }
        }
    });
    let remove = Action::new_local(move |_: &()| async move {
        session
            .call(|t| async move { api::admin::delete_queue(&t, id).await })
            .await?;
        changed.try_run(());
        Ok::<(), ApiError>(())
    });
    let on_save = move |ev: SubmitEvent| {
        ev.prevent_default();
        let prefix = format!("queue-{id}");
        let mut checks = Checks::default();
        let input = queue_input(
            &mut checks,
            &prefix,
            &name.get_untracked(),
            &email.get_untracked(),
        );
        if checks.finish(errors) {
            if let Some(input) = input {
                save.dispatch(input);
            }
        }
    };
    let label = queue.name.clone();
    view! {
        <tr data-testid="admin-row">
            <Show
                when=move || editing.get()
                fallback={
                    let queue = queue.clone();
                    let label = label.clone();
                    move || view! {
                        <td data-label="Name">{queue.name.clone()}</td>
                        <td data-label="Email">{queue.email.clone().unwrap_or_default()}</td>
                        <RowActions what=format!("queue {}", label) editing remove/>
                    }
                }
            >
                <td colspan="3">
                    <form class="inline-form" on:submit=on_save novalidate aria-label=format!("Edit queue {}", label)>
                        <TextField id=format!("queue-{id}-name") name="name" label="Name" value=name errors required=true maxlength=64/>
                        <TextField id=format!("queue-{id}-email") name="email" label="Email (optional)" value=email errors input_type="email"/>
                        <SaveCancel pending=save.pending() editing/>
                    </form>
                    {move || save.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
                </td>
            </Show>
        </tr>
    }
}

/// The actions cell of a row that is not being edited: Edit, Delete (confirmed), and the
/// delete's error when the server refused it.
#[component]
pub fn RowActions(
    #[prop(into)] what: String,
    editing: RwSignal<bool>,
    remove: Action<(), Result<(), ApiError>>,
    #[prop(optional, into)] delete_label: Option<String>,
) -> impl IntoView {
    let pending = remove.pending();
    view! {
        <td class="actions">
            <div class="row-buttons">
                <button type="button" class="secondary" aria-label=format!("Edit {what}") on:click=move |_| editing.set(true)>
                    "Edit"
                </button>
                <ConfirmButton
                    label=delete_label.unwrap_or_else(|| "Delete".to_owned())
                    what=what.clone()
                    on_confirm=Callback::new(move |()| { remove.dispatch(()); })
                    pending
                />
            </div>
            {move || remove.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
        </td>
    }
}

#[component]
pub fn SaveCancel(pending: Memo<bool>, editing: RwSignal<bool>) -> impl IntoView {
    view! {
        <div class="row-buttons">
            <button type="submit" disabled=move || pending.get()>
                {move || if pending.get() { "Saving…" } else { "Save" }}
            </button>
            <button type="button" class="secondary" on:click=move |_| editing.set(false)>"Cancel"</button>
        </div>
    }
}

// --- Statuses ---------------------------------------------------------------------------------

fn status_input(
    checks: &mut Checks,
    prefix: &str,
    name: &str,
    state: StatusState,
    order: &str,
) -> Option<StatusInput> {
    let name = checks
        .check(
            "name",
            &format!("{prefix}-name"),
            "Name",
            check_catalog_name(name),
        )
        .map(|()| name.trim().to_owned());
    let sort = checks.check(
        "sort",
        &format!("{prefix}-sort"),
        "Order",
        parse_order(order),
    );
    Some(StatusInput {
        name: name?,
        state: state.as_str().to_owned(),
        sort: sort?,
    })
}

#[component]
fn StateSelect(
    #[prop(into)] id: String,
    value: RwSignal<StatusState>,
    #[prop(optional)] locked: bool,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id.clone()>"State"</label>
            <select id=id disabled=locked on:change=move |ev| {
                if let Some(state) = StatusState::parse(&event_target_value(&ev)) {
                    value.set(state);
                }
            }>
                {STATES.into_iter().map(|state| view! {
                    <option value=state.as_str() selected=move || value.get() == state>{state_label(state)}</option>
                }).collect_view()}
            </select>
        </div>
    }
}

fn state_label(state: StatusState) -> &'static str {
    match state {
        StatusState::Open => "Open",
        StatusState::Pending => "Pending",
        StatusState::Resolved => "Resolved",
        StatusState::Closed => "Closed",
    }
}

/// Open, Resolved and Closed (ids 1–3) are built in: their state cannot change.
fn is_builtin_status(id: i64) -> bool {
    (1..=3).contains(&id)
}

#[component]
pub fn StatusesPage() -> impl IntoView {
    let session = Session::get();
    let list: LocalResource<Result<Vec<Status>, ApiError>> =
        LocalResource::new(move || async move {
            session
                .call(|t| async move { api::admin::statuses(&t).await })
                .await
        });
    let changed = Callback::new(move |()| list.refetch());
    let name = RwSignal::new(String::new());
    let state = RwSignal::new(StatusState::Pending);
    let order = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let create = Action::new_local(move |input: &StatusInput| {
        let input = input.clone();
        async move {
            match session
                .call(|t| {
                    let input = input.clone();
                    async move { api::admin::create_status(&t, &input).await }
                })
                .await
            {
                Ok(_) => {
                    name.set(String::new());
                    order.set(String::new());
                    list.refetch();
                    Ok(())
                }
                Err(error) => {
                    show_server_errors(&error, errors);
                    Err(error)
                }
            }
        }
    });
    let pending = create.pending();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut checks = Checks::default();
        let input = status_input(
            &mut checks,
            "status-new",
            &name.get_untracked(),
            state.get_untracked(),
            &order.get_untracked(),
        );
        if checks.finish(errors) {
            if let Some(input) = input {
                create.dispatch(input);
            }
        }
    };
    view! {
        <AdminLayout title="Statuses">
            <p class="muted">
                "Each status belongs to a state: open and pending tickets still need work; resolved and "
                "closed ones are done. Open, Resolved and Closed are built in."
            </p>
            <form class="inline-form" on:submit=on_submit novalidate aria-label="Add a status" data-testid="create-form">
                <TextField id="status-new-name" name="name" label="Name" value=name errors required=true maxlength=64/>
                <StateSelect id="status-new-state" value=state/>
                <TextField id="status-new-sort" name="sort" label="Order (optional)" value=order errors inputmode="numeric"/>
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Adding…" } else { "Add status" }}
                </button>
            </form>
            {move || create.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
            {list_view(list, "statuses", move |items| view! {
                <table class="admin-table" data-testid="admin-table">
                    <thead><tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Order"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr></thead>
                    <tbody>
                        {items.into_iter().map(|status| view! { <StatusRow status changed/> }).collect_view()}
                    </tbody>
                </table>
            })}
        </AdminLayout>
    }
}

#[component]
fn StatusRow(status: Status, changed: Callback<()>) -> impl IntoView {
    let session = Session::get();
    let id = status.id;
    let editing = RwSignal::new(false);
    let name = RwSignal::new(status.name.clone());
    let state = RwSignal::new(status.state);
    let order = RwSignal::new(status.sort.to_string());
    let errors = RwSignal::new(FieldErrors::new());
    let save = Action::new_local(move |input: &StatusInput| {
        let input = input.clone();
        async move {
            match session
                .call(|t| {
                    let input = input.clone();
                    async move { api::admin::update_status(&t, id, &input).await }
                })
                .await
            {
                Ok(_) => {
                    editing.set(false);
                    changed.try_run(());
                    Ok(())
                }
                Err(error) => {
                    show_server_errors(&error, errors);
                    Err(error)
                }
            }
        }
    });
    let remove = Action::new_local(move |_: &()| async move {
        session
            .call(|t| async move { api::admin::delete_status(&t, id).await })
            .await?;
        changed.try_run(());
        Ok::<(), ApiError>(())
    });
    let on_save = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut checks = Checks::default();
        let input = status_input(
            &mut checks,
            &format!("status-{id}"),
            &name.get_untracked(),
            state.get_untracked(),
            &order.get_untracked(),
        );
        if checks.finish(errors) {
            if let Some(input) = input {
                save.dispatch(input);
            }
        }
    };
    let label = status.name.clone();
    view! {
        <tr data-testid="admin-row">
            <Show
                when=move || editing.get()
                fallback={
                    let status = status.clone();
                    let label = label.clone();
                    move || view! {
                        <td data-label="Name">{status.name.clone()}</td>
                        <td data-label="State"><span class=format!("badge state-{}", status.state.as_str())>{state_label(status.state)}</span></td>
                        <td data-label="Order">{status.sort}</td>
                        <RowActions what=format!("status {}", label) editing remove/>
                    }
                }
            >
                <td colspan="4">
                    <form class="inline-form" on:submit=on_save novalidate aria-label=format!("Edit status {}", label)>
                        <TextField id=format!("status-{id}-name") name="name" label="Name" value=name errors required=true maxlength=64/>
                        <StateSelect id=format!("status-{id}-state") value=state locked=is_builtin_status(id)/>
                        <TextField id=format!("status-{id}-sort") name="sort" label="Order" value=order errors inputmode="numeric"/>
                        <SaveCancel pending=save.pending() editing/>
                    </form>
                    {move || save.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
                </td>
            </Show>
        </tr>
    }
}

// --- Priorities -------------------------------------------------------------------------------

fn priority_input(
    checks: &mut Checks,
    prefix: &str,
    name: &str,
    order: &str,
) -> Option<PriorityInput> {
    let name = checks
        .check(
            "name",
            &format!("{prefix}-name"),
            "Name",
            check_catalog_name(name),
        )
        .map(|()| name.trim().to_owned());
    let sort = checks.check(
        "sort",
        &format!("{prefix}-sort"),
        "Order",
        parse_order(order),
    );
    Some(PriorityInput {
        name: name?,
        sort: sort?,
    })
}

#[component]
pub fn PrioritiesPage() -> impl IntoView {
    let session = Session::get();
    let list: LocalResource<Result<Vec<Priority>, ApiError>> =
        LocalResource::new(move || async move {
            session
                .call(|t| async move { api::admin::priorities(&t).await })
                .await
        });
    let changed = Callback::new(move |()| list.refetch());
    let name = RwSignal::new(String::new());
    let order = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let create = Action::new_local(move |input: &PriorityInput| {
        let input = input.clone();
        async move {
            match session
                .call(|t| {
                    let input = input.clone();
                    async move { api::admin::create_priority(&t, &input).await }
                })
                .await
            {
                Ok(_) => {
                    name.set(String::new());
                    order.set(String::new());
                    list.refetch();
                    Ok(())
                }
                Err(error) => {
                    show_server_errors(&error, errors);
                    Err(error)
                }
            }
        }
    });
    let pending = create.pending();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut checks = Checks::default();
        let input = priority_input(
            &mut checks,
            "priority-new",
            &name.get_untracked(),
            &order.get_untracked(),
        );
        if checks.finish(errors) {
            if let Some(input) = input {
                create.dispatch(input);
            }
        }
    };
    view! {
        <AdminLayout title="Priorities">
            <p class="muted">"A higher order means more urgent; sorting tickets by priority uses it."</p>
            <form class="inline-form" on:submit=on_submit novalidate aria-label="Add a priority" data-testid="create-form">
                <TextField id="priority-new-name" name="name" label="Name" value=name errors required=true maxlength=64/>
                <TextField id="priority-new-sort" name="sort" label="Order (optional)" value=order errors inputmode="numeric"/>
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Adding…" } else { "Add priority" }}
                </button>
            </form>
            {move || create.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
            {list_view(list, "priorities", move |items| view! {
                <table class="admin-table" data-testid="admin-table">
                    <thead><tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Order"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr></thead>
                    <tbody>
                        {items.into_iter().map(|priority| view! { <PriorityRow priority changed/> }).collect_view()}
                    </tbody>
                </table>
            })}
        </AdminLayout>
    }
}

#[component]
fn PriorityRow(priority: Priority, changed: Callback<()>) -> impl IntoView {
    let session = Session::get();
    let id = priority.id;
    let editing = RwSignal::new(false);
    let name = RwSignal::new(priority.name.clone());
    let order = RwSignal::new(priority.sort.to_string());
    let errors = RwSignal::new(FieldErrors::new());
    let save = Action::new_local(move |input: &PriorityInput| {
        let input = input.clone();
        async move {
            match session
                .call(|t| {
                    let input = input.clone();
                    async move { api::admin::update_priority(&t, id, &input).await }
                })
                .await
            {
                Ok(_) => {
                    editing.set(false);
                    changed.try_run(());
                    Ok(())
                }
                Err(error) => {
                    show_server_errors(&error, errors);
                    Err(error)
                }
            }
        }
    });
    let remove = Action::new_local(move |_: &()| async move {
        session
            .call(|t| async move { api::admin::delete_priority(&t, id).await })
            .await?;
        changed.try_run(());
        Ok::<(), ApiError>(())
    });
    let on_save = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut checks = Checks::default();
        let input = priority_input(
            &mut checks,
            &format!("priority-{id}"),
            &name.get_untracked(),
            &order.get_untracked(),
        );
        if checks.finish(errors) {
            if let Some(input) = input {
                save.dispatch(input);
            }
        }
    };
    let label = priority.name.clone();
    view! {
        <tr data-testid="admin-row">
            <Show
                when=move || editing.get()
                fallback={
                    let priority = priority.clone();
                    let label = label.clone();
                    move || view! {
                        <td data-label="Name">{priority.name.clone()}</td>
                        <td data-label="Order">{priority.sort}</td>
                        <RowActions what=format!("priority {}", label) editing remove/>
                    }
                }
            >
                <td colspan="3">
                    <form class="inline-form" on:submit=on_save novalidate aria-label=format!("Edit priority {}", label)>
                        <TextField id=format!("priority-{id}-name") name="name" label="Name" value=name errors required=true maxlength=64/>
                        <TextField id=format!("priority-{id}-sort") name="sort" label="Order" value=order errors inputmode="numeric"/>
                        <SaveCancel pending=save.pending() editing/>
                    </form>
                    {move || save.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
                </td>
            </Show>
        </tr>
    }
}
