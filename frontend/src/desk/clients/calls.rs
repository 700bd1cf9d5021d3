//! The clients API as the desk calls it (`/api/clients.json` and below): each function builds a
//! [`Call`] that `Session::read` / `Session::send` sends with the token (renewing it once).

use shared::clients::{Client, ClientEventInput, ClientInput, ContactInput};
use ui::api::{self, ApiError, Call, Page};
use ui::session::Session;

/// What the list asks for: the search, the status filter (`open`, a status, or "" for all) and
/// the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub q: String,
    pub status: String,
    pub page: u64,
    pub per_page: u64,
}

pub fn list_call(query: &ListQuery) -> Call {
    let mut pairs = vec![("page", query.page.to_string()), ("per_page", query.per_page.to_string())];
    if !query.q.trim().is_empty() {
        pairs.push(("q", query.q.trim().to_owned()));
    }
    if !query.status.is_empty() {
        pairs.push(("status", query.status.clone()));
    }
    Call::get("/clients.json").query(&pairs)
}

/// One page of clients and how many match in all (`X-Total-Count`).
pub async fn list(session: Session, query: ListQuery) -> Result<Page<Client>, ApiError> {
    page_of(session, list_call(&query)).await
}

/// A page of any list the server pages: its entries and the total.
pub async fn page_of<T: serde::de::DeserializeOwned>(session: Session, call: Call) -> Result<Page<T>, ApiError> {
    let answer = session.send(&call).await?;
    let items: Vec<T> = api::decode(&answer.text)?;
    let total = answer.total.unwrap_or(items.len() as u64);
    Ok(Page { items, total })
}

fn client_path(id: i64) -> String {
    format!("/clients.json/{id}")
}

pub fn get(id: i64) -> Call {
    Call::get(&client_path(id))
}

pub fn create(input: &ClientInput) -> Call {
    Call::post("/clients.json").json(input)
}

pub fn update(id: i64, input: &ClientInput) -> Call {
    Call::put(&client_path(id)).json(input)
}

pub fn contacts(id: i64) -> Call {
    Call::get(&format!("{}/contacts", client_path(id)))
}

pub fn add_contact(id: i64, input: &ContactInput) -> Call {
    Call::post(&format!("{}/contacts", client_path(id))).json(input)
}

pub fn update_contact(id: i64, contact: i64, input: &ContactInput) -> Call {
    Call::put(&format!("{}/contacts/{contact}", client_path(id))).json(input)
}

pub fn remove_contact(id: i64, contact: i64) -> Call {
    Call::delete(&format!("{}/contacts/{contact}", client_path(id)))
}

pub fn events(id: i64, page: u64, per_page: u64) -> Call {
    Call::get(&format!("{}/events", client_path(id)))
        .query(&[("page", page.to_string()), ("per_page", per_page.to_string())])
}

pub fn add_event(id: i64, input: &ClientEventInput) -> Call {
    Call::post(&format!("{}/events", client_path(id))).json(input)
}
