//! The committed openapi/openapi.json must be what the code generates: regenerate it with
//! `make openapi` after changing the API.

#[test]
fn committed_openapi_document_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi/openapi.json");
    let committed = std::fs::read_to_string(&path).expect("openapi/openapi.json exists");
    let generated = oxidesk::openapi::json();
    assert!(
        committed.trim_end() == generated.trim_end(),
        "openapi/openapi.json is stale: run `make openapi` and commit it"
    );
}

#[test]
fn every_route_is_documented() {
    let doc: serde_json::Value = serde_json::from_str(&oxidesk::openapi::json()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/tickets.json", "/api/tickets.json/{number}", "/api/topics.json", "/api/queues.json",
        "/api/users.json", "/api/users/me.json", "/api/auth/login.json", "/api/scp/tickets/staffTickets.json",
        "/api/scp/tickets/clientTickets.json", "/api/scp/tickets/reply.json", "/api/attachments/{id}",
    ] {
        assert!(paths.contains_key(path), "{path} is missing from the OpenAPI document");
    }
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    assert!(schemes.contains_key("api_key") && schemes.contains_key("bearer"));
}
