//! Help topics: what customers pick when they open a ticket, and the queue each one routes to.
//! A topic in use cannot be deleted; deactivating it hides it from new tickets instead.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::catalog::{check_catalog_name, Queue, Topic, TopicCreate, TopicUpdate};

use super::catalog::{RowActions, SaveCancel};
use super::AdminLayout;
use crate::api::{self, ApiError};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::form::{show_server_errors, Checks, FieldErrors, TextField};
use crate::session::Session;

#[component]
fn QueueSelect(
    #[prop(into)] id: String,
    queues: Vec<Queue>,
    value: RwSignal<Option<i64>>,
) -> impl IntoView {
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
    let session = Session::get();
    let list: LocalResource<Result<Vec<Topic>, ApiError>> =
        LocalResource::new(move || async move {
            session
                .call(|t| async move { api::admin::all_topics(&t).await })
                .await
        });
    let queues: LocalResource<Result<Vec<Queue>, ApiError>> =
        LocalResource::new(move || async move {
            session
                .call(|t| async move { api::admin::queues(&t).await })
                .await
        });
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
    let create = Action::new_local(move |input: &TopicCreate| {
        let input = input.clone();
        async move {
            match session
                .call(|t| {
                    let input = input.clone();
                    async move { api::admin::create_topic(&t, &input).await }
                })
                .await
            {
                Ok(_) => {
                    name.set(String::new());
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
        let value = name.get_untracked();
        let ok = checks.check(
            "value",
            "topic-new-name",
            "Name",
            check_catalog_name(&value),
        );
        if checks.finish(errors) && ok.is_some() {
            create.dispatch(TopicCreate {
                value: value.trim().to_owned(),
                queue_id: queue_id.get_untracked(),
            });
        }
    };

    view! {
        <AdminLayout title="Help topics">
            <p class="muted">"Customers choose a topic for each new ticket; the ticket goes to the topic's queue."</p>
            {move || match queues.get() {
                None => view! { <Loading label="Loading queues…"/> }.into_any(),
                Some(Err(error)) => view! { <ErrorNotice error retry=Callback::new(move |()| queues.refetch())/> }.into_any(),
                Some(Ok(queue_list)) => view! {
                    <form class="inline-form" on:submit=on_submit novalidate aria-label="Add a help topic" data-testid="create-form">
                        <TextField id="topic-new-name" name="value" label="Name" value=name errors required=true maxlength=64/>
                        <QueueSelect id="topic-new-queue" queues=queue_list value=queue_id/>
                        <button type="submit" disabled=move || pending.get()>
                            {move || if pending.get() { "Adding…" } else { "Add topic" }}
                        </button>
                    </form>
                }.into_any(),
            }}
            {move || create.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
            {move || match list.get() {
                None => view! { <Loading label="Loading topics…"/> }.into_any(),
                Some(Err(error)) => view! { <ErrorNotice error retry=Callback::new(move |()| list.refetch())/> }.into_any(),
                Some(Ok(items)) if items.is_empty() => view! { <p class="muted">"No help topics yet."</p> }.into_any(),
                Some(Ok(items)) => {
                    let queue_list = queues.get().and_then(Result::ok).unwrap_or_default();
                    view! {
                        <table class="admin-table" data-testid="admin-table">
                            <thead><tr>
                                <th scope="col">"Name"</th>
                                <th scope="col">"Queue"</th>
                                <th scope="col">"Active"</th>
                                <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                            </tr></thead>
                            <tbody>
                                {items.into_iter().map(|topic| {
                                    let queues = queue_list.clone();
                                    view! { <TopicRow topic queues changed/> }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }
            }}
        </AdminLayout>
    }
}

#[component]
fn TopicRow(topic: Topic, queues: Vec<Queue>, changed: Callback<()>) -> impl IntoView {
    let session = Session::get();
    let id = topic.id;
    let editing = RwSignal::new(false);
    let name = RwSignal::new(topic.value.clone());
    let queue_id = RwSignal::new(Some(topic.queue_id));
    let active = RwSignal::new(topic.active);
    let errors = RwSignal::new(FieldErrors::new());
    let save = Action::new_local(move |input: &TopicUpdate| {
        let input = input.clone();
        async move {
            match session
                .call(|t| {
                    let input = input.clone();
                    async move { api::admin::update_topic(&t, id, &input).await }
                })
                .await
            {
                Ok(saved) => {
                    active.set(saved.active);
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
            .call(|t| async move { api::admin::delete_topic(&t, id).await })
            .await?;
        changed.try_run(());
        Ok::<(), ApiError>(())
    });
    let on_save = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut checks = Checks::default();
        let value = name.get_untracked();
        let ok = checks.check(
            "value",
            &format!("topic-{id}-name"),
            "Name",
            check_catalog_name(&value),
        );
        if checks.finish(errors) && ok.is_some() {
            save.dispatch(TopicUpdate {
                value: Some(value.trim().to_owned()),
                queue_id: queue_id.get_untracked(),
                active: Some(active.get_untracked()),
            });
        }
    };
    let label = topic.value.clone();
    let toggle_label = format!("Active: {}", topic.value);
    view! {
        <tr data-testid="admin-row" class:inactive=move || !active.get()>
            <Show
                when=move || editing.get()
                fallback={
                    let topic = topic.clone();
                    let label = label.clone();
                    let toggle_label = toggle_label.clone();
                    move || view! {
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
                            {move || save.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
                        </td>
                        <RowActions what=format!("topic {}", label) editing remove/>
                    }
                }
            >
                <td colspan="4">
                    <form class="inline-form" on:submit=on_save novalidate aria-label=format!("Edit topic {}", label)>
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
                        <SaveCancel pending=save.pending() editing/>
                    </form>
                    {move || save.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
                </td>
            </Show>
        </tr>
    }
}
