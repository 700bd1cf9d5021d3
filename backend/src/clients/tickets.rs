//! A ticket's client and contact: chosen by agents, or taken from its customer — their contact's
//! client, or the client whose mail domain their address is at (who then becomes its contact,
//! as ITFlow does). A closed client takes no new tickets.

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;

use super::contacts;
use super::directory;
use super::rows::{ClientRow, ContactRow};
use crate::core::auth::level_of;
use crate::core::db::models::UserRow;
use crate::core::db::schema::{clients, contacts as contact_table};
use crate::core::db::AnyConnection;
use crate::core::error::{ApiError, ApiResult};

/// A client and contact an agent chose, checked.
#[derive(Debug, Clone, Default)]
pub struct Chosen {
    pub client: Option<ClientRow>,
    pub contact: Option<ContactRow>,
}

fn closed(client: &ClientRow) -> String {
    format!("{} is closed: it takes no new tickets", client.name)
}

/// Checks the `client_id` and `contact_id` an agent gives a new ticket; errors go by field.
pub fn check_chosen(
    conn: &mut AnyConnection,
    client_id: Option<i64>,
    contact_id: Option<i64>,
    errors: &mut BTreeMap<String, String>,
) -> ApiResult<Chosen> {
    let client = match client_id {
        Some(id) => match directory::find(conn, id) {
            Ok(c) if c.is_closed() => {
                errors.insert("client_id".into(), closed(&c));
                None
            }
            Ok(c) => Some(c),
            Err(ApiError::NotFound(_)) => {
                errors.insert("client_id".into(), "no such client".into());
                None
            }
            Err(e) => return Err(e),
        },
        None => None,
    };
    let contact = match contact_id {
        Some(id) => {
            let found: Option<ContactRow> =
                contact_table::table.find(id).select(ContactRow::as_select()).first(conn).optional()?;
            match (found, &client) {
                (None, _) => {
                    errors.insert("contact_id".into(), "no such contact".into());
                    None
                }
                (Some(c), Some(client)) if c.client_id != client.id => {
                    errors.insert("contact_id".into(), format!("is not a contact of {}", client.name));
                    None
                }
                (Some(c), _) => Some(c),
            }
        }
        None => None,
    };
    // A contact alone names its client.
    let client = match (client, &contact) {
        (None, Some(c)) if client_id.is_none() => {
            let client = directory::find(conn, c.client_id)?;
            if client.is_closed() {
                errors.insert("contact_id".into(), closed(&client));
            }
            Some(client)
        }
        (client, _) => client,
    };
    Ok(Chosen { client, contact })
}

/// The client and contact of a new ticket of `owner`: what an agent chose, else the owner's own
/// client (a closed one refuses the ticket), else the client of their address's domain.
pub fn for_new_ticket(
    conn: &mut AnyConnection,
    owner: &UserRow,
    chosen: Chosen,
) -> ApiResult<(Option<i64>, Option<i64>)> {
    let own = contacts::of_user(conn, owner.id)?;
    if let Some(client) = chosen.client {
        let contact = match chosen.contact {
            Some(c) => Some(c.id),
            None => match own.filter(|c| c.client_id == client.id) {
                Some(c) => Some(c.id),
                None => client.primary_contact_id,
            },
        };
        return Ok((Some(client.id), contact));
    }
    if let Some(contact) = own {
        let client = directory::find(conn, contact.client_id)?;
        if client.is_closed() {
            return Err(ApiError::field("client_id", closed(&client)));
        }
        return Ok((Some(client.id), Some(contact.id)));
    }
    if level_of(owner).is_staff() {
        return Ok((None, None));
    }
    match directory::by_domain(conn, &owner.email)?.filter(|c| !c.is_closed()) {
        Some(client) => {
            let id = diesel::insert_into(contact_table::table)
                .values((
                    contact_table::client_id.eq(client.id),
                    contact_table::user_id.eq(owner.id),
                    contact_table::name.eq(&owner.fullname),
                    contact_table::email.eq(&owner.email),
                    contact_table::phone.eq(&owner.phone),
                    contact_table::created_at.eq(chrono::Utc::now().naive_utc()),
                ))
                .returning(contact_table::id)
                .get_result(conn)?;
            Ok((Some(client.id), Some(id)))
        }
        None => Ok((None, None)),
    }
}

/// A change of a ticket's client or contact, worked out: the new pair, or `None` when it stays.
#[derive(Debug, Clone)]
pub struct Change {
    pub client: Option<ClientRow>,
    pub contact: Option<ContactRow>,
}

/// Checks an agent's `client_id` / `contact_id` on an existing ticket (`0` removes).
pub fn check_change(
    conn: &mut AnyConnection,
    owner_id: i64,
    current: (Option<i64>, Option<i64>),
    client_id: Option<i64>,
    contact_id: Option<i64>,
) -> ApiResult<Option<Change>> {
    let mut errors = BTreeMap::new();
    let client_id = match client_id {
        Some(0) => None,
        Some(id) => Some(id),
        None => current.0,
    };
    let chosen = check_chosen(conn, client_id.filter(|id| Some(*id) != current.0), None, &mut errors)?;
    let client = match (chosen.client, client_id) {
        (Some(c), _) => Some(c),
        // The ticket's own client, closed or not: it keeps it.
        (None, Some(id)) if errors.is_empty() => Some(directory::find(conn, id)?),
        _ => None,
    };
    let contact = match contact_id {
        Some(0) => None,
        Some(id) => {
            let c = check_chosen(conn, None, Some(id), &mut errors)?.contact;
            match (&c, &client) {
                (Some(c), Some(client)) if c.client_id != client.id => {
                    errors.insert("contact_id".into(), format!("is not a contact of {}", client.name));
                }
                (Some(_), None) => {
                    errors.insert("contact_id".into(), "needs the ticket's client: set client_id too".into());
                }
                _ => {}
            }
            c
        }
        None if client.as_ref().map(|c| c.id) == current.0 => match current.1 {
            Some(id) => contact_table::table.find(id).select(ContactRow::as_select()).first(conn).optional()?,
            None => None,
        },
        // A new client: the customer when they are its contact, else its primary contact.
        None => match &client {
            Some(client) => {
                let own = contacts::of_user(conn, owner_id)?.filter(|c| c.client_id == client.id);
                match own.map(|c| c.id).or(client.primary_contact_id) {
                    Some(id) => contact_table::table.find(id).select(ContactRow::as_select()).first(conn).optional()?,
                    None => None,
                }
            }
            None => None,
        },
    };
    if !errors.is_empty() {
        return Err(ApiError::InvalidFields(errors));
    }
    if client.as_ref().map(|c| c.id) == current.0 && contact.as_ref().map(|c| c.id) == current.1 {
        return Ok(None);
    }
    Ok(Some(Change { client, contact }))
}

/// The client a person sees every ticket of: theirs, when they are its technical contact.
pub fn technical_client(conn: &mut AnyConnection, user_id: i64) -> ApiResult<Option<i64>> {
    Ok(contact_table::table
        .filter(contact_table::user_id.eq(user_id))
        .filter(contact_table::technical.eq(true))
        .select(contact_table::client_id)
        .first(conn)
        .optional()?)
}

/// The names of these clients and contacts, for tickets that name them.
pub fn names(
    conn: &mut AnyConnection,
    client_ids: &[i64],
    contact_ids: &[i64],
) -> ApiResult<(HashMap<i64, String>, HashMap<i64, String>)> {
    let clients: HashMap<i64, String> = clients::table
        .filter(clients::id.eq_any(client_ids))
        .select((clients::id, clients::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let contacts: HashMap<i64, String> = contact_table::table
        .filter(contact_table::id.eq_any(contact_ids))
        .select((contact_table::id, contact_table::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    Ok((clients, contacts))
}
