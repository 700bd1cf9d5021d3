//! The clients directory: a client's fields and mail domains, checked as a whole before anything
//! is written; the list with its search; a client as the API shows it.

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;
use serde_json::json;
use shared::clients::{
    check_client_name, check_domains, check_line, check_notes, check_optional_email, check_website, Client,
    ClientInput, ClientListQuery, ClientStatus, Named, CLIENT_FIELD_MAX_CHARS,
};

use super::rows::{ClientRow, ContactRow};
use crate::core::audit::{self, AuditEvent};
use crate::core::auth::{lower, Actor};
use crate::core::db::schema::{client_domains, clients, contacts, statuses, tickets};
use crate::core::db::AnyConnection;
use crate::core::error::{ApiError, ApiResult};
use crate::core::time::timestamp;

/// One client, or 404.
pub fn find(conn: &mut AnyConnection, id: i64) -> ApiResult<ClientRow> {
    clients::table.find(id).select(ClientRow::as_select()).first(conn).optional()?.ok_or(ApiError::NotFound("client"))
}

/// The fields an input gives, checked (all errors at once), as the columns to write.
struct Checked {
    name: Option<String>,
    status: Option<ClientStatus>,
    email: Option<String>,
    phone: Option<String>,
    address: Option<String>,
    website: Option<String>,
    notes: Option<String>,
    domains: Option<Vec<String>>,
}

fn check(conn: &mut AnyConnection, input: &ClientInput, client_id: Option<i64>) -> ApiResult<Checked> {
    let mut errors = BTreeMap::new();
    let status = match input.status.as_deref().map(ClientStatus::parse) {
        Some(Ok(status)) => Some(status),
        Some(Err(e)) => {
            errors.insert("status".to_owned(), e);
            None
        }
        None => None,
    };
    let mut field = |name: &str, result: Result<String, String>| match result {
        Ok(v) => Some(v),
        Err(e) => {
            errors.insert(name.to_owned(), e);
            None
        }
    };
    let line = |v: &str| check_line(v, CLIENT_FIELD_MAX_CHARS);
    let checked = Checked {
        name: input.name.as_deref().and_then(|v| field("name", check_client_name(v))),
        status,
        email: input.email.as_deref().and_then(|v| field("email", check_optional_email(v))),
        phone: input.phone.as_deref().and_then(|v| field("phone", line(v))),
        address: input.address.as_deref().and_then(|v| field("address", line(v))),
        website: input.website.as_deref().and_then(|v| field("website", check_website(v))),
        notes: input.notes.as_deref().and_then(|v| field("notes", check_notes(v))),
        domains: None,
    };
    let domains = match &input.domains {
        Some(given) => match check_domains(given) {
            Ok(domains) => {
                // A domain is one client's, so that the mail rule never has to choose.
                let taken: Vec<(String, i64)> = client_domains::table
                    .filter(client_domains::domain.eq_any(&domains))
                    .select((client_domains::domain, client_domains::client_id))
                    .load(conn)?;
                if let Some((domain, owner)) = taken.iter().find(|(_, owner)| Some(*owner) != client_id) {
                    let name: String = clients::table.find(owner).select(clients::name).first(conn)?;
                    errors.insert("domains".into(), format!("{domain} is already a domain of {name}"));
                }
                Some(domains)
            }
            Err(e) => {
                errors.insert("domains".into(), e);
                None
            }
        },
        None => None,
    };
    if errors.is_empty() {
        Ok(Checked { domains, ..checked })
    } else {
        Err(ApiError::InvalidFields(errors))
    }
}

#[derive(AsChangeset)]
#[diesel(table_name = clients)]
struct Changes {
    name: Option<String>,
    status: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    address: Option<String>,
    website: Option<String>,
    notes: Option<String>,
    updated_at: chrono::NaiveDateTime,
}

impl Checked {
    fn changes(&self, now: chrono::NaiveDateTime) -> Changes {
        Changes {
            name: self.name.clone(),
            status: self.status.map(|s| s.as_str().to_owned()),
            email: self.email.clone(),
            phone: self.phone.clone(),
            address: self.address.clone(),
            website: self.website.clone(),
            notes: self.notes.clone(),
            updated_at: now,
        }
    }
}

/// Adds a client (inside the caller's transaction). `name` is required.
pub fn create(conn: &mut AnyConnection, actor: &Actor, ip: Option<&str>, input: &ClientInput) -> ApiResult<i64> {
    if input.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
        return Err(ApiError::field("name", "is required"));
    }
    let checked = check(conn, input, None)?;
    let now = chrono::Utc::now().naive_utc();
    let c = checked.changes(now);
    let id: i64 = diesel::insert_into(clients::table)
        .values((
            clients::name.eq(c.name.unwrap_or_default()),
            clients::status.eq(c.status.unwrap_or_else(|| ClientStatus::default().as_str().to_owned())),
            clients::email.eq(c.email.unwrap_or_default()),
            clients::phone.eq(c.phone.unwrap_or_default()),
            clients::address.eq(c.address.unwrap_or_default()),
            clients::website.eq(c.website.unwrap_or_default()),
            clients::notes.eq(c.notes.unwrap_or_default()),
            clients::created_at.eq(now),
            clients::updated_at.eq(now),
        ))
        .returning(clients::id)
        .get_result(conn)?;
    if let Some(domains) = &checked.domains {
        set_domains(conn, id, domains)?;
    }
    record(conn, actor, ip, "client.create", id, json!({"name": checked.name}))?;
    Ok(id)
}

/// Changes the fields an input gives (inside the caller's transaction).
pub fn update(
    conn: &mut AnyConnection,
    actor: &Actor,
    ip: Option<&str>,
    id: i64,
    input: &ClientInput,
) -> ApiResult<()> {
    find(conn, id)?;
    let checked = check(conn, input, Some(id))?;
    diesel::update(clients::table.find(id)).set(checked.changes(chrono::Utc::now().naive_utc())).execute(conn)?;
    if let Some(domains) = &checked.domains {
        set_domains(conn, id, domains)?;
    }
    let fields: Vec<&str> = [
        ("name", input.name.is_some()),
        ("status", input.status.is_some()),
        ("email", input.email.is_some()),
        ("phone", input.phone.is_some()),
        ("address", input.address.is_some()),
        ("website", input.website.is_some()),
        ("notes", input.notes.is_some()),
        ("domains", input.domains.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, given)| given.then_some(name))
    .collect();
    record(conn, actor, ip, "client.update", id, json!({"fields": fields}))
}

fn set_domains(conn: &mut AnyConnection, id: i64, domains: &[String]) -> ApiResult<()> {
    diesel::delete(client_domains::table.filter(client_domains::client_id.eq(id))).execute(conn)?;
    for domain in domains {
        diesel::insert_into(client_domains::table)
            .values((client_domains::domain.eq(domain), client_domains::client_id.eq(id)))
            .execute(conn)?;
    }
    Ok(())
}

pub(super) fn record(
    conn: &mut AnyConnection,
    actor: &Actor,
    ip: Option<&str>,
    action: &str,
    id: i64,
    detail: serde_json::Value,
) -> ApiResult<()> {
    let event = AuditEvent { action, target_type: "client", target_id: id.to_string(), detail };
    audit::record(conn, Some(actor), ip, event)?;
    Ok(())
}

/// A page of the clients that match, in name order, and how many match in all.
pub fn list(
    conn: &mut AnyConnection,
    query: &ClientListQuery,
    page: i64,
    per_page: i64,
) -> ApiResult<(Vec<Client>, i64)> {
    let status = match query.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) if s.eq_ignore_ascii_case("open") => Some(None),
        Some(s) => Some(Some(ClientStatus::parse(s).map_err(|e| ApiError::field("status", format!("{e}, or open")))?)),
    };
    let words: Vec<String> = shared::search::terms(query.q.as_deref().unwrap_or(""));
    let filtered = || {
        let mut q = clients::table.into_boxed();
        match status {
            Some(Some(s)) => q = q.filter(clients::status.eq(s.as_str())),
            Some(None) => q = q.filter(clients::status.ne(ClientStatus::Closed.as_str())),
            None => {}
        }
        for word in &words {
            let pattern = format!("%{}%", word.to_lowercase().replace(['%', '_', '\\'], ""));
            let by_domain = client_domains::table
                .filter(client_domains::domain.like(pattern.clone()))
                .select(client_domains::client_id);
            q = q.filter(
                lower(clients::name.nullable())
                    .like(pattern.clone())
                    .or(lower(clients::email.nullable()).like(pattern.clone()))
                    .or(clients::phone.like(pattern.clone()))
                    .or(lower(clients::notes.nullable()).like(pattern.clone()))
                    .or(clients::id.eq_any(by_domain)),
            );
        }
        q
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let rows: Vec<ClientRow> = filtered()
        .select(ClientRow::as_select())
        .order((lower(clients::name.nullable()), clients::id))
        .limit(per_page)
        .offset(crate::core::db::page_offset(page, per_page))
        .load(conn)?;
    Ok((render(conn, rows)?, total))
}

/// Clients as the API shows them, with their domains, primary contact and open tickets.
pub fn render(conn: &mut AnyConnection, rows: Vec<ClientRow>) -> ApiResult<Vec<Client>> {
    let ids: Vec<i64> = rows.iter().map(|c| c.id).collect();
    let mut domains: HashMap<i64, Vec<String>> = HashMap::new();
    let pairs: Vec<(i64, String)> = client_domains::table
        .filter(client_domains::client_id.eq_any(&ids))
        .select((client_domains::client_id, client_domains::domain))
        .order(client_domains::domain)
        .load(conn)?;
    for (id, domain) in pairs {
        domains.entry(id).or_default().push(domain);
    }
    let primary_ids: Vec<i64> = rows.iter().filter_map(|c| c.primary_contact_id).collect();
    let primaries: HashMap<i64, String> = contacts::table
        .filter(contacts::id.eq_any(&primary_ids))
        .select((contacts::id, contacts::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let open: HashMap<i64, i64> = tickets::table
        .inner_join(statuses::table.on(tickets::status_id.eq(statuses::id)))
        .filter(tickets::client_id.eq_any(&ids))
        .filter(statuses::state.eq_any(["open", "pending"]))
        .group_by(tickets::client_id)
        .select((tickets::client_id, diesel::dsl::count_star()))
        .load::<(Option<i64>, i64)>(conn)?
        .into_iter()
        .filter_map(|(id, n)| id.map(|id| (id, n)))
        .collect();
    Ok(rows
        .into_iter()
        .map(|c| Client {
            id: c.id,
            status: ClientStatus::parse(&c.status).unwrap_or_default(),
            email: c.email,
            phone: c.phone,
            address: c.address,
            website: c.website,
            notes: c.notes,
            domains: domains.remove(&c.id).unwrap_or_default(),
            primary_contact: c
                .primary_contact_id
                .and_then(|id| primaries.get(&id).map(|name| Named { id, name: name.clone() })),
            open_tickets: open.get(&c.id).copied().unwrap_or(0),
            created: timestamp(c.created_at),
            updated: timestamp(c.updated_at),
            name: c.name,
        })
        .collect())
}

/// One client as the API shows it.
pub fn render_one(conn: &mut AnyConnection, id: i64) -> ApiResult<Client> {
    let row = find(conn, id)?;
    render(conn, vec![row])?.pop().ok_or(ApiError::NotFound("client"))
}

/// The client whose mail domain an address is at.
pub fn by_domain(conn: &mut AnyConnection, address: &str) -> ApiResult<Option<ClientRow>> {
    let Some((_, domain)) = address.trim().to_lowercase().rsplit_once('@').map(|(l, d)| (l.to_owned(), d.to_owned()))
    else {
        return Ok(None);
    };
    Ok(clients::table
        .inner_join(client_domains::table.on(client_domains::client_id.eq(clients::id)))
        .filter(client_domains::domain.eq(domain))
        .select(ClientRow::as_select())
        .first(conn)
        .optional()?)
}

/// The contacts of a client, by name.
pub fn contacts_of(conn: &mut AnyConnection, client_id: i64) -> ApiResult<Vec<ContactRow>> {
    Ok(contacts::table
        .filter(contacts::client_id.eq(client_id))
        .select(ContactRow::as_select())
        .order((contacts::name, contacts::id))
        .load(conn)?)
}
