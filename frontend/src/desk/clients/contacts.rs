//! A client's contacts beside its page: who they are, whether they are the technical contact (who
//! sees and answers every ticket of the client in the portal) or the primary one (the default
//! contact of a new ticket), and whether they have an account yet; added, changed and removed in
//! place by user managers.

use leptos::prelude::*;
use shared::clients::{
    check_client_name, check_line, check_optional_email, Contact, ContactInput, CLIENT_FIELD_MAX_CHARS,
    CLIENT_NAME_MAX_CHARS,
};
use ui::components::feedback::{ErrorNotice, Loading};
use ui::components::form::{CheckField, Checks, ConfirmButton, FieldErrors, TextField};
use ui::crud::{on_submit, send_action, ActionError};
use ui::session::Session;
use ui::task::{Loader, Task};

use super::{calls, may_edit};

/// `on_change`: a contact was added, changed or removed (the client's primary contact may be
/// another now).
#[component]
pub fn Contacts(id: i64, on_change: Callback<()>) -> impl IntoView {
    let session = Session::get();
    let editor = may_edit();
    let contacts = Loader::new(move || async move { session.read::<Vec<Contact>>(calls::contacts(id)).await });
    let adding = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let changed = Callback::new(move |text: String| {
        notice.set(Some(text));
        contacts.reload();
        on_change.run(());
    });
    let added = Callback::new(move |contact: Contact| {
        adding.set(false);
        changed.run(format!("Added {}.", contact.name));
    });

    view! {
        <aside class="ticket-side" aria-label="Contacts">
            <section class="side-section" aria-labelledby="contacts-heading" data-testid="client-contacts">
                <h2 id="contacts-heading">"Contacts"</h2>
                <p class="done" role="status" data-testid="contacts-notice">{move || notice.get()}</p>
                {move || match contacts.get() {
                    None => view! { <Loading label="Loading contacts…"/> }.into_any(),
                    Some(Err(error)) => view! {
                        <ErrorNotice error retry=Callback::new(move |()| contacts.reload())/>
                    }
                    .into_any(),
                    Some(Ok(list)) if list.is_empty() => view! { <p class="muted">"No contacts yet."</p> }.into_any(),
                    Some(Ok(list)) => view! {
                        <ul class="contact-list">
                            {list.into_iter().map(|contact| view! { <ContactItem client=id contact editor changed/> }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                }}
                <Show when=move || editor.get()>
                    <Show
                        when=move || adding.get()
                        fallback=move || view! {
                            <button type="button" class="secondary" data-testid="add-contact" on:click=move |_| {
                                notice.set(None);
                                adding.set(true);
                            }>
                                "Add contact"
                            </button>
                        }
                    >
                        <ContactForm client=id on_saved=added on_cancel=Callback::new(move |()| adding.set(false))/>
                    </Show>
                </Show>
            </section>
        </aside>
    }
}

#[component]
fn ContactItem(client: i64, contact: Contact, editor: Memo<bool>, changed: Callback<String>) -> impl IntoView {
    let session = Session::get();
    let editing = RwSignal::new(false);
    let remove = Task::<()>::new();
    let name = StoredValue::new(contact.name.clone());
    let contact_id = contact.id;
    let confirm = Callback::new(move |()| {
        remove.run(async move {
            session.send(&calls::remove_contact(client, contact_id)).await?;
            changed.run(format!("Removed {}.", name.get_value()));
            Ok(())
        });
    });
    let saved = Callback::new(move |contact: Contact| {
        editing.set(false);
        changed.run(format!("Saved {}.", contact.name));
    });
    let account = if contact.user_id.is_some() { "has an account" } else { "no account yet" };
    let shown = contact.clone();
    view! {
        <li class="contact" data-testid="contact">
            <Show
                when=move || editing.get()
                fallback=move || {
                    let c = shown.clone();
                    let mailto = format!("mailto:{}", c.email);
                    view! {
                        <p class="person-name" data-testid="contact-name">{c.name.clone()}</p>
                        {(!c.title.is_empty()).then(|| view! { <p class="muted">{c.title.clone()}</p> })}
                        <p class="contact-badges">
                            {c.primary.then(|| view! { <span class="badge contact-primary" data-testid="contact-primary">"primary"</span> })}
                            {c.technical.then(|| view! { <span class="badge contact-technical" data-testid="contact-technical">"technical"</span> })}
                            <span class="badge contact-account" data-testid="contact-account">{account}</span>
                        </p>
                        {(!c.email.is_empty()).then(|| view! { <p class="wrap"><a href=mailto>{c.email.clone()}</a></p> })}
                        {(!c.phone.is_empty()).then(|| view! { <p>{c.phone.clone()}</p> })}
                        <Show when=move || editor.get()>
                            <div class="row-buttons">
                                <button type="button" class="secondary" aria-label=format!("Edit contact {}", name.get_value())
                                    on:click=move |_| editing.set(true)>
                                    "Edit"
                                </button>
                                <ConfirmButton label="Remove" what=format!("contact {}", name.get_value())
                                    on_confirm=confirm pending=remove.pending()/>
                            </div>
                        </Show>
                        {move || remove.error().map(|error| view! { <ErrorNotice error/> })}
                    }
                }
            >
                <ContactForm client contact=contact.clone() on_saved=saved on_cancel=Callback::new(move |()| editing.set(false))/>
            </Show>
        </li>
    }
}

/// A new contact, or one to change: name, address, phone, title and the two roles.
#[component]
fn ContactForm(
    client: i64,
    #[prop(optional)] contact: Option<Contact>,
    on_saved: Callback<Contact>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let contact_id = contact.as_ref().map(|c| c.id);
    let prefix = match contact_id {
        Some(id) => format!("contact-{id}"),
        None => "contact-new".to_owned(),
    };
    let field = |pick: fn(&Contact) -> String| RwSignal::new(contact.as_ref().map(pick).unwrap_or_default());
    let name = field(|c| c.name.clone());
    let email = field(|c| c.email.clone());
    let phone = field(|c| c.phone.clone());
    let title = field(|c| c.title.clone());
    let technical = RwSignal::new(contact.as_ref().is_some_and(|c| c.technical));
    let primary = RwSignal::new(contact.as_ref().is_some_and(|c| c.primary));
    let errors = RwSignal::new(FieldErrors::new());
    let save = send_action(
        errors,
        move |token: String, input: ContactInput| async move {
            let call = match contact_id {
                Some(id) => calls::update_contact(client, id, &input),
                None => calls::add_contact(client, &input),
            };
            call.read::<Contact>(Some(&token)).await
        },
        move |saved: Contact| on_saved.run(saved),
    );
    let ids = StoredValue::new(prefix.clone());
    let submit = on_submit(errors, save, move |checks: &mut Checks| {
        let id = |key: &str| format!("{}-{key}", ids.get_value());
        let line = |value: RwSignal<String>| check_line(&value.get_untracked(), CLIENT_FIELD_MAX_CHARS);
        let checked_name = checks.check("name", &id("name"), "Name", check_client_name(&name.get_untracked()));
        let checked_email = checks.check("email", &id("email"), "Email", check_optional_email(&email.get_untracked()));
        let checked_phone = checks.check("phone", &id("phone"), "Phone", line(phone));
        let checked_title = checks.check("title", &id("title"), "Title", line(title));
        Some(ContactInput {
            user_id: None,
            name: Some(checked_name?),
            email: Some(checked_email?),
            phone: Some(checked_phone?),
            title: Some(checked_title?),
            technical: Some(technical.get_untracked()),
            primary: Some(primary.get_untracked()),
        })
    });
    let pending = save.pending();
    let label = match &contact {
        Some(c) => format!("Edit contact {}", c.name),
        None => "Add a contact".to_owned(),
    };
    let button = if contact_id.is_some() { ("Save contact", "Saving…") } else { ("Add contact", "Adding…") };
    view! {
        <form class="stack" novalidate aria-label=label data-testid="contact-form" on:submit=move |ev| submit.run(ev)>
            <TextField id=format!("{prefix}-name") name="name" label="Name" value=name errors required=true
                maxlength=CLIENT_NAME_MAX_CHARS autocomplete="off"/>
            <TextField id=format!("{prefix}-email") name="email" label="Email" value=email errors input_type="email"
                autocomplete="off" hint="Their mail from this address is theirs; they get an account when they first write in."/>
            <TextField id=format!("{prefix}-phone") name="phone" label="Phone" value=phone errors input_type="tel" autocomplete="off"/>
            <TextField id=format!("{prefix}-title") name="title" label="Title" value=title errors autocomplete="off"/>
            <CheckField id=format!("{prefix}-technical") label="Technical contact" checked=technical
                hint="Sees and answers every ticket of the client in the portal."/>
            <CheckField id=format!("{prefix}-primary") label="Primary contact" checked=primary
                hint="The default contact of the client's new tickets."/>
            <ActionError action=save/>
            <div class="button-row">
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { button.1 } else { button.0 }}
                </button>
                <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
        </form>
    }
}
