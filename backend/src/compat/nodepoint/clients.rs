//! NodePoint's client commands (`add_client`, `list_clients`, `list_events`, `add_event`) over
//! the clients directory. NodePoint's client has one free-text `contact`: here it is the client's
//! primary contact (a name, or an address that becomes one).

use shared::clients::{ClientEventInput, ClientInput, ClientListQuery, ClientStatus, ContactInput, EventKind};

use super::{acting, ctime, given, json, required, Params, Refusal, Value};
use crate::clients::{contacts, directory, events};
use crate::core::auth::Caller;
use crate::core::db::{write_tx, AnyConnection};
use crate::core::error::ApiError;

/// The answer to a client command, or `None` for another command.
pub(super) fn command(
    conn: &mut AnyConnection,
    caller: &Caller,
    name: &str,
    params: &Params,
) -> Option<Result<String, Refusal>> {
    Some(match name {
        "list_clients" => list_clients(conn),
        "list_events" => list_events(conn, params),
        "add_event" => add_event(conn, caller, params),
        "add_client" => add_client(conn, caller, params),
        _ => return None,
    })
}

/// Every client, as NodePoint lists them: id, name, status, contact, notes.
fn list_clients(conn: &mut AnyConnection) -> Result<String, Refusal> {
    let (clients, _) = directory::list(conn, &ClientListQuery::default(), 1, super::LIST_MAX)?;
    let list = clients
        .into_iter()
        .map(|c| {
            vec![
                ("id", c.id.to_string()),
                ("name", c.name),
                ("status", c.status.as_str().to_owned()),
                ("contact", c.primary_contact.map(|p| p.name).unwrap_or_default()),
                ("notes", c.notes),
            ]
        })
        .collect();
    Ok(json("Clients list.", "OK", vec![("clients", Value::List(list))]))
}

/// The client NodePoint's `client_id` names (its digits; an unknown one is none).
fn client_id(params: &Params) -> Result<i64, Refusal> {
    Ok(required(params, "client_id")?.parse::<i64>().unwrap_or(0))
}

/// A client's events, oldest first as NodePoint lists them; an unknown client has none.
fn list_events(conn: &mut AnyConnection, params: &Params) -> Result<String, Refusal> {
    let id = client_id(params)?;
    let mut found = match events::list(conn, id, 1, super::LIST_MAX) {
        Ok((found, _)) => found,
        Err(ApiError::NotFound(_)) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    found.reverse();
    let list = found
        .into_iter()
        .map(|e| {
            let date =
                chrono::DateTime::parse_from_rfc3339(&e.happened).map(|t| ctime(t.naive_utc())).unwrap_or(e.happened);
            vec![
                ("id", e.id.to_string()),
                ("user", e.user.map(|u| u.name).unwrap_or_else(|| "api".into())),
                ("type", e.kind.as_str().to_owned()),
                ("summary", e.summary),
                ("notes", e.notes),
                ("date", date),
            ]
        })
        .collect();
    Ok(json("Events list.", "OK", vec![("events", Value::List(list))]))
}

fn add_event(conn: &mut AnyConnection, caller: &Caller, params: &Params) -> Result<String, Refusal> {
    let id = client_id(params)?;
    let kind = required(params, "type")?;
    if EventKind::parse(kind).is_err() {
        return Err(Refusal(
            "Invalid 'type' value. Must be one of: Phone call, Email dialog, Online meeting, In-person meeting, Other contact (or Call, Email, Meeting, Note).".into(),
            "ERR_INVALID_ARGUMENT",
        ));
    }
    let actor = acting(conn, caller, params)?;
    let input = ClientEventInput {
        kind: Some(kind.to_owned()),
        summary: Some(required(params, "summary")?.to_owned()),
        notes: given(params, "notes").map(str::to_owned),
        happened: None,
    };
    let ip = caller.ip.map(|ip| ip.to_string());
    let added = write_tx(conn, |conn| events::add(conn, &actor, ip.as_deref(), id, &input));
    match added {
        Ok(event) => Ok(json(&format!("Event {event} added."), "OK", Vec::new())),
        Err(ApiError::NotFound(_)) => Err(Refusal("Client not found.".into(), "ERR_INVALID_ID")),
        Err(e) => Err(e.into()),
    }
}

fn add_client(conn: &mut AnyConnection, caller: &Caller, params: &Params) -> Result<String, Refusal> {
    // NodePoint adds clients in the first five statuses only (closing one is an edit).
    let status = ClientStatus::parse(required(params, "status")?).ok().filter(|s| *s != ClientStatus::Closed);
    let Some(status) = status else {
        return Err(Refusal(
            "Invalid 'status' value. Must be one of: Prospect, Contact, Supplier, Paid, Unpaid.".into(),
            "ERR_INVALID_ARGUMENT",
        ));
    };
    let contact = required(params, "contact")?;
    let input = ClientInput {
        name: Some(required(params, "name")?.to_owned()),
        status: Some(status.as_str().to_owned()),
        notes: given(params, "notes").map(str::to_owned),
        ..Default::default()
    };
    // The contact: an address is theirs (and their name until they say it), else a name.
    let person = match shared::validate::Email::parse(contact) {
        Ok(email) => ContactInput {
            name: Some(contact.split('@').next().unwrap_or(contact).to_owned()),
            email: Some(email.as_str().to_owned()),
            primary: Some(true),
            ..Default::default()
        },
        Err(_) => ContactInput { name: Some(contact.to_owned()), primary: Some(true), ..Default::default() },
    };
    let actor = caller.as_actor();
    let ip = caller.ip.map(|ip| ip.to_string());
    write_tx(conn, |conn| {
        let id = directory::create(conn, &actor, ip.as_deref(), &input)?;
        contacts::add(conn, &actor, ip.as_deref(), id, &person)
    })?;
    Ok(json("Client added.", "OK", Vec::new()))
}
