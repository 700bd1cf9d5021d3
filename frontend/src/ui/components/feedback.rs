//! The loading and error states every request shows, so that no page is ever blank or silent.

use leptos::prelude::*;

use crate::api::ApiError;

/// An announced "working on it" line (`role="status"` is read out by screen readers).
#[component]
pub fn Loading(#[prop(into)] label: String) -> impl IntoView {
    view! {
        <p class="loading" role="status" data-testid="loading">
            <span class="spinner" aria-hidden="true"></span>
            {label}
        </p>
    }
}

/// An error summary: the server's sentence, then each field it rejected. Forms also show those
/// field messages next to their fields; the summary is what an `alert` announces.
#[component]
pub fn ErrorNotice(
    error: ApiError,
    /// Offers a "Try again" button when the failed request can simply be repeated (and only for
    /// errors a repeat may cure: a missing ticket stays missing).
    #[prop(optional, into)]
    retry: Option<Callback<()>>,
) -> impl IntoView {
    let fields = error.fields();
    let retry = retry.filter(|_| error.is_transient());
    view! {
        <div class="notice notice-error" role="alert" data-testid="error">
            <p>{error.message()}</p>
            {(!fields.is_empty()).then(|| view! {
                <ul>
                    {fields.into_iter()
                        .map(|(field, message)| view! { <li>{field}": "{message}</li> })
                        .collect_view()}
                </ul>
            })}
            {retry.map(|retry| view! {
                <button type="button" class="secondary" on:click=move |_| retry.run(())>
                    "Try again"
                </button>
            })}
        </div>
    }
}

/// A message under a form field; `id` is what the field's `aria-describedby` points at.
#[component]
pub fn FieldError(#[prop(into)] id: String, message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p class="field-error" id=id aria-live="polite">
            {move || message.get()}
        </p>
    }
}

/// Moves keyboard focus to a form field, so that after a rejected submit the first thing to fix
/// is where the cursor (and a screen reader) already is.
pub fn focus_field(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(field) =
        document().get_element_by_id(id).and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
    {
        // Focus can only fail for elements that cannot take it; then there is nothing better to do.
        let _ = field.focus();
    }
}
