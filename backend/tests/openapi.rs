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
        "/api/tickets.json",
        "/api/tickets.json/{number}",
        "/api/topics.json",
        "/api/queues.json",
        "/api/users.json",
        "/api/users/me.json",
        "/api/auth/login.json",
        "/api/scp/tickets/staffTickets.json",
        "/api/scp/tickets/clientTickets.json",
        "/api/scp/tickets/reply.json",
        "/api/attachments/{id}",
    ] {
        assert!(paths.contains_key(path), "{path} is missing from the OpenAPI document");
    }
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    assert!(schemes.contains_key("api_key") && schemes.contains_key("bearer"));
}

/// Every answer that the way an operation reads its input can give is documented: Schemathesis
/// (scripts/schemathesis.sh) found lists without their 400 for `page=first`, bodies without
/// their 400/415, and operations whose keys' missing scope (403) was not listed.
#[test]
fn every_input_and_scope_error_is_documented() {
    let doc: serde_json::Value = serde_json::from_str(&oxidesk::openapi::json()).unwrap();
    let mut missing = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let mut expected = Vec::new();
            if op.get("requestBody").is_some() {
                expected.extend(["400", "413", "415", "422"]);
            }
            let params = op["parameters"].as_array().map(Vec::as_slice).unwrap_or_default();
            if params.iter().any(|p| p["in"] == "query") {
                expected.push("400");
            }
            if params.iter().any(|p| p["in"] == "path") {
                expected.push("404");
            }
            let schemes = op["security"].as_array().map(Vec::as_slice).unwrap_or_default();
            if schemes.iter().any(|s| s.get("api_key").is_some()) {
                expected.extend(["401", "403"]);
            }
            for status in expected {
                if !responses.contains_key(status) {
                    missing.push(format!("{} {path}: {status}", method.to_uppercase()));
                }
            }
        }
    }
    missing.dedup();
    assert!(missing.is_empty(), "undocumented answers: {missing:#?}");
}

/// osTicket's ticket index pairs `["closed", null]` for open tickets: the schema says so.
#[test]
fn the_ticket_index_allows_a_null_closing_time() {
    let doc: serde_json::Value = serde_json::from_str(&oxidesk::openapi::json()).unwrap();
    let schema =
        &doc["paths"]["/api/scp/tickets.json"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    assert_eq!(schema["items"]["items"]["items"]["type"], serde_json::json!(["string", "null"]), "{schema}");
}
