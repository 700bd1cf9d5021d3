//! A client's fields as a form, for a new client and for changing one: checked with the same
//! functions the server runs (`shared::clients::check_*`), so the desk refuses what the server
//! would; what only the server knows (a mail domain another client has) comes back as a 422 and
//! shows by its field.

use leptos::prelude::*;
use shared::clients::{
    check_client_name, check_domains, check_line, check_notes, check_optional_email, check_website, Client,
    ClientInput, ClientStatus, CLIENT_FIELD_MAX_CHARS, CLIENT_NAME_MAX_CHARS,
};
use ui::components::form::{Checks, FieldErrors, TextArea, TextField};
use ui::crud::{on_submit, send_action, ActionError};

use super::calls;

/// `acme.example, @Acme.org  b.example` → each domain as typed (checked later).
pub fn split_domains(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|part| !part.is_empty())
        .map(str::to_owned)
        .collect()
}

#[component]
pub fn ClientForm(
    /// The client to change; none for a new one.
    #[prop(optional)]
    client: Option<Client>,
    /// Gets the client as the server saved it.
    on_saved: Callback<Client>,
    #[prop(optional)] on_cancel: Option<Callback<()>>,
) -> impl IntoView {
    let id = client.as_ref().map(|c| c.id);
    let prefix: &'static str = if id.is_some() { "client-edit" } else { "client-new" };
    let field = |pick: fn(&Client) -> String| RwSignal::new(client.as_ref().map(pick).unwrap_or_default());
    let name = field(|c| c.name.clone());
    let email = field(|c| c.email.clone());
    let phone = field(|c| c.phone.clone());
    let address = field(|c| c.address.clone());
    let website = field(|c| c.website.clone());
    let notes = field(|c| c.notes.clone());
    let domains = field(|c| c.domains.join(", "));
    let status = RwSignal::new(client.as_ref().map(|c| c.status).unwrap_or_default());
    let errors = RwSignal::new(FieldErrors::new());

    let save = send_action(
        errors,
        move |token: String, input: ClientInput| async move {
            let call = match id {
                Some(id) => calls::update(id, &input),
                None => calls::create(&input),
            };
            call.read::<Client>(Some(&token)).await
        },
        move |saved: Client| on_saved.run(saved),
    );
    let submit = on_submit(errors, save, move |checks: &mut Checks| {
        let id = |key: &str| format!("{prefix}-{key}");
        let line = |value: RwSignal<String>| check_line(&value.get_untracked(), CLIENT_FIELD_MAX_CHARS);
        let checked_name = checks.check("name", &id("name"), "Name", check_client_name(&name.get_untracked()));
        let checked_email = checks.check("email", &id("email"), "Email", check_optional_email(&email.get_untracked()));
        let checked_phone = checks.check("phone", &id("phone"), "Phone", line(phone));
        let checked_address = checks.check("address", &id("address"), "Address", line(address));
        let checked_website =
            checks.check("website", &id("website"), "Website", check_website(&website.get_untracked()));
        let checked_notes = checks.check("notes", &id("notes"), "Notes", check_notes(&notes.get_untracked()));
        let checked_domains = checks.check(
            "domains",
            &id("domains"),
            "Mail domains:",
            check_domains(&split_domains(&domains.get_untracked())),
        );
        Some(ClientInput {
            name: Some(checked_name?),
            status: Some(status.get_untracked().as_str().to_owned()),
            email: Some(checked_email?),
            phone: Some(checked_phone?),
            address: Some(checked_address?),
            website: Some(checked_website?),
            notes: Some(checked_notes?),
            domains: Some(checked_domains?),
        })
    });
    let pending = save.pending();
    let status_error = Signal::derive(move || errors.with(|e| e.get("status").cloned()));
    let label = if id.is_some() { "Edit client" } else { "New client" };
    let button = if id.is_some() { ("Save client", "Saving…") } else { ("Create client", "Creating…") };
    let status_id = format!("{prefix}-status");

    view! {
        <form class="stack" novalidate aria-label=label data-testid="client-form" on:submit=move |ev| submit.run(ev)>
            <div class="grid-2">
                <TextField id=format!("{prefix}-name") name="name" label="Name" value=name errors required=true
                    maxlength=CLIENT_NAME_MAX_CHARS autocomplete="organization"/>
                <div class="field">
                    <label for=status_id.clone()>"Status"</label>
                    <select
                        id=status_id.clone()
                        name="status"
                        aria-describedby=format!("{status_id}-error")
                        on:change=move |ev| {
                            if let Ok(chosen) = ClientStatus::parse(&event_target_value(&ev)) {
                                status.set(chosen);
                            }
                            errors.update(|e| { e.remove("status"); });
                        }
                    >
                        {ClientStatus::ALL.into_iter().map(|s| view! {
                            <option value=s.as_str() prop:selected=move || status.get() == s>{s.as_str()}</option>
                        }).collect_view()}
                    </select>
                    <p class="field-error" id=format!("{status_id}-error") aria-live="polite">{move || status_error.get()}</p>
                </div>
                <TextField id=format!("{prefix}-email") name="email" label="Email" value=email errors input_type="email"
                    autocomplete="off"/>
                <TextField id=format!("{prefix}-phone") name="phone" label="Phone" value=phone errors input_type="tel"
                    autocomplete="off"/>
                <TextField id=format!("{prefix}-address") name="address" label="Address" value=address errors
                    autocomplete="off"/>
                <TextField id=format!("{prefix}-website") name="website" label="Website" value=website errors
                    input_type="url" hint="An http:// or https:// address." autocomplete="off"/>
            </div>
            <TextField id=format!("{prefix}-domains") name="domains" label="Mail domains" value=domains errors
                autocomplete="off"
                hint="Mail from unknown senders at these domains opens tickets for this client. Separate them with commas or spaces."/>
            <TextArea id=format!("{prefix}-notes") name="notes" label="Notes" value=notes errors rows=4/>
            <ActionError action=save/>
            <div class="button-row">
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { button.1 } else { button.0 }}
                </button>
                {on_cancel.map(|cancel| view! {
                    <button type="button" class="secondary" on:click=move |_| cancel.run(())>"Cancel"</button>
                })}
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::split_domains;

    #[test]
    fn domains_are_split_on_commas_and_spaces() {
        assert_eq!(split_domains("a.com, b.org  c.net;d.io"), ["a.com", "b.org", "c.net", "d.io"]);
        assert!(split_domains(" , ").is_empty());
    }
}
