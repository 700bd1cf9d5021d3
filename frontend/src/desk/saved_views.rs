//! An agent's saved views: named query strings of the ticket list, one click away in the side
//! bar, with how many tickets each lists.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::catalog::check_catalog_name;
use shared::notifications::Count;
use shared::tickets::{SavedView, SavedViewCreate};

use ui::api::{self, ApiError};
use ui::components::feedback::{focus_field, ErrorNotice, FieldError};
use ui::pages::ticket_list::ListFilter;
use ui::session::Session;

/// `counts`: what each view lists; `on_change`: a view was saved or deleted (count again).
#[component]
pub fn SavedViews(filter: Memo<ListFilter>, counts: Signal<Vec<Count>>, on_change: Callback<()>) -> impl IntoView {
    let session = Session::get();
    let views: LocalResource<Result<Vec<SavedView>, ApiError>> =
        LocalResource::new(
            move || async move { session.call(|token| async move { api::saved_views(&token).await }).await },
        );

    let adding = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let name_error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);

    let save = Action::new_local(move |body: &SavedViewCreate| {
        let body = body.clone();
        async move {
            let saved = session
                .call(|token| {
                    let body = body.clone();
                    async move { api::create_view(&token, &body).await }
                })
                .await;
            match saved {
                Ok(view) => {
                    notice.set(Some(format!("View “{}” saved.", view.name)));
                    adding.set(false);
                    name.set(String::new());
                    views.refetch();
                    on_change.try_run(());
                    Ok(())
                }
                Err(error) => {
                    if let Some(reason) = error.fields().get("name") {
                        name_error.set(Some(format!("Name {reason}.")));
                    }
                    Err(error)
                }
            }
        }
    });
    let remove = Action::new_local(move |view: &SavedView| {
        let view = view.clone();
        async move {
            session.call(|token| async move { api::delete_view(&token, view.id).await }).await?;
            notice.set(Some(format!("View “{}” deleted.", view.name)));
            views.refetch();
            on_change.try_run(());
            Ok::<(), ApiError>(())
        }
    });

    let on_save = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = name.get_untracked().trim().to_owned();
        if let Err(reason) = check_catalog_name(&text) {
            name_error.set(Some(format!("Name {reason}.")));
            focus_field("view-name");
            return;
        }
        name_error.set(None);
        notice.set(None);
        save.dispatch(SavedViewCreate { name: text, query: filter.get_untracked().query_string() });
    };
    let current_query = Memo::new(move |_| filter.get().query_string());

    view! {
        <nav class="saved-views" aria-label="Saved views" data-testid="saved-views">
            <h2 class="side-heading">"Views"</h2>
            {move || match views.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(error)) => view! {
                    <ErrorNotice error retry=Callback::new(move |()| views.refetch())/>
                }
                .into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <span class="muted">"none saved yet"</span>
                }
                .into_any(),
                Some(Ok(list)) => view! {
                    <ul class="side-list views-list">
                        {list
                            .into_iter()
                            .map(|view| {
                                let href = if view.query.is_empty() {
                                    "/tickets".to_owned()
                                } else {
                                    format!("/tickets?{}", view.query.trim_start_matches('?'))
                                };
                                let query = view.query.trim_start_matches('?').to_owned();
                                let label = format!("Delete view {}", view.name);
                                let name = view.name.clone();
                                let id = view.id;
                                let count = move || {
                                    counts.with(|all| all.iter().find(|c| c.id == id).map(|c| c.open.to_string()))
                                };
                                view! {
                                    <li data-testid="saved-view">
                                        <a
                                            href=href
                                            aria-current=move || (current_query.get() == query).then_some("page")
                                        >
                                            <span class="side-label">{name}</span>" "
                                            <span class="count">{count}</span>
                                        </a>
                                        <button
                                            type="button"
                                            class="icon"
                                            aria-label=label
                                            title="Delete this view"
                                            disabled=move || remove.pending().get()
                                            on:click=move |_| {
                                                notice.set(None);
                                                remove.dispatch(view.clone());
                                            }
                                        >
                                            "×"
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any(),
            }}
            <Show
                when=move || adding.get()
                fallback=move || view! {
                    <button
                        type="button"
                        class="secondary"
                        on:click=move |_| {
                            adding.set(true);
                            request_animation_frame(|| focus_field("view-name"));
                        }
                    >
                        "Save view"
                    </button>
                }
            >
                <form class="view-form" on:submit=on_save>
                    <div class="field">
                        <label for="view-name">"View name"</label>
                        <input
                            id="view-name"
                            type="text"
                            maxlength="64"
                            aria-describedby="view-name-error"
                            aria-invalid=move || name_error.get().is_some().to_string()
                            prop:value=move || name.get()
                            on:input=move |ev| {
                                name.set(event_target_value(&ev));
                                name_error.set(None);
                            }
                            on:keydown=move |ev| {
                                if ev.key() == "Escape" {
                                    adding.set(false);
                                }
                            }
                        />
                        <FieldError id="view-name-error" message=name_error.into()/>
                    </div>
                    <button type="submit" disabled=move || save.pending().get()>
                        {move || if save.pending().get() { "Saving…" } else { "Save" }}
                    </button>
                    <button type="button" class="secondary" on:click=move |_| adding.set(false)>
                        "Cancel"
                    </button>
                </form>
            </Show>
            {move || save.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
            {move || remove.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
            <p class="done" role="status">{move || notice.get()}</p>
        </nav>
    }
}

#[component]
fn Loading() -> impl IntoView {
    view! {
        <span class="loading inline" role="status">
            <span class="spinner" aria-hidden="true"></span>"Loading views…"
        </span>
    }
}
