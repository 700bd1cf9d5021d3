//! Domain events (core::events): each ticket change records what it did in its own transaction,
//! the audit log and the consumers react to it there, and a change that fails leaves no event.

mod common;

use common::{api_key, app, call, conn, state, state_consuming, test_db};
use diesel::prelude::*;
use oxidesk::core::db::schema::{audit_log, events, tickets};
use oxidesk::core::error::ApiError;
use oxidesk::core::events::Emitted;
use serde_json::{json, Value};

/// Every event so far: kind and payload, oldest first.
fn recorded(st: &oxidesk::core::state::AppState) -> Vec<(String, Value)> {
    events::table
        .order(events::id)
        .select((events::kind, events::payload))
        .load::<(String, String)>(&mut conn(st))
        .unwrap()
        .into_iter()
        .map(|(kind, payload)| (kind, serde_json::from_str(&payload).unwrap()))
        .collect()
}

#[actix_web::test]
async fn a_ticket_change_records_its_events_and_their_audit_rows() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let key = api_key(&st, "read,write");
    let (status, ticket) = call(
        &app,
        "POST",
        "/api/tickets.json",
        &key,
        Some(json!({"email": "ev@example.com", "name": "Eve", "subject": "Printer", "message": "It jams"})),
    )
    .await;
    assert_eq!(status, 201, "{ticket}");
    let number = ticket["ticket_number"].as_str().unwrap().to_owned();
    let id: i64 = tickets::table.filter(tickets::number.eq(&number)).select(tickets::id).first(&mut conn(&st)).unwrap();

    // A response that resolves the ticket: two events of one change, in order.
    let path = format!("/api/tickets.json/{number}");
    let (status, body) = call(
        &app,
        "PUT",
        &path,
        &key,
        Some(json!({"message": "Fixed", "entry_type": "response", "status_id": 2, "resolution": "Fixed"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let kinds: Vec<String> = recorded(&st).into_iter().map(|(k, _)| k).collect();
    assert_eq!(kinds, ["ticket.create", "ticket.response", "ticket.status"]);
    let all = recorded(&st);
    assert_eq!(all[0].1["ticket_id"], id);
    assert!(all[0].1["entry_id"].is_i64(), "{}", all[0].1);
    assert_eq!(all[2].1["with_response"], true, "the reply already tells the customer the new status");
    assert_eq!(all[2].1["to"], "Resolved");
    // The audit log records each event with the same action and detail.
    let audited: Vec<(String, String)> = audit_log::table
        .filter(audit_log::target_type.eq("ticket"))
        .order(audit_log::id)
        .select((audit_log::action, audit_log::target_id))
        .load(&mut conn(&st))
        .unwrap();
    assert_eq!(audited, kinds.iter().map(|k| (k.clone(), number.clone())).collect::<Vec<_>>());

    // A rejected change (a stale version) records nothing.
    let (status, _) = call(&app, "PUT", &path, &key, Some(json!({"message": "Again", "version": 1}))).await;
    assert_eq!(status, 409);
    assert_eq!(recorded(&st).len(), 3);
}

fn refuse(_: &mut oxidesk::core::db::AnyConnection, emitted: &Emitted<'_>) -> Result<(), ApiError> {
    Err(ApiError::Conflict(format!("refused {}", emitted.event.kind)))
}

#[actix_web::test]
async fn a_consumer_that_fails_rolls_the_whole_change_back() {
    let db = test_db();
    let st = state_consuming(&db, |_| {}, &[refuse]);
    let app = app(st.clone()).await;
    let key = api_key(&st, "read,write");
    let (status, body) = call(
        &app,
        "POST",
        "/api/tickets.json",
        &key,
        Some(json!({"email": "ev@example.com", "name": "Eve", "subject": "Printer", "message": "It jams"})),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["message"], "refused ticket.create");
    let count = |table: &str| -> i64 {
        let mut c = conn(&st);
        match table {
            "tickets" => tickets::table.count().get_result(&mut c).unwrap(),
            "events" => events::table.count().get_result(&mut c).unwrap(),
            _ => audit_log::table.filter(audit_log::action.eq("ticket.create")).count().get_result(&mut c).unwrap(),
        }
    };
    assert_eq!((count("tickets"), count("events"), count("audit")), (0, 0, 0), "nothing of the change is left");
}
