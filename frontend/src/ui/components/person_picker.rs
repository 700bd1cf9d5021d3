//! Choosing a customer by name or address, as an agent does when opening a ticket for someone or
//! giving a ticket to someone else: the people the user search finds (by name, user name or
//! address), or a new address, which becomes a customer with the name given here when the ticket
//! is saved. A combobox in the WAI-ARIA pattern: type, arrow through the suggestions, Enter picks.

use std::time::Duration;

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use shared::users::User;
use shared::validate::Email;

use crate::api;
use crate::components::feedback::focus_field;
use crate::session::Session;

/// A search-as-you-type list's keys: the arrows move through what was found (and open the list),
/// Enter picks the active one (not submitting the form), Escape closes the list.
pub fn list_keys<T: Clone + Send + Sync + 'static>(
    ev: &KeyboardEvent,
    found: RwSignal<Vec<T>>,
    active: RwSignal<Option<usize>>,
    open: RwSignal<bool>,
    pick: impl Fn(T),
) {
    let count = found.with(Vec::len);
    match ev.key().as_str() {
        "ArrowDown" if count > 0 => {
            ev.prevent_default();
            open.set(true);
            active.set(Some(active.get_untracked().map_or(0, |i| (i + 1) % count)));
        }
        "ArrowUp" if count > 0 => {
            ev.prevent_default();
            open.set(true);
            active.set(Some(active.get_untracked().map_or(count - 1, |i| (i + count - 1) % count)));
        }
        "Enter" if open.get_untracked() && count > 0 => {
            ev.prevent_default();
            let index = active.get_untracked().unwrap_or(0);
            if let Some(item) = found.with_untracked(|f| f.get(index).cloned()) {
                pick(item);
            }
        }
        "Escape" if open.get_untracked() => {
            ev.prevent_default();
            open.set(false);
        }
        _ => {}
    }
}

/// How many people a search suggests.
const SUGGESTIONS: usize = 8;
/// How long typing must pause before the search runs.
const PAUSE: Duration = Duration::from_millis(200);

/// The person chosen: someone the desk knows, or a new address (and the name to give them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub email: String,
    pub name: String,
    pub known: bool,
}

/// One line of the suggestion list.
#[derive(Debug, Clone, PartialEq)]
enum Suggestion {
    Known { name: String, email: String },
    New(String),
}

impl Suggestion {
    fn person(&self) -> Person {
        match self {
            Suggestion::Known { name, email } => Person { email: email.clone(), name: name.clone(), known: true },
            Suggestion::New(email) => Person { email: email.clone(), name: String::new(), known: false },
        }
    }
}

/// The suggestions for what was typed: the people found, then a new customer with the address
/// when it is one and nobody found has it.
fn suggestions(typed: &str, found: Vec<User>) -> Vec<Suggestion> {
    let typed = typed.trim();
    let new = Email::parse(typed)
        .ok()
        .filter(|email| !found.iter().any(|u| u.email.eq_ignore_ascii_case(email.as_str())))
        .map(|email| Suggestion::New(email.as_str().to_owned()));
    found
        .into_iter()
        .take(SUGGESTIONS)
        .map(|u| Suggestion::Known { name: u.fullname, email: u.email })
        .chain(new)
        .collect()
}

#[component]
pub fn PersonPicker(
    /// The id of the text input (a `<label for>` and `focus_field` target).
    id: &'static str,
    #[prop(into)] label: String,
    chosen: RwSignal<Option<Person>>,
    /// What is wrong with the choice (the form's or the server's message).
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let session = Session::get();
    let typed = RwSignal::new(String::new());
    let found = RwSignal::new(Vec::<Suggestion>::new());
    let active = RwSignal::new(None::<usize>);
    let open = RwSignal::new(false);
    let searching = RwSignal::new(false);
    let search_error = RwSignal::new(None::<String>);
    let generation = StoredValue::new(0u64);
    let list_id = format!("{id}-options");
    let error_id = format!("{id}-error");
    let option_id = move |index: usize| format!("{id}-option-{index}");

    let search = move |text: String| {
        generation.update_value(|n| *n += 1);
        let mine = generation.get_value();
        if text.trim().chars().count() < 2 {
            found.set(suggestions(&text, Vec::new()));
            open.set(!found.with(Vec::is_empty));
            return;
        }
        set_timeout(
            move || {
                if generation.try_get_value() != Some(mine) {
                    return;
                }
                searching.set(true);
                leptos::task::spawn_local(async move {
                    let call = api::Call::get("/users.json")
                        .query(&[("q", text.trim()), ("per_page", &SUGGESTIONS.to_string())]);
                    let answer = session.read::<Vec<User>>(call).await;
                    // A newer search owns the list now.
                    if generation.try_get_value() != Some(mine) {
                        return;
                    }
                    searching.set(false);
                    match answer {
                        Ok(users) => {
                            search_error.set(None);
                            found.set(suggestions(&text, users));
                        }
                        Err(e) => {
                            search_error.set(Some(format!("The search failed: {}", e.message())));
                            found.set(suggestions(&text, Vec::new()));
                        }
                    }
                    active.set(None);
                    open.set(true);
                });
            },
            PAUSE,
        );
    };

    let pick = move |suggestion: Suggestion| {
        chosen.set(Some(suggestion.person()));
        error.set(None);
        open.set(false);
        typed.set(String::new());
        found.set(Vec::new());
        if !suggestion.person().known {
            request_animation_frame(move || focus_field(&format!("{id}-name")));
        }
    };

    let on_keydown = move |ev: KeyboardEvent| list_keys(&ev, found, active, open, pick);

    let described = error_id.clone();
    view! {
        <div class="field person-picker" data-testid=format!("{id}-picker")>
            <label for=id>{label}</label>
            {move || match chosen.get() {
                Some(person) => {
                    let title = if person.known {
                        format!("{} <{}>", person.name, person.email)
                    } else {
                        format!("New customer: {}", person.email)
                    };
                    view! {
                        <div class="chosen-person" data-testid=format!("{id}-chosen")>
                            <span class="avatar" aria-hidden="true">{initials(&person.name, &person.email)}</span>
                            <span>{title}</span>
                            <button
                                type="button"
                                class="secondary"
                                id=id
                                on:click=move |_| {
                                    chosen.set(None);
                                    request_animation_frame(move || focus_field(id));
                                }
                            >
                                "Change"
                            </button>
                        </div>
                        {(!person.known).then(|| {
                            let name_id = format!("{id}-name");
                            view! {
                                <label for=name_id.clone()>"Their name"</label>
                                <input
                                    id=name_id
                                    type="text"
                                    autocomplete="off"
                                    maxlength="128"
                                    placeholder="Taken from the address when left empty"
                                    prop:value=person.name.clone()
                                    on:input=move |ev| {
                                        let name = event_target_value(&ev);
                                        chosen.update(|c| if let Some(c) = c { c.name = name; });
                                    }
                                />
                            }
                        })}
                    }
                    .into_any()
                }
                None => view! {
                    <input
                        id=id
                        type="text"
                        role="combobox"
                        autocomplete="off"
                        placeholder="Name or email address"
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
                        aria-label="People found"
                        hidden=move || !open.get() || found.with(Vec::is_empty)
                    >
                        {move || found
                            .get()
                            .into_iter()
                            .enumerate()
                            .map(|(index, s)| {
                                let text = match &s {
                                    Suggestion::Known { name, email } => format!("{name} — {email}"),
                                    Suggestion::New(email) => format!("New customer: {email}"),
                                };
                                view! {
                                    <li
                                        id=option_id(index)
                                        role="option"
                                        class:new-person=matches!(s, Suggestion::New(_))
                                        aria-selected=move || (active.get() == Some(index)).to_string()
                                        // Before the input's blur closes the list.
                                        on:mousedown=move |ev| {
                                            ev.prevent_default();
                                            pick(s.clone());
                                        }
                                    >
                                        {text}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    {move || searching.get().then(|| view! { <p class="muted" role="status">"Searching…"</p> })}
                    {move || search_error.get().map(|e| view! { <p class="field-error">{e}</p> })}
                }
                .into_any(),
            }}
            <p class="field-error" id=error_id aria-live="polite">{move || error.get()}</p>
        </div>
    }
}

/// `Nora New` → `NN`; a person without a name by their address's first letter.
pub fn initials(name: &str, email: &str) -> String {
    let letters: String = name.split_whitespace().filter_map(|w| w.chars().next()).take(2).collect();
    if letters.is_empty() {
        email.chars().next().map(|c| c.to_uppercase().collect()).unwrap_or_default()
    } else {
        letters.to_uppercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str, email: &str) -> User {
        User {
            id: 1,
            username: None,
            email: email.into(),
            fullname: name.into(),
            firstname: name.into(),
            lastname: String::new(),
            phone: String::new(),
            level: shared::AccessLevel::AuthorizedUser,
            level_name: String::new(),
            created: String::new(),
            last_login: None,
            email_confirmed: false,
            email_notifications: true,
            signature: String::new(),
            timezone: None,
            language: None,
        }
    }

    #[test]
    fn a_new_address_is_offered_only_when_nobody_found_has_it() {
        let found = vec![user("Carol", "carol@example.com")];
        assert_eq!(suggestions("carol@example.com", found.clone()).len(), 1);
        assert_eq!(suggestions("CAROL@example.com", found.clone()).len(), 1);
        let both = suggestions("nora@example.com", found);
        assert_eq!(both.last(), Some(&Suggestion::New("nora@example.com".into())));
        assert!(suggestions("nora", Vec::new()).is_empty(), "not an address");
    }

    #[test]
    fn initials_come_from_the_name_or_else_the_address() {
        assert_eq!(initials("Nora New", "n@example.com"), "NN");
        assert_eq!(initials("carol", "c@example.com"), "C");
        assert_eq!(initials("  ", "omar@example.com"), "O");
        assert_eq!(initials("Ana María López", "a@example.com"), "AM");
    }
}
