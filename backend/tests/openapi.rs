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

/// Where the examples' schemas are found: the document itself, registered under this name.
const DOCUMENT_URI: &str = "urn:oxidesk:openapi";

/// Every example of the document is valid against the schema it illustrates: generated clients,
/// the viewer's "Try it out" and Schemathesis' example phase start from it (the staff reply's
/// `reply_status_id` was once the string "2" where the schema says integer).
#[test]
fn every_example_matches_its_schema() {
    let doc: serde_json::Value = serde_json::from_str(&oxidesk::openapi::json()).unwrap();
    let registry = jsonschema::Registry::new()
        .add(DOCUMENT_URI, doc.clone())
        .and_then(|registry| registry.prepare())
        .expect("the document is a resource of JSON Schema");
    let mut examples = Vec::new();
    collect_examples(&doc, "", &mut examples);
    assert!(examples.len() > 40, "the walk found only {} examples: has the document's shape changed?", examples.len());
    let mut invalid = Vec::new();
    for Example { schema, at, value } in examples {
        let reference = serde_json::json!({"$ref": format!("{DOCUMENT_URI}#{}", fragment(&schema))});
        let validator = jsonschema::options()
            .with_registry(&registry)
            .should_validate_formats(true)
            .build(&reference)
            .unwrap_or_else(|e| panic!("the schema at {schema} does not compile: {e}"));
        invalid.extend(validator.iter_errors(value).map(|e| format!("{at}{}: {e}", e.instance_path())));
    }
    assert!(invalid.is_empty(), "examples that their schemas refuse:\n{}", invalid.join("\n"));
}

/// An example found in the document: the JSON pointers of its schema and of itself, and its value.
struct Example<'a> {
    schema: String,
    at: String,
    value: &'a serde_json::Value,
}

/// The examples under `node` (at JSON pointer `at`). A media type, parameter or header holds its
/// examples beside its `schema` (`example`, or `examples` by name with a `value`); a schema holds
/// them in itself (`example`, or the `examples` list of JSON Schema). Maps of names (`properties`,
/// `schemas`) are not schemas themselves: a property called `example` is no example.
fn collect_examples<'a>(node: &'a serde_json::Value, at: &str, found: &mut Vec<Example<'a>>) {
    const NAME_MAPS: [&str; 4] = ["properties", "patternProperties", "$defs", "schemas"];
    let Some(object) = node.as_object() else {
        for (i, item) in node.as_array().into_iter().flatten().enumerate() {
            collect_examples(item, &format!("{at}/{i}"), found);
        }
        return;
    };
    let schema = if object.contains_key("schema") { format!("{at}/schema") } else { at.to_owned() };
    if let Some(value) = object.get("example") {
        found.push(Example { schema: schema.clone(), at: format!("{at}/example"), value });
    }
    match object.get("examples") {
        Some(serde_json::Value::Object(named)) => {
            for (name, example) in named.iter().filter(|(_, e)| e.get("value").is_some()) {
                let at = format!("{at}/examples/{}/value", escape(name));
                found.push(Example { schema: schema.clone(), at, value: &example["value"] });
            }
        }
        Some(serde_json::Value::Array(list)) => {
            for (i, value) in list.iter().enumerate() {
                found.push(Example { schema: schema.clone(), at: format!("{at}/examples/{i}"), value });
            }
        }
        _ => {}
    }
    for (key, child) in object.iter().filter(|(key, _)| !matches!(key.as_str(), "example" | "examples")) {
        let child_at = format!("{at}/{}", escape(key));
        match child.as_object() {
            Some(names) if NAME_MAPS.contains(&key.as_str()) => {
                for (name, value) in names {
                    collect_examples(value, &format!("{child_at}/{}", escape(name)), found);
                }
            }
            _ => collect_examples(child, &child_at, found),
        }
    }
}

/// A JSON pointer's escaping of one key (RFC 6901): paths like `/api/tickets.json` hold slashes.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A JSON pointer as a URI fragment (RFC 6901 §6): `{number}` and the like percent-encoded.
fn fragment(pointer: &str) -> String {
    pointer
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
