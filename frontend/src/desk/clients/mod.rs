//! Clients (NodePoint's directory, ITFlow's "Client & Contact"): the organisations tickets hang
//! on, their contacts and the timeline of calls, mails, meetings and notes. `/clients` lists and
//! finds them, `/clients/new` adds one, `/clients/{id}` is a client's page; the ticket's side
//! panel and the new-ticket form pick a client and contact with [`picker`].
//!
//! Who may do what follows the server: reading needs the "Can view client details" threshold
//! (Admin › Settings), changing a client or its contacts the user-manager level, adding events
//! the "Can add client events" threshold. What a person may not do is not offered.

pub mod calls;
pub mod contacts;
pub mod events;
pub mod form;
pub mod list;
pub mod page;
pub mod picker;

use leptos::prelude::*;
use shared::clients::ClientStatus;
use shared::settings::Capability;
use shared::AccessLevel;
use ui::session::Session;
use ui::site::Site;

/// The lowest level a capability needs, as the settings say (or its default).
pub fn threshold(capability: Capability) -> AccessLevel {
    Site::get().with(|s| s.and_then(|s| s.capabilities.get(&capability).copied())).unwrap_or(capability.default_level())
}

/// Whether the signed-in person reaches `capability`'s threshold, tracked.
pub fn allowed(capability: Capability) -> Memo<bool> {
    let session = Session::get();
    Memo::new(move |_| {
        let needed = threshold(capability);
        session.user().is_some_and(|u| u.level >= needed)
    })
}

/// Reading the directory ("Can view client details").
pub fn may_view() -> Memo<bool> {
    allowed(Capability::ViewClientDetails)
}

/// Changing clients and their contacts: user managers and administrators, as NodePoint's
/// manual says.
pub const EDIT_LEVEL: AccessLevel = AccessLevel::UserManager;

pub fn may_edit() -> Memo<bool> {
    let session = Session::get();
    Memo::new(move |_| session.user().is_some_and(|u| u.level >= EDIT_LEVEL))
}

/// A client's status as a badge (its colour only repeats what the text says).
#[component]
pub fn StatusBadge(status: ClientStatus) -> impl IntoView {
    let name = status.as_str();
    view! {
        <span class=format!("badge client-status client-{}", name.to_ascii_lowercase()) data-testid="client-status">
            {name}
        </span>
    }
}

/// `/clients/{id}` as a path inside the desk.
pub fn client_path(id: i64) -> String {
    format!("/clients/{id}")
}
