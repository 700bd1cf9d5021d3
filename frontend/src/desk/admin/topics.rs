//! Help topics: what customers pick when they open a ticket, and the queue each one routes to.
//! A topic in use cannot be deleted; deactivating it hides it from new tickets instead.

use leptos::prelude::*;
use shared::catalog::{check_catalog_name, Queue, Topic, TopicCreate, TopicUpdate};

use super::AdminLayout;
use ui::api;
use ui::components::feedback::{ErrorNotice, Loading};
use ui::components::form::{FieldErrors, TextField};
use ui::crud::{list_table, load_list, on_submit, send_action, ActionError, CreateForm, EditableRow, RowEdit};

#[component]
fn QueueSelect(#[prop(into)] id: String, queues: Vec<Queue>, value: RwSignal<Option<i64>>) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id.clone()>"Queue"</label>
            <select id=id on:change=move |ev| value.set(event_target_value(&ev).parse().ok())>
                {queues.into_iter().map(|queue| {
                    let qid = queue.id;
                    view! { <option value=qid.to_string() selected=move || value.get() == Some(qid)>{queue.name}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
pub fn TopicsPage() -> impl IntoView {
    let list = load_list(|t| async move { api::admin::all_topics(&t).await });
    let queues = load_list(|t| async move { api::admin::queues(&t).await });
    let changed = Callback::new(move |()| list.refetch());

    let name = RwSignal::new(String::new());
    let queue_id = RwSignal::new(None::<i64>);
    let errors = RwSignal::new(FieldErrors::new());
    Effect::new(move |_| {
        if let Some(Ok(list)) = queues.get() {
            if queue_id.get_untracked().is_none() {
                queue_id.set(list.first().map(|q| q.id));
            }
        }
    });
    let create = send_action(
        errors,
        |t, input: TopicCreate| async move { api::admin::create_topic(&t, &input).await },
        move |_| {
            name.set(String::new());
            list.refetch();
        },
    );
    let submit = on_submit(errors, create, move |checks| {
        let value = name.get_untracked();
        checks.check("value", "topic-new-name", "Name", check_catalog_name(&value))?;
        Some(TopicCreate { value: value.trim().to_owned(), queue_id: queue_id.get_untracked() })
    });

    view! {
        <AdminLayout title="Help topics">
            <p class="muted">"Customers choose a topic for each new ticket; the ticket goes to the topic's queue."</p>
            {move || match queues.get() {
                None => view! { <Loading label="Loading queues…"/> }.into_any(),
                Some(Err(error)) => view! { <ErrorNotice error retry=Callback::new(move |()| queues.refetch())/> }.into_any(),
                Some(Ok(queue_list)) => view! {
                    <CreateForm label="Add a help topic" button="Add topic" action=create on_submit=submit>
                        <TextField id="topic-new-name" name="value" label="Name" value=name errors required=true maxlength=64/>
                        <QueueSelect id="topic-new-queue" queues=queue_list value=queue_id/>
                    </CreateForm>
                }.into_any(),
            }}
            <ActionError action=create/>
            {list_table(list, ("topics", "help topics"), &["Name", "Queue", "Active"], move |items| {
                let queue_list = queues.get().and_then(Result::ok).unwrap_or_default();
                items.into_iter().map(|topic| {
                    let queues = queue_list.clone();
                    view! { <TopicRow topic queues changed/> }
                }).collect_view()
            })}
        </AdminLayout>
    }
}

#[component]
fn TopicRow(topic: Topic, queues: Vec<Queue>, changed: Callback<()>) -> impl IntoView {
    let id = topic.id;
    let active = RwSignal::new(topic.active);
    let edit = RowEdit::new(
        changed,
        move |t, input: TopicUpdate| async move { api::admin::update_topic(&t, id, &input).await },
        move |t| async move { api::admin::delete_topic(&t, id).await },
        move |saved: Topic| active.set(saved.active),
    );
    let RowEdit { errors, save, .. } = edit;
    let name = RwSignal::new(topic.value.clone());
    let queue_id = RwSignal::new(Some(topic.queue_id));
    let on_save = on_submit(errors, save, move |checks| {
        let value = name.get_untracked();
        checks.check("value", &format!("topic-{id}-name"), "Name", check_catalog_name(&value))?;
        Some(TopicUpdate {
            value: Some(value.trim().to_owned()),
            queue_id: queue_id.get_untracked(),
            active: Some(active.get_untracked()),
        })
    });
    let toggle_label = format!("Active: {}", topic.value);
    view! {
        <EditableRow edit what=format!("topic {}", topic.value) colspan=4 on_save inactive=Signal::derive(move || !active.get())
            cells=move || view! {
                <td data-label="Name">{topic.value.clone()}</td>
                <td data-label="Queue">{topic.queue.clone()}</td>
                <td data-label="Active">
                    // Takes effect at once: the quickest way to hide a topic from new tickets.
                    <label class="switch">
                        <input
                            type="checkbox"
                            aria-label=toggle_label.clone()
                            prop:checked=move || active.get()
                            disabled=move || save.pending().get()
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                save.dispatch(TopicUpdate { active: Some(on), ..Default::default() });
                            }
                        />
                        <span>{move || if active.get() { "Active" } else { "Inactive" }}</span>
                    </label>
                    <ActionError action=save/>
                </td>
            }
            fields=move || view! {
                <TextField id=format!("topic-{id}-name") name="value" label="Name" value=name errors required=true maxlength=64/>
                <QueueSelect id=format!("topic-{id}-queue") queues=queues.clone() value=queue_id/>
                <div class="field field-check">
                    <label for=format!("topic-{id}-active")>
                        <input id=format!("topic-{id}-active") type="checkbox"
                            prop:checked=move || active.get()
                            on:change=move |ev| active.set(event_target_checked(&ev))/>
                        "Active"
                    </label>
                </div>
            }
        />
    }
}
