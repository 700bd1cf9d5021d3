//! Choosing a ticket's client and contact: the client found as its name is typed (a combobox in
//! the WAI-ARIA pattern, as the person picker: type, arrow through the suggestions, Enter picks),
//! then one of its contacts, the primary one first. Closed clients take no new tickets, so the
//! search offers only the others.

use std::time::Duration;

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use shared::clients::{Client, Contact, Named};
use ui::components::feedback::focus_field;
use ui::components::person_picker::list_keys;
use ui::session::Session;
use ui::task::Loader;

use super::calls::{self, ListQuery};

/// How many clients a search suggests.
const SUGGESTIONS: u64 = 8;
/// How long typing must pause before the search runs.
const PAUSE: Duration = Duration::from_millis(200);

/// The client and contact fields together; the contact appears once a client is chosen.
#[component]
pub fn ClientContactFields(
    /// The ids of the client's text input and of the contact's select.
    ids: (&'static str, &'static str),
    client: RwSignal<Option<Named>>,
    contact: RwSignal<Option<i64>>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let chosen = Signal::derive(move || client.with(|c| c.as_ref().map(|c| c.id)));
    view! {
        <ClientPicker id=ids.0 label="Client" chosen=client error/>
        <Show when=move || chosen.get().is_some()>
            <ContactSelect id=ids.1 client=chosen contact/>
        </Show>
    }
}

#[component]
pub fn ClientPicker(
    /// The id of the text input (a `<label for>` and `focus_field` target).
    id: &'static str,
    label: &'static str,
    chosen: RwSignal<Option<Named>>,
    /// What is wrong with the choice (the form's or the server's message).
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let session = Session::get();
    let typed = RwSignal::new(String::new());
    let found = RwSignal::new(Vec::<Client>::new());
    let active = RwSignal::new(None::<usize>);
    let open = RwSignal::new(false);
    let searching = RwSignal::new(false);
    let search_error = RwSignal::new(None::<String>);
    let generation = StoredValue::new(0_u64);
    let list_id = format!("{id}-options");
    let error_id = format!("{id}-error");
    let option_id = move |index: usize| format!("{id}-option-{index}");

    let search = move |text: String| {
        generation.update_value(|n| *n += 1);
        let mine = generation.get_value();
        if text.trim().is_empty() {
            found.set(Vec::new());
            open.set(false);
            return;
        }
        set_timeout(
            move || {
                if generation.try_get_value() != Some(mine) {
                    return;
                }
                searching.set(true);
                leptos::task::spawn_local(async move {
                    let query = ListQuery { q: text, status: "open".into(), page: 1, per_page: SUGGESTIONS };
                    let answer = calls::list(session, query).await;
                    // A newer search owns the list now.
                    if generation.try_get_value() != Some(mine) {
                        return;
                    }
                    searching.set(false);
                    match answer {
                        Ok(page) => {
                            search_error.set(None);
                            found.set(page.items);
                        }
                        Err(e) => {
                            search_error.set(Some(format!("The search failed: {}", e.message())));
                            found.set(Vec::new());
                        }
                    }
                    active.set(None);
                    open.set(true);
                });
            },
            PAUSE,
        );
    };

    let pick = move |client: Client| {
        chosen.set(Some(Named { id: client.id, name: client.name }));
        error.set(None);
        open.set(false);
        typed.set(String::new());
        found.set(Vec::new());
    };

    let on_keydown = move |ev: KeyboardEvent| list_keys(&ev, found, active, open, pick);

    let described = error_id.clone();
    view! {
        <div class="field person-picker" data-testid=format!("{id}-picker")>
            <label for=id>{label}</label>
            {move || match chosen.get() {
                Some(client) => view! {
                    <div class="chosen-person" data-testid=format!("{id}-chosen")>
                        <span>{client.name.clone()}</span>
                        <button
                            type="button"
                            class="secondary"
                            id=id
                            aria-label=format!("Change the client ({})", client.name)
                            on:click=move |_| {
                                chosen.set(None);
                                request_animation_frame(move || focus_field(id));
                            }
                        >
                            "Change"
                        </button>
                    </div>
                }
                .into_any(),
                None => view! {
                    <input
                        id=id
                        type="text"
                        role="combobox"
                        autocomplete="off"
                        placeholder="Search clients by name"
                        aria-autocomplete="list"
                        aria-controls=list_id.clone()
                        aria-expanded=move || open.get().to_string()
                        aria-activedescendant=move || active.get().map(option_id)
                        aria-describedby=described.clone()
                        aria-invalid=move || error.get().is_some().to_string()
                        prop:value=move || typed.get()
                        on:input=move |ev| {
                            let text = event_target_value(&ev);
                            typed.set(text.clone());
                            error.set(None);
                            search(text);
                        }
                        on:keydown=on_keydown
                        on:blur=move |_| open.set(false)
                        on:focus=move |_| open.set(!found.with_untracked(Vec::is_empty))
                    />
                    <ul
                        id=list_id.clone()
                        role="listbox"
                        class="suggestions"
                        aria-label="Clients found"
                        hidden=move || !open.get() || found.with(Vec::is_empty)
                    >
                        {move || {
                            found
                                .get()
                                .into_iter()
                                .enumerate()
                                .map(|(index, client)| {
                                    let text = if client.domains.is_empty() {
                                        client.name.clone()
                                    } else {
                                        format!("{} — {}", client.name, client.domains.join(", "))
                                    };
                                    view! {
                                        <li
                                            id=option_id(index)
                                            role="option"
                                            aria-selected=move || (active.get() == Some(index)).to_string()
                                            // Before the input's blur closes the list.
                                            on:mousedown=move |ev| {
                                                ev.prevent_default();
                                                pick(client.clone());
                                            }
                                        >
                                            {text}
                                        </li>
                                    }
                                })
                                .collect_view()
                        }}
                    </ul>
                    {move || searching.get().then(|| view! { <p class="muted" role="status">"Searching…"</p> })}
                    {move || (open.get() && !searching.get() && found.with(Vec::is_empty)).then(|| view! {
                        <p class="muted" role="status">"No open client matches."</p>
                    })}
                    {move || search_error.get().map(|e| view! { <p class="field-error">{e}</p> })}
                }
                .into_any(),
            }}
            <p class="field-error" id=error_id aria-live="polite">{move || error.get()}</p>
        </div>
    }
}

/// The chosen client's contacts; a newly chosen client starts from its primary contact.
#[component]
pub fn ContactSelect(id: &'static str, client: Signal<Option<i64>>, contact: RwSignal<Option<i64>>) -> impl IntoView {
    let session = Session::get();
    let contacts = Loader::new(move || {
        let client = client.get();
        async move {
            match client {
                Some(id) => session.read::<Vec<Contact>>(calls::contacts(id)).await,
                None => Ok(Vec::new()),
            }
        }
    });
    // A contact of another client is no choice: take the primary one of this client.
    Effect::new(move |_| {
        if let Some(Ok(list)) = contacts.get() {
            let current = contact.get_untracked();
            if current.is_none_or(|c| !list.iter().any(|x| x.id == c)) {
                contact.set(list.iter().find(|c| c.primary).map(|c| c.id));
            }
        }
    });
    view! {
        <div class="field">
            <label for=id>"Contact"</label>
            <select id=id name="contact_id" on:change=move |ev| contact.set(event_target_value(&ev).parse().ok())>
                <option value="" prop:selected=move || contact.get().is_none()>
                    {move || if contacts.get().is_none() { "Loading contacts…" } else { "No contact" }}
                </option>
                {move || contacts.ok().unwrap_or_default().into_iter().map(|c| {
                    let contact_id = c.id;
                    let mut text = c.name;
                    if !c.title.is_empty() {
                        text = format!("{text} — {}", c.title);
                    }
                    if c.primary {
                        text.push_str(" (primary)");
                    }
                    view! { <option value=contact_id.to_string() prop:selected=move || contact.get() == Some(contact_id)>{text}</option> }
                }).collect_view()}
            </select>
            {move || contacts.get().and_then(Result::err).map(|e| view! { <p class="field-error">{e.message()}</p> })}
        </div>
    }
}
