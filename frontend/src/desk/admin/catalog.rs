//! Queues, statuses and priorities: a table each, a form to add one, inline edit, and delete with
//! confirmation (the server refuses to delete one that tickets still use, and says so).

use leptos::prelude::*;
use shared::catalog::{
    check_catalog_name, Priority, PriorityInput, Queue, QueueInput, Status, StatusInput, StatusState,
};
use shared::validate::Email;

use super::{parse_order, AdminLayout};
use ui::api;
use ui::components::form::{Checks, FieldErrors, TextField};
use ui::crud::{list_table, load_list, on_submit, send_action, ActionError, CreateForm, EditableRow, RowEdit};

const STATES: [StatusState; 4] = [StatusState::Open, StatusState::Pending, StatusState::Resolved, StatusState::Closed];

// --- Queues -----------------------------------------------------------------------------------

fn queue_input(checks: &mut Checks, prefix: &str, name: &str, email: &str) -> Option<QueueInput> {
    let name = checks
        .check("name", &format!("{prefix}-name"), "Name", check_catalog_name(name))
        .map(|()| name.trim().to_owned());
    let email = if email.trim().is_empty() {
        Some(None)
    } else {
        checks.check("email", &format!("{prefix}-email"), "Email", Email::parse(email)).map(|e| Some(e.into_inner()))
    };
    Some(QueueInput { name: name?, email: email? })
}

#[component]
pub fn QueuesPage() -> impl IntoView {
    let list = load_list(|t| async move { api::admin::queues(&t).await });
    let changed = Callback::new(move |()| list.refetch());
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let create = send_action(
        errors,
        |t, input: QueueInput| async move { api::admin::create_queue(&t, &input).await },
        move |_| {
            name.set(String::new());
            email.set(String::new());
            list.refetch();
        },
    );
    let submit = on_submit(errors, create, move |checks| {
        queue_input(checks, "queue-new", &name.get_untracked(), &email.get_untracked())
    });
    view! {
        <AdminLayout title="Queues">
            <p class="muted">"Queues (departments) group tickets; each help topic sends its tickets to one."</p>
            <CreateForm label="Add a queue" button="Add queue" action=create on_submit=submit>
                <TextField id="queue-new-name" name="name" label="Name" value=name errors required=true maxlength=64/>
                <TextField id="queue-new-email" name="email" label="Email (optional)" value=email errors input_type="email"/>
            </CreateForm>
            <ActionError action=create/>
            {list_table(list, ("queues", "queues"), &["Name", "Email"], move |items| {
                items.into_iter().map(|queue| view! { <QueueRow queue changed/> }).collect_view()
            })}
        </AdminLayout>
    }
}

#[component]
fn QueueRow(queue: Queue, changed: Callback<()>) -> impl IntoView {
    let id = queue.id;
    let edit = RowEdit::new(
        changed,
        move |t, input: QueueInput| async move { api::admin::update_queue(&t, id, &input).await },
        move |t| async move { api::admin::delete_queue(&t, id).await },
        |_| {},
    );
    let errors = edit.errors;
    let name = RwSignal::new(queue.name.clone());
    let email = RwSignal::new(queue.email.clone().unwrap_or_default());
    let on_save = on_submit(errors, edit.save, move |checks| {
        let prefix = format!("queue-{id}");
        queue_input(checks, &prefix, &name.get_untracked(), &email.get_untracked())
    });
    view! {
        <EditableRow edit what=format!("queue {}", queue.name) colspan=3 on_save
            cells=move || view! {
                <td data-label="Name">{queue.name.clone()}</td>
                <td data-label="Email">{queue.email.clone().unwrap_or_default()}</td>
            }
            fields=move || view! {
                <TextField id=format!("queue-{id}-name") name="name" label="Name" value=name errors required=true maxlength=64/>
                <TextField id=format!("queue-{id}-email") name="email" label="Email (optional)" value=email errors input_type="email"/>
            }
        />
    }
}

// --- Statuses ---------------------------------------------------------------------------------

fn status_input(checks: &mut Checks, prefix: &str, name: &str, state: StatusState, order: &str) -> Option<StatusInput> {
    let name = checks
        .check("name", &format!("{prefix}-name"), "Name", check_catalog_name(name))
        .map(|()| name.trim().to_owned());
    let sort = checks.check("sort", &format!("{prefix}-sort"), "Order", parse_order(order));
    Some(StatusInput { name: name?, state: state.as_str().to_owned(), sort: sort? })
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
    let list = load_list(|t| async move { api::admin::statuses(&t).await });
    let changed = Callback::new(move |()| list.refetch());
    let name = RwSignal::new(String::new());
    let state = RwSignal::new(StatusState::Pending);
    let order = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let create = send_action(
        errors,
        |t, input: StatusInput| async move { api::admin::create_status(&t, &input).await },
        move |_| {
            name.set(String::new());
            order.set(String::new());
            list.refetch();
        },
    );
    let submit = on_submit(errors, create, move |checks| {
        status_input(checks, "status-new", &name.get_untracked(), state.get_untracked(), &order.get_untracked())
    });
    view! {
        <AdminLayout title="Statuses">
            <p class="muted">
                "Each status belongs to a state: open and pending tickets still need work; resolved and "
                "closed ones are done. Open, Resolved and Closed are built in."
            </p>
            <CreateForm label="Add a status" button="Add status" action=create on_submit=submit>
                <TextField id="status-new-name" name="name" label="Name" value=name errors required=true maxlength=64/>
                <StateSelect id="status-new-state" value=state/>
                <TextField id="status-new-sort" name="sort" label="Order (optional)" value=order errors inputmode="numeric"/>
            </CreateForm>
            <ActionError action=create/>
            {list_table(list, ("statuses", "statuses"), &["Name", "State", "Order"], move |items| {
                items.into_iter().map(|status| view! { <StatusRow status changed/> }).collect_view()
            })}
        </AdminLayout>
    }
}

#[component]
fn StatusRow(status: Status, changed: Callback<()>) -> impl IntoView {
    let id = status.id;
    let edit = RowEdit::new(
        changed,
        move |t, input: StatusInput| async move { api::admin::update_status(&t, id, &input).await },
        move |t| async move { api::admin::delete_status(&t, id).await },
        |_| {},
    );
    let errors = edit.errors;
    let name = RwSignal::new(status.name.clone());
    let state = RwSignal::new(status.state);
    let order = RwSignal::new(status.sort.to_string());
    let on_save = on_submit(errors, edit.save, move |checks| {
        status_input(
            checks,
            &format!("status-{id}"),
            &name.get_untracked(),
            state.get_untracked(),
            &order.get_untracked(),
        )
    });
    view! {
        <EditableRow edit what=format!("status {}", status.name) colspan=4 on_save
            cells=move || view! {
                <td data-label="Name">{status.name.clone()}</td>
                <td data-label="State"><span class=format!("badge state-{}", status.state.as_str())>{state_label(status.state)}</span></td>
                <td data-label="Order">{status.sort}</td>
            }
            fields=move || view! {
                <TextField id=format!("status-{id}-name") name="name" label="Name" value=name errors required=true maxlength=64/>
                <StateSelect id=format!("status-{id}-state") value=state locked=is_builtin_status(id)/>
                <TextField id=format!("status-{id}-sort") name="sort" label="Order" value=order errors inputmode="numeric"/>
            }
        />
    }
}

// --- Priorities -------------------------------------------------------------------------------

fn priority_input(checks: &mut Checks, prefix: &str, name: &str, order: &str) -> Option<PriorityInput> {
    let name = checks
        .check("name", &format!("{prefix}-name"), "Name", check_catalog_name(name))
        .map(|()| name.trim().to_owned());
    let sort = checks.check("sort", &format!("{prefix}-sort"), "Order", parse_order(order));
    Some(PriorityInput { name: name?, sort: sort? })
}

#[component]
pub fn PrioritiesPage() -> impl IntoView {
    let list = load_list(|t| async move { api::admin::priorities(&t).await });
    let changed = Callback::new(move |()| list.refetch());
    let name = RwSignal::new(String::new());
    let order = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let create = send_action(
        errors,
        |t, input: PriorityInput| async move { api::admin::create_priority(&t, &input).await },
        move |_| {
            name.set(String::new());
            order.set(String::new());
            list.refetch();
        },
    );
    let submit = on_submit(errors, create, move |checks| {
        priority_input(checks, "priority-new", &name.get_untracked(), &order.get_untracked())
    });
    view! {
        <AdminLayout title="Priorities">
            <p class="muted">"A higher order means more urgent; sorting tickets by priority uses it."</p>
            <CreateForm label="Add a priority" button="Add priority" action=create on_submit=submit>
                <TextField id="priority-new-name" name="name" label="Name" value=name errors required=true maxlength=64/>
                <TextField id="priority-new-sort" name="sort" label="Order (optional)" value=order errors inputmode="numeric"/>
            </CreateForm>
            <ActionError action=create/>
            {list_table(list, ("priorities", "priorities"), &["Name", "Order"], move |items| {
                items.into_iter().map(|priority| view! { <PriorityRow priority changed/> }).collect_view()
            })}
        </AdminLayout>
    }
}

#[component]
fn PriorityRow(priority: Priority, changed: Callback<()>) -> impl IntoView {
    let id = priority.id;
    let edit = RowEdit::new(
        changed,
        move |t, input: PriorityInput| async move { api::admin::update_priority(&t, id, &input).await },
        move |t| async move { api::admin::delete_priority(&t, id).await },
        |_| {},
    );
    let errors = edit.errors;
    let name = RwSignal::new(priority.name.clone());
    let order = RwSignal::new(priority.sort.to_string());
    let on_save = on_submit(errors, edit.save, move |checks| {
        priority_input(checks, &format!("priority-{id}"), &name.get_untracked(), &order.get_untracked())
    });
    view! {
        <EditableRow edit what=format!("priority {}", priority.name) colspan=3 on_save
            cells=move || view! {
                <td data-label="Name">{priority.name.clone()}</td>
                <td data-label="Order">{priority.sort}</td>
            }
            fields=move || view! {
                <TextField id=format!("priority-{id}-name") name="name" label="Name" value=name errors required=true maxlength=64/>
                <TextField id=format!("priority-{id}-sort") name="sort" label="Order" value=order errors inputmode="numeric"/>
            }
        />
    }
}
