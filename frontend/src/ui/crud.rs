//! The plumbing every list-and-edit screen shares: loading with the session's token and showing
//! what loaded, a list the server pages (with its filter and pager), the table around a list, the
//! form that adds an entry, a row that switches to an inline edit form, and delete with
//! confirmation. A page only says what differs: its fields, its API calls and its labels.

use std::future::Future;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::{ApiError, Page, PER_PAGE};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::form::{show_server_errors, Checks, ConfirmButton, FieldErrors};
use crate::session::Session;

/// What an admin action ends with: nothing on success, the server's error otherwise.
pub type Outcome = Result<(), ApiError>;

/// A list loaded with the session's token (and loaded again on `refetch`).
pub fn load_list<T, F, Fut>(request: F) -> LocalResource<Result<Vec<T>, ApiError>>
where
    T: 'static,
    F: Fn(String) -> Fut + Copy + 'static,
    Fut: Future<Output = Result<Vec<T>, ApiError>> + 'static,
{
    let session = Session::get();
    LocalResource::new(move || async move { session.call(request).await })
}

/// Anything loaded with the session's token (and loaded again on `refetch`).
pub fn load<T, F, Fut>(request: F) -> LocalResource<Result<T, ApiError>>
where
    T: 'static,
    F: Fn(String) -> Fut + Copy + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let session = Session::get();
    LocalResource::new(move || async move { session.call(request).await })
}

/// What `resource` loaded as `show` draws it, with the loading and error states every page has.
pub fn show_loaded<T: Clone + 'static>(
    resource: LocalResource<Result<T, ApiError>>,
    show: impl Fn(T) -> AnyView + Send + Sync + 'static,
) -> impl IntoView {
    move || match resource.get() {
        None => view! { <Loading label="Loading…"/> }.into_any(),
        Some(Ok(value)) => show(value),
        Some(Err(error)) => view! { <ErrorNotice error retry=Callback::new(move |()| resource.refetch())/> }.into_any(),
    }
}

/// The one filter of a paged list: its label and its choices (value, label; `""` asks for
/// everything). The first choice is the one shown first.
#[derive(Clone, Copy)]
pub struct Filter {
    pub label: &'static str,
    pub choices: &'static [(&'static str, &'static str)],
}

impl Filter {
    /// The label of a value, or the value itself.
    pub fn label_of<'a>(&self, value: &'a str) -> &'a str {
        self.choices.iter().find(|(v, _)| *v == value).map_or(value, |(_, label)| label)
    }
}

/// A list the server pages, newest first (the outbox, the mail log): the filter, one page of
/// [`PER_PAGE`] entries as `item` draws them (given a callback that reloads the list after an
/// entry changed), and Previous / Next. `fetch` gets the token, the filter's value and the page.
pub fn paged_list<T, F, Fut>(
    filter: Filter,
    testid: &'static str,
    fetch: F,
    item: fn(T, Callback<()>) -> AnyView,
) -> impl IntoView
where
    T: Clone + 'static,
    F: Fn(String, String, u64) -> Fut + Copy + 'static,
    Fut: Future<Output = Result<Page<T>, ApiError>> + 'static,
{
    let session = Session::get();
    let chosen = RwSignal::new(filter.choices[0].0.to_owned());
    let page = RwSignal::new(1_u64);
    let list = LocalResource::new(move || {
        let (value, page) = (chosen.get(), page.get());
        async move { session.call(|token| fetch(token, value.clone(), page)).await }
    });
    let changed = Callback::new(move |()| list.refetch());
    let select_id = format!("{testid}-filter");
    view! {
        <div class="filters">
            <div class="field">
                <label for=select_id.clone()>{filter.label}</label>
                <select id=select_id on:change=move |ev| {
                    page.set(1);
                    chosen.set(event_target_value(&ev));
                }>
                    {filter.choices.iter().map(|(value, label)| view! { <option value=*value>{*label}</option> }).collect_view()}
                </select>
            </div>
        </div>
        {move || match list.get() {
            None => view! { <Loading label="Loading…"/> }.into_any(),
            Some(Err(error)) => view! { <ErrorNotice error retry=changed/> }.into_any(),
            Some(Ok(found)) if found.items.is_empty() => {
                view! { <p class="muted">"Nothing here."</p> }.into_any()
            }
            Some(Ok(found)) => {
                let pages = found.total.div_ceil(PER_PAGE).max(1);
                let current = page.get_untracked().min(pages);
                let noun = if found.total == 1 { "entry" } else { "entries" };
                let info = format!("Page {current} of {pages} · {} {noun}", found.total);
                view! {
                    <ul class="outbox" data-testid=testid>
                        {found.items.into_iter().map(|entry| item(entry, changed)).collect_view()}
                    </ul>
                    <nav class="pager" aria-label="Pages">
                        <button type="button" class="secondary small" disabled=current <= 1
                            on:click=move |_| page.set(current.saturating_sub(1).max(1))>"Previous"</button>
                        <span data-testid=format!("{testid}-page-info")>{info}</span>
                        <button type="button" class="secondary small" disabled=current >= pages
                            on:click=move |_| page.set(current + 1)>"Next"</button>
                    </nav>
                }
                .into_any()
            }
        }}
    }
}

/// An action that sends its input with the session's token: on success it hands the server's
/// answer to `on_ok`; on failure it shows the server's field errors next to the fields.
pub fn send_action<I, O, F, Fut>(
    errors: RwSignal<FieldErrors>,
    request: F,
    on_ok: impl Fn(O) + Copy + 'static,
) -> Action<I, Outcome>
where
    I: Clone + Send + Sync + 'static,
    O: 'static,
    F: Fn(String, I) -> Fut + Copy + 'static,
    Fut: Future<Output = Result<O, ApiError>> + 'static,
{
    let session = Session::get();
    Action::new_local(move |input: &I| {
        let input = input.clone();
        async move {
            match session.call(|t| request(t, input.clone())).await {
                Ok(answer) => {
                    on_ok(answer);
                    Ok(())
                }
                Err(error) => {
                    show_server_errors(&error, errors);
                    Err(error)
                }
            }
        }
    })
}

/// A form's submit handler: runs the client-side checks (showing what fails), then dispatches
/// what `read` built when they all pass.
pub fn on_submit<I>(
    errors: RwSignal<FieldErrors>,
    action: Action<I, Outcome>,
    read: impl Fn(&mut Checks) -> Option<I> + Copy + Send + Sync + 'static,
) -> Callback<SubmitEvent>
where
    I: Send + Sync + 'static,
{
    Callback::new(move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut checks = Checks::default();
        let input = read(&mut checks);
        if checks.finish(errors) {
            if let Some(input) = input {
                action.dispatch(input);
            }
        }
    })
}

/// The error an action ended with, if any.
#[component]
pub fn ActionError<I: Send + Sync + 'static>(action: Action<I, Outcome>) -> impl IntoView {
    move || action.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })
}

/// The form above a table that adds an entry: its fields, then the submit button.
#[component]
pub fn CreateForm<I: Send + Sync + 'static>(
    /// The form's accessible name, e.g. "Add a queue".
    #[prop(into)]
    label: String,
    /// The submit button, e.g. "Add queue".
    button: &'static str,
    action: Action<I, Outcome>,
    on_submit: Callback<SubmitEvent>,
    children: Children,
) -> impl IntoView {
    let pending = action.pending();
    view! {
        <form class="inline-form" on:submit=move |ev| on_submit.run(ev) novalidate aria-label=label data-testid="create-form">
            {children()}
            <button type="submit" disabled=move || pending.get()>
                {move || if pending.get() { "Adding…" } else { button }}
            </button>
        </form>
    }
}

/// A list resource shown as a table: loading, error with retry, "No … yet." or the rows.
/// `loading` and `empty` name the entries ("Loading queues…", "No queues yet.").
pub fn list_table<T, V>(
    list: LocalResource<Result<Vec<T>, ApiError>>,
    (loading, empty): (&'static str, &'static str),
    headers: &'static [&'static str],
    rows: impl Fn(Vec<T>) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    move || match list.get() {
        None => view! { <Loading label=format!("Loading {loading}…")/> }.into_any(),
        Some(Err(error)) => view! { <ErrorNotice error retry=Callback::new(move |()| list.refetch())/> }.into_any(),
        Some(Ok(items)) if items.is_empty() => view! { <p class="muted">{format!("No {empty} yet.")}</p> }.into_any(),
        Some(Ok(items)) => view! {
            <table class="admin-table" data-testid="admin-table">
                <thead><tr>
                    {headers.iter().map(|header| view! { <th scope="col">{*header}</th> }).collect_view()}
                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                </tr></thead>
                <tbody>{rows(items)}</tbody>
            </table>
        }
        .into_any(),
    }
}

/// A row's edit state: whether it shows its edit form, the form's field errors, and the save and
/// delete actions (both tell the page the list `changed` when they succeed).
pub struct RowEdit<I: 'static> {
    pub editing: RwSignal<bool>,
    pub errors: RwSignal<FieldErrors>,
    pub save: Action<I, Outcome>,
    pub remove: Action<(), Outcome>,
}

impl<I: 'static> Clone for RowEdit<I> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I: 'static> Copy for RowEdit<I> {}

impl<I: Clone + Send + Sync + 'static> RowEdit<I> {
    /// `update` saves the row, `delete` deletes it; `on_saved` sees what the server saved.
    pub fn new<O, U, UFut, D, DFut, Gone>(
        changed: Callback<()>,
        update: U,
        delete: D,
        on_saved: impl Fn(O) + Copy + 'static,
    ) -> Self
    where
        O: 'static,
        U: Fn(String, I) -> UFut + Copy + 'static,
        UFut: Future<Output = Result<O, ApiError>> + 'static,
        D: Fn(String) -> DFut + Copy + 'static,
        DFut: Future<Output = Result<Gone, ApiError>> + 'static,
        Gone: 'static,
    {
        let session = Session::get();
        let editing = RwSignal::new(false);
        let errors = RwSignal::new(FieldErrors::new());
        let save = send_action(errors, update, move |saved| {
            on_saved(saved);
            editing.set(false);
            changed.try_run(());
        });
        let remove = Action::new_local(move |_: &()| async move {
            session.call(delete).await?;
            changed.try_run(());
            Ok::<(), ApiError>(())
        });
        Self { editing, errors, save, remove }
    }
}

/// A table row: its cells with Edit and Delete, or (while editing) one cell with the edit form.
#[component]
pub fn EditableRow<I: Clone + Send + Sync + 'static>(
    edit: RowEdit<I>,
    /// Names the row in its buttons and its form, e.g. "queue Support".
    #[prop(into)]
    what: String,
    /// How many columns the table has (the edit form spans them all).
    colspan: usize,
    on_save: Callback<SubmitEvent>,
    /// The cells shown while not editing (before the actions cell).
    #[prop(into)]
    cells: ViewFn,
    /// The edit form's fields (before Save and Cancel).
    #[prop(into)]
    fields: ViewFn,
    #[prop(optional, into)] inactive: Signal<bool>,
) -> impl IntoView {
    let RowEdit { editing, save, remove, .. } = edit;
    let form_label = format!("Edit {what}");
    view! {
        <tr data-testid="admin-row" class:inactive=move || inactive.get()>
            <Show
                when=move || editing.get()
                fallback={
                    let what = what.clone();
                    move || view! {
                        {cells.run()}
                        <RowActions what=what.clone() editing remove/>
                    }
                }
            >
                <td colspan=colspan.to_string()>
                    <form class="inline-form" on:submit=move |ev| on_save.run(ev) novalidate aria-label=form_label.clone()>
                        {fields.run()}
                        <SaveCancel pending=save.pending() editing/>
                    </form>
                    <ActionError action=save/>
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
    remove: Action<(), Outcome>,
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
            <ActionError action=remove/>
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
