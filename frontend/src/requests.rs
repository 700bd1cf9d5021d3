//! Requests that stay untyped until the last step, for the mail screens and the account's mail
//! choice: send an [`Order`], [`load`] a GET and [`show_loaded`] its answer, show the newest of a
//! filtered list. Each answer is decoded into its `shared` DTO where it is used, so that one
//! action (with the session's retry) serves every screen instead of being compiled again for
//! each DTO: the WASM budget counts every copy.

use leptos::prelude::*;
use serde::de::DeserializeOwned;

use crate::api::{decode, send_bytes, ApiError, PER_PAGE};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::form::{show_server_errors, FieldErrors};
use crate::session::Session;

/// An order: method, path under `/api`, JSON body.
pub type Order = (&'static str, String, Option<String>);

/// What an order ended with: nothing on success (the answer went to the callback), the
/// server's error otherwise.
pub type Outcome = Result<(), ApiError>;

/// The answer to an order: the path it asked, the body, and for a list the total
/// (`X-Total-Count`).
#[derive(Clone)]
pub struct Reply {
    pub path: String,
    pub body: Vec<u8>,
    pub total: Option<u64>,
}

/// An action that sends an [`Order`] with the session's token and hands the answer to `on_ok`
/// (which decodes it, so it may fail); the server's field errors go next to the fields.
pub fn order_action(
    errors: RwSignal<FieldErrors>,
    on_ok: Callback<Reply, Outcome>,
) -> Action<Order, Outcome> {
    let session = Session::get();
    Action::new_local(move |(method, path, body): &Order| {
        let (method, path, body) = (*method, path.clone(), body.clone());
        async move {
            let answer = session
                .call(|t| {
                    let (path, body) = (path.clone(), body.clone());
                    async move { send_bytes(&t, method, &path, body.as_deref()).await }
                })
                .await;
            match answer {
                Ok((body, total)) => on_ok.run(Reply { path, body, total }),
                Err(error) => {
                    show_server_errors(&error, errors);
                    Err(error)
                }
            }
        }
    })
}

/// A GET whose answer is kept: asked at once, whenever `path` changes, and on [`Loaded::reload`].
#[derive(Clone, Copy)]
pub struct Loaded {
    reply: RwSignal<Option<Reply>>,
    action: Action<Order, Outcome>,
    path: Signal<String>,
}

impl Loaded {
    pub fn reload(&self) {
        self.action
            .dispatch(("GET", self.path.get_untracked(), None));
    }
}

/// Starts loading `path` (see [`Loaded`]).
pub fn load(path: Signal<String>) -> Loaded {
    let reply = RwSignal::new(None);
    let action = order_action(
        RwSignal::new(FieldErrors::new()),
        Callback::new(move |answer: Reply| {
            // Only the answer for what is asked now counts: a slow one for an old filter must
            // not replace it.
            if answer.path == path.get_untracked() {
                reply.set(Some(answer));
            }
            Ok(())
        }),
    );
    let loaded = Loaded {
        reply,
        action,
        path,
    };
    Effect::new(move |_| {
        path.track();
        loaded.reload();
    });
    loaded
}

/// What [`load`] loaded as `show` draws it (decoding the answer, which may fail), with the
/// loading and error states every page has.
pub fn show_loaded(
    loaded: Loaded,
    show: Callback<Reply, Result<AnyView, ApiError>>,
) -> impl IntoView {
    let pending = loaded.action.pending();
    view! {
        {move || match loaded.reply.get().map(|reply| show.run(reply)) {
            None => pending.get().then(|| view! { <Loading label="Loading…"/> }).into_any(),
            Some(Ok(view)) => view,
            Some(Err(error)) => view! { <ErrorNotice error/> }.into_any(),
        }}
        {move || loaded.action.value().get().and_then(Result::err).map(|error| {
            view! { <ErrorNotice error retry=Callback::new(move |()| loaded.reload())/> }
        })}
    }
}

/// The one filter of a list: its query key, its label, and its choices (value, label; "" asks
/// for everything). The first choice is the one shown first.
#[derive(Clone, Copy)]
pub struct Filter {
    pub key: &'static str,
    pub label: &'static str,
    pub choices: &'static [(&'static str, &'static str)],
}

/// A list the server pages, newest first (the outbox, the mail log): the filter, and the newest
/// [`PER_PAGE`] entries as `item` shows them (given a callback that reloads the list after an
/// entry changed). Only decoding depends on what the list holds.
pub fn filtered_list<T: DeserializeOwned + 'static>(
    path: &'static str,
    filter: Filter,
    testid: &'static str,
    item: fn(T, Callback<()>) -> AnyView,
) -> impl IntoView {
    let chosen = RwSignal::new(filter.choices[0].0.to_owned());
    let list = load(Signal::derive(move || {
        let value = chosen.get();
        let mut query = format!("{path}?per_page={PER_PAGE}");
        if !value.is_empty() {
            query.push_str(&format!("&{}={value}", filter.key));
        }
        query
    }));
    let changed = Callback::new(move |()| list.reload());
    let show = Callback::new(move |reply: Reply| {
        let items: Vec<T> = decode(&reply.body)?;
        let total = reply.total.unwrap_or(items.len() as u64);
        let views = items
            .into_iter()
            .map(|entry| item(entry, changed))
            .collect();
        Ok(list_view(views, total, testid))
    });
    let select_id = format!("{testid}-filter");
    view! {
        <div class="filters">
            <div class="field">
                <label for=select_id.clone()>{filter.label}</label>
                <select id=select_id on:change=move |ev| chosen.set(event_target_value(&ev))>
                    {filter.choices.iter().map(|(value, label)| view! { <option value=*value>{*label}</option> }).collect_view()}
                </select>
            </div>
        </div>
        {show_loaded(list, show)}
    }
}

fn list_view(views: Vec<AnyView>, total: u64, testid: &'static str) -> AnyView {
    if views.is_empty() {
        return view! { <p class="muted">"Nothing here."</p> }.into_any();
    }
    let shown = views.len();
    view! {
        <ul class="outbox" data-testid=testid>{views}</ul>
        {(total > shown as u64).then(|| view! { <p class="muted">{format!("The newest {shown} of {total}.")}</p> })}
    }
    .into_any()
}
