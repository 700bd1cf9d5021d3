//! Form pieces the portal and admin screens share: a labelled field that shows its own error, a
//! checkbox with an explanation, and a delete button that asks for confirmation in place.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::feedback::focus_field;
use shared::settings::Visibility;

/// Field key → what is wrong with it. Keys are the API's field names, so the server's 422
/// `fields` and the browser's own checks land in the same place.
pub type FieldErrors = BTreeMap<String, String>;

/// Collects the browser-side checks of a form.
#[derive(Debug, Default)]
pub struct Checks {
    pub errors: FieldErrors,
    first: Option<String>,
}

impl Checks {
    /// Records `result` under `key`; the message reads "<Label> <reason>.".
    pub fn check<T>(&mut self, key: &str, id: &str, label: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(reason) => {
                self.fail(key, id, format!("{label} {reason}."));
                None
            }
        }
    }

    pub fn fail(&mut self, key: &str, id: &str, message: String) {
        self.errors.entry(key.to_owned()).or_insert(message);
        if self.first.is_none() {
            self.first = Some(id.to_owned());
        }
    }

    /// Shows the errors; true when there were none. Moves focus to the first field to fix.
    pub fn finish(self, errors: RwSignal<FieldErrors>) -> bool {
        let ok = self.errors.is_empty();
        if let Some(id) = &self.first {
            focus_field(id);
        }
        errors.set(self.errors);
        ok
    }
}

/// Shows the server's per-field messages next to the fields (422).
pub fn show_server_errors(error: &ApiError, errors: RwSignal<FieldErrors>) {
    let fields = error.fields();
    if !fields.is_empty() {
        errors.set(fields);
    }
}

/// A labelled text input whose error line sits under it and is announced when it appears.
#[component]
pub fn TextField(
    #[prop(into)] id: String,
    /// The key of this field in `errors` (the API's field name).
    #[prop(into)]
    name: String,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
    #[prop(optional, into)] input_type: Option<String>,
    #[prop(optional, into)] autocomplete: Option<String>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] inputmode: Option<String>,
    #[prop(optional)] required: bool,
    #[prop(optional)] maxlength: Option<usize>,
) -> impl IntoView {
    // Forms drawn from a table of fields give every field a hint, "" for none.
    let hint = hint.filter(|h| !h.is_empty());
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = if hint.is_some() { format!("{hint_id} {error_id}") } else { error_id.clone() };
    let key = StoredValue::new(name.clone());
    let message = Signal::derive(move || key.with_value(|k| errors.with(|e| e.get(k).cloned())));
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <p class="hint" id=hint_id>{hint}</p> })}
            <input
                id=id
                name=name
                type=input_type.unwrap_or_else(|| "text".to_owned())
                autocomplete=autocomplete
                inputmode=inputmode
                maxlength=maxlength.map(|m| m.to_string())
                required=required
                aria-required=required.then_some("true")
                aria-describedby=described
                aria-invalid=move || message.with(Option::is_some).to_string()
                prop:value=move || value.get()
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    key.with_value(|k| errors.update(|e| { e.remove(k); }));
                }
            />
            <p class="field-error" id=error_id aria-live="polite">{move || message.get()}</p>
        </div>
    }
}

/// A checkbox with a one-line explanation under it.
#[component]
pub fn CheckField(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    checked: RwSignal<bool>,
    #[prop(optional, into)] hint: Option<String>,
    /// For a choice that takes effect at once, without a form to submit.
    #[prop(optional, into)]
    on_change: Option<Callback<bool>>,
) -> impl IntoView {
    let hint = hint.filter(|h| !h.is_empty());
    let hint_id = format!("{id}-hint");
    let described = hint.is_some().then(|| hint_id.clone());
    let input_id = id.clone();
    view! {
        <div class="field field-check">
            <label for=id>
                <input
                    id=input_id
                    type="checkbox"
                    aria-describedby=described
                    prop:checked=move || checked.get()
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        checked.set(on);
                        if let Some(on_change) = on_change {
                            on_change.run(on);
                        }
                    }
                />
                {label}
            </label>
            {hint.map(|hint| view! { <p class="hint" id=hint_id>{hint}</p> })}
        </div>
    }
}

/// "Delete" that first asks "Delete <what>?" in place, with the real action and a way back.
#[component]
pub fn ConfirmButton(
    /// The button's text, e.g. "Delete" or "Revoke".
    #[prop(into)]
    label: String,
    /// What it acts on, for the question and for screen readers ("Delete queue Network").
    #[prop(into)]
    what: String,
    on_confirm: Callback<()>,
    #[prop(into)] pending: Signal<bool>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let label = StoredValue::new(label);
    let what = StoredValue::new(what);
    move || {
        if asking.get() {
            view! {
                <span class="confirm" role="group" aria-label="Confirm">
                    <span>{format!("{} {}?", label.get_value(), what.get_value())}</span>
                    <button
                        type="button"
                        class="danger"
                        disabled=move || pending.get()
                        on:click=move |_| {
                            on_confirm.run(());
                            asking.set(false);
                        }
                    >
                        {format!("Yes, {}", label.get_value().to_lowercase())}
                    </button>
                    <button type="button" class="secondary" on:click=move |_| asking.set(false)>
                        "Cancel"
                    </button>
                </span>
            }
            .into_any()
        } else {
            view! {
                <button
                    type="button"
                    class="secondary danger-text"
                    aria-label=format!("{} {}", label.get_value(), what.get_value())
                    disabled=move || pending.get()
                    on:click=move |_| asking.set(true)
                >
                    {label.get_value()}
                </button>
            }
            .into_any()
        }
    }
}

/// A labelled text area whose error line sits under it.
#[component]
pub fn TextArea(
    #[prop(into)] id: String,
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
    #[prop(optional)] rows: Option<u32>,
    #[prop(optional, into)] hint: Option<String>,
) -> impl IntoView {
    let hint = hint.filter(|h| !h.is_empty());
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = if hint.is_some() { format!("{hint_id} {error_id}") } else { error_id.clone() };
    let key = StoredValue::new(name.clone());
    let message = Signal::derive(move || key.with_value(|k| errors.with(|e| e.get(k).cloned())));
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <p class="hint" id=hint_id>{hint}</p> })}
            <textarea
                id=id
                name=name
                rows=rows.unwrap_or(6).to_string()
                aria-describedby=described
                aria-invalid=move || message.with(Option::is_some).to_string()
                prop:value=move || value.get()
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    key.with_value(|k| errors.update(|e| { e.remove(k); }));
                }
            ></textarea>
            <p class="field-error" id=error_id aria-live="polite">{move || message.get()}</p>
        </div>
    }
}

/// Ticket visibility as three radio buttons, each with its one-line explanation.
#[component]
pub fn VisibilityChoice(#[prop(into)] name: String, value: RwSignal<Visibility>) -> impl IntoView {
    view! {
        <fieldset class="choice choice-column">
            <legend>"Ticket visibility"</legend>
            {Visibility::ALL.into_iter().map(|option| {
                let id = format!("{name}-{}", option.as_str());
                let input_id = id.clone();
                view! {
                    <label for=id>
                        <input
                            id=input_id
                            type="radio"
                            name=name.clone()
                            value=option.as_str()
                            prop:checked=move || value.get() == option
                            on:change=move |_| value.set(option)
                        />
                        {option.label()}
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// The resolution a status change out of the open states needs.
#[component]
pub fn ResolutionField(id: &'static str, value: RwSignal<String>, error: RwSignal<Option<String>>) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id>"Resolution (required)"</label>
            <textarea
                id=id
                rows="3"
                aria-required="true"
                aria-describedby=error_id.clone()
                aria-invalid=move || error.get().is_some().to_string()
                prop:value=move || value.get()
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    error.set(None);
                }
            ></textarea>
            <crate::components::feedback::FieldError id=error_id message=error.into()/>
        </div>
    }
}
