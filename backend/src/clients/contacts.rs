//! The people of a client. A contact is a customer account, or a name and address that becomes
//! one when its owner first writes in (`claim`, called as the account is made). One contact per
//! account and per address, so that a customer's tickets take one client.

use std::collections::BTreeMap;

use diesel::prelude::*;
use serde_json::json;
use shared::clients::{
    check_client_name, check_line, check_optional_email, Contact, ContactInput, CLIENT_FIELD_MAX_CHARS,
};

use super::directory::{self, record};
use super::rows::ContactRow;
use crate::core::auth::{find_by_login, level_of, Actor};
use crate::core::db::models::UserRow;
use crate::core::db::schema::{clients, contacts, tickets, users};
use crate::core::db::AnyConnection;
use crate::core::error::{ApiError, ApiResult};

/// A contact of this client, or 404.
pub fn find(conn: &mut AnyConnection, client_id: i64, id: i64) -> ApiResult<ContactRow> {
    contacts::table
        .find(id)
        .filter(contacts::client_id.eq(client_id))
        .select(ContactRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound("contact"))
}

/// The contact an account is.
pub fn of_user(conn: &mut AnyConnection, user_id: i64) -> ApiResult<Option<ContactRow>> {
    Ok(contacts::table.filter(contacts::user_id.eq(user_id)).select(ContactRow::as_select()).first(conn).optional()?)
}

/// A contact's address, when it exists and has one.
pub fn address(conn: &mut AnyConnection, id: i64) -> ApiResult<Option<String>> {
    let email: Option<String> = contacts::table.find(id).select(contacts::email).first(conn).optional()?;
    Ok(email.filter(|e| !e.is_empty()))
}

/// A new account takes the contact written for its address, if there is one.
pub fn claim(conn: &mut AnyConnection, user_id: i64, email: &str) -> ApiResult<()> {
    diesel::update(
        contacts::table.filter(contacts::user_id.is_null()).filter(contacts::email.eq(email.to_lowercase())),
    )
    .set(contacts::user_id.eq(user_id))
    .execute(conn)?;
    Ok(())
}

/// Contacts as the API shows them.
pub fn render(rows: Vec<ContactRow>, primary: Option<i64>) -> Vec<Contact> {
    rows.into_iter()
        .map(|c| Contact {
            id: c.id,
            client_id: c.client_id,
            user_id: c.user_id,
            primary: Some(c.id) == primary,
            name: c.name,
            email: c.email,
            phone: c.phone,
            title: c.title,
            technical: c.technical,
        })
        .collect()
}

/// The fields of an input, checked: what to write, and the account it names or its address finds.
struct Checked {
    user: Option<UserRow>,
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    title: Option<String>,
}

fn check(conn: &mut AnyConnection, input: &ContactInput, contact: Option<&ContactRow>) -> ApiResult<Checked> {
    let mut errors = BTreeMap::new();
    let mut field = |name: &str, result: Result<String, String>| match result {
        Ok(v) => Some(v),
        Err(e) => {
            errors.insert(name.to_owned(), e);
            None
        }
    };
    let name = input.name.as_deref().and_then(|v| field("name", check_client_name(v)));
    let email = input.email.as_deref().and_then(|v| field("email", check_optional_email(v)));
    let phone = input.phone.as_deref().and_then(|v| field("phone", check_line(v, CLIENT_FIELD_MAX_CHARS)));
    let title = input.title.as_deref().and_then(|v| field("title", check_line(v, CLIENT_FIELD_MAX_CHARS)));
    let mut user = None;
    if let Some(id) = input.user_id {
        match users::table.find(id).select(UserRow::as_select()).first(conn).optional()? {
            Some(u) if level_of(&u).is_staff() => {
                errors.insert("user_id".into(), "is an agent: contacts are customers".into());
            }
            Some(u) => user = Some(u),
            None => {
                errors.insert("user_id".into(), "no such user".into());
            }
        }
    } else if let Some(address) = email.as_deref().filter(|e| !e.is_empty()) {
        // An address that has an account is that account.
        user = find_by_login(conn, address)?.filter(|u| !level_of(u).is_staff());
    }
    let linked = contact.and_then(|c| c.user_id);
    if linked.is_some() && input.email.is_some() && email.as_deref() != contact.map(|c| c.email.as_str()) {
        errors.insert("email".into(), "is their account's: change it on the account".into());
    }
    if let Some(u) = &user {
        if let Some(other) = of_user(conn, u.id)?.filter(|o| Some(o.id) != contact.map(|c| c.id)) {
            let client: String = clients::table.find(other.client_id).select(clients::name).first(conn)?;
            let at = if input.user_id.is_some() { "user_id" } else { "email" };
            errors.insert(at.into(), format!("{} is already a contact of {client}", u.fullname));
        }
    }
    if let Some(address) = email.as_deref().filter(|e| !e.is_empty()) {
        let other: Option<ContactRow> = contacts::table
            .filter(contacts::email.eq(address))
            .select(ContactRow::as_select())
            .first(conn)
            .optional()?;
        if let Some(other) = other.filter(|o| Some(o.id) != contact.map(|c| c.id)) {
            let client: String = clients::table.find(other.client_id).select(clients::name).first(conn)?;
            errors.entry("email".into()).or_insert(format!("{address} is already a contact of {client}"));
        }
    }
    if errors.is_empty() {
        Ok(Checked { user, name, email, phone, title })
    } else {
        Err(ApiError::InvalidFields(errors))
    }
}

/// Adds a contact to a client (inside the caller's transaction): `name` (or `user_id`) required.
pub fn add(
    conn: &mut AnyConnection,
    actor: &Actor,
    ip: Option<&str>,
    client_id: i64,
    input: &ContactInput,
) -> ApiResult<i64> {
    directory::find(conn, client_id)?;
    let c = check(conn, input, None)?;
    let name = c.name.clone().or_else(|| c.user.as_ref().map(|u| u.fullname.clone()));
    let Some(name) = name else {
        return Err(ApiError::field("name", "is required"));
    };
    let email = match &c.user {
        Some(u) => u.email.clone(),
        None => c.email.clone().unwrap_or_default(),
    };
    let id: i64 = diesel::insert_into(contacts::table)
        .values((
            contacts::client_id.eq(client_id),
            contacts::user_id.eq(c.user.as_ref().map(|u| u.id)),
            contacts::name.eq(&name),
            contacts::email.eq(&email),
            contacts::phone.eq(c
                .phone
                .clone()
                .or_else(|| c.user.as_ref().map(|u| u.phone.clone()))
                .unwrap_or_default()),
            contacts::title.eq(c.title.clone().unwrap_or_default()),
            contacts::technical.eq(input.technical.unwrap_or(false)),
            contacts::created_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .returning(contacts::id)
        .get_result(conn)?;
    if input.primary == Some(true) {
        set_primary(conn, client_id, Some(id))?;
    }
    record(conn, actor, ip, "client.contact.add", client_id, json!({"contact_id": id, "name": name}))?;
    Ok(id)
}

#[derive(AsChangeset)]
#[diesel(table_name = contacts)]
struct Changes {
    user_id: Option<Option<i64>>,
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    title: Option<String>,
    technical: Option<bool>,
}

/// Changes the fields an input gives (inside the caller's transaction).
pub fn update(
    conn: &mut AnyConnection,
    actor: &Actor,
    ip: Option<&str>,
    client_id: i64,
    id: i64,
    input: &ContactInput,
) -> ApiResult<()> {
    let contact = find(conn, client_id, id)?;
    let c = check(conn, input, Some(&contact))?;
    let changes = Changes {
        // An address given to a contact without an account finds the account it may have.
        user_id: c.user.as_ref().filter(|_| contact.user_id.is_none()).map(|u| Some(u.id)),
        name: c.name,
        email: c.email,
        phone: c.phone,
        title: c.title,
        technical: input.technical,
    };
    let given = changes.user_id.is_some()
        || changes.name.is_some()
        || changes.email.is_some()
        || changes.phone.is_some()
        || changes.title.is_some()
        || changes.technical.is_some();
    if given {
        diesel::update(contacts::table.find(id)).set(changes).execute(conn)?;
    }
    let primary: Option<i64> = clients::table.find(client_id).select(clients::primary_contact_id).first(conn)?;
    match input.primary {
        Some(true) => set_primary(conn, client_id, Some(id))?,
        Some(false) if primary == Some(id) => set_primary(conn, client_id, None)?,
        _ => {}
    }
    record(conn, actor, ip, "client.contact.update", client_id, json!({"contact_id": id}))
}

/// Removes a contact: its tickets keep their client and lose only the contact.
pub fn remove(conn: &mut AnyConnection, actor: &Actor, ip: Option<&str>, client_id: i64, id: i64) -> ApiResult<()> {
    let contact = find(conn, client_id, id)?;
    diesel::update(tickets::table.filter(tickets::contact_id.eq(id)))
        .set(tickets::contact_id.eq(None::<i64>))
        .execute(conn)?;
    diesel::update(clients::table.find(client_id).filter(clients::primary_contact_id.eq(id)))
        .set(clients::primary_contact_id.eq(None::<i64>))
        .execute(conn)?;
    diesel::delete(contacts::table.find(id)).execute(conn)?;
    record(conn, actor, ip, "client.contact.remove", client_id, json!({"contact_id": id, "name": contact.name}))
}

fn set_primary(conn: &mut AnyConnection, client_id: i64, contact: Option<i64>) -> ApiResult<()> {
    diesel::update(clients::table.find(client_id)).set(clients::primary_contact_id.eq(contact)).execute(conn)?;
    Ok(())
}
