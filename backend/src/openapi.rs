//! The OpenAPI 3.1 document, generated from the handlers' annotations. `oxidesk openapi` prints
//! it; openapi/openapi.json is the committed copy, which a test keeps in step.

use shared::AccessLevel;
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::schema::{Schema, SchemaType, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Required, ResponseBuilder};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Oxidesk API",
        description = "The JSON API of Oxidesk, a self-hosted IT helpdesk. Resources follow the \
                       extended osTicket API (`/api/tickets.json`, `/api/topics.json`, `/api/scp/…`). \
                       People authenticate with a Bearer JWT from `/api/auth/login.json`; programs \
                       with an `X-API-Key` (scopes read, write, impersonate, admin). Each operation's \
                       `security` names what it demands: the scope of a key, the lowest access \
                       level of a person (`bearer`), and says so in its description's `Access:` \
                       line. Errors are `{\"error\": {\"code\", \"message\", \"fields\"}}`.",
    ),
    tags(
        (name = "tickets", description = "Tickets, their threads, topics and queues (osTicket's API)"),
        (name = "clients", description = "Clients (organisations), their contacts and their timeline of events"),
        (name = "osticket-staff", description = "osTicket's staff endpoints under /api/scp/"),
        (name = "django-helpdesk", description = "django-helpdesk's method API: a form with the person's own user and password, text answers (docs/compat.md)"),
        (name = "itflow", description = "ITFlow's API v1 for tickets and replies: the key in `api_key`, ITFlow's answers (docs/compat.md)"),
        (name = "nodepoint", description = "NodePoint's JSON API: `?api=<command>&key=<key>`, every answer 200 with NodePoint's status inside (docs/compat.md)"),
        (name = "auth", description = "Signing in and out"),
        (name = "workflow", description = "Statuses and priorities"),
        (name = "users", description = "Customers and agents"),
        (name = "settings", description = "First-run setup and the desk's settings"),
        (name = "mail", description = "Mail settings, templates and the outbox (administrators)"),
        (name = "jobs", description = "The job worker: every job, its state and last error, and run again (administrators)"),
        (name = "apikeys", description = "API keys for programs (administrators)"),
        (name = "live", description = "Live updates: the event stream, and who has a ticket open"),
        (name = "notifications", description = "The desk's bell, and what each agent has read"),
        (name = "meta", description = "Health"),
    )
)]
pub struct ApiDoc;

/// The whole document: the title and tags above, the operations of every registered handler
/// (features::register, the registration the app serves), then the parts written once for all
/// of them (security schemes, access lines, the answers of input parsing, optional bodies).
pub fn document() -> utoipa::openapi::OpenApi {
    let mut document = ApiDoc::openapi();
    document.merge(crate::features::operations());
    SecuritySchemes.modify(&mut document);
    AccessLines.modify(&mut document);
    InputErrors.modify(&mut document);
    OptionalBodies.modify(&mut document);
    document
}

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                crate::core::auth::API_KEY_HEADER,
                "A key from `oxidesk apikey create`. An operation's scopes name the one a key needs \
                 (read, write, impersonate, admin).",
            ))),
        );
        components.add_security_scheme(
            "refresh_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::accounts::signin::REFRESH_COOKIE,
                "The HttpOnly refresh cookie that signing in sets (path /api/auth)",
            ))),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "An access token from /api/auth/login.json. An operation's roles name the lowest \
                         access level it admits, higher levels included: authorized_user, \
                         restricted_viewer, agent, project_manager, user_manager, administrator.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The role name of an access level in the document's `bearer` requirements: the lowest level an
/// operation admits (`agent` admits project managers, user managers and administrators too).
pub fn role(level: AccessLevel) -> &'static str {
    match level {
        AccessLevel::Disabled => "disabled",
        AccessLevel::AuthorizedUser => "authorized_user",
        AccessLevel::RestrictedViewer => "restricted_viewer",
        AccessLevel::Agent => "agent",
        AccessLevel::ProjectManager => "project_manager",
        AccessLevel::UserManager => "user_manager",
        AccessLevel::Administrator => "administrator",
    }
}

/// The level a role name of the document stands for (`role`'s inverse).
pub fn level_of_role(name: &str) -> Option<AccessLevel> {
    AccessLevel::ALL.into_iter().find(|level| role(*level) == name)
}

/// Puts an operation's security into words at the end of its description (`Access: …`), for the
/// people who read the document rather than its `security` lists.
struct AccessLines;

impl Modify for AccessLines {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for operation in
                [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten()
            {
                let line = access_line(&requirements(operation));
                let description = operation.description.get_or_insert_with(String::new);
                if !description.is_empty() {
                    description.push_str("\n\n");
                }
                description.push_str(&line);
            }
        }
    }
}

/// An operation's security requirements as (scheme, scopes) pairs, one per alternative; an empty
/// scheme name is the empty requirement (no credentials needed). None at all: open to anyone.
pub fn requirements(operation: &utoipa::openapi::path::Operation) -> Vec<(String, Vec<String>)> {
    // utoipa keeps a requirement's map private; its serialized form is the document's own.
    let Ok(serde_json::Value::Array(list)) = serde_json::to_value(&operation.security) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|requirement| requirement.as_object())
        .flat_map(|requirement| {
            if requirement.is_empty() {
                return vec![(String::new(), Vec::new())];
            }
            requirement
                .iter()
                .map(|(scheme, scopes)| {
                    let scopes = scopes.as_array().into_iter().flatten();
                    (scheme.clone(), scopes.filter_map(|s| s.as_str().map(str::to_owned)).collect())
                })
                .collect()
        })
        .collect()
}

fn access_line(requirements: &[(String, Vec<String>)]) -> String {
    if requirements.is_empty() {
        return "Access: anyone.".to_owned();
    }
    let who: Vec<String> = requirements
        .iter()
        .map(|(scheme, scopes)| {
            let named = scopes.join(", ");
            match scheme.as_str() {
                "" => "no credentials at all".to_owned(),
                "bearer" if named == "authorized_user" => "any signed-in person (bearer)".to_owned(),
                "bearer" if named == "administrator" => "an administrator (bearer)".to_owned(),
                "bearer" => format!("a person at the {named} level or above (bearer)"),
                "api_key" => format!("an API key with the {named} scope"),
                "refresh_cookie" => "the refresh cookie of a sign-in".to_owned(),
                other => other.to_owned(),
            }
        })
        .collect();
    format!("Access: {}.", who.join("; or "))
}

/// The answers an operation gives by the way it reads its input, documented here once so that no
/// handler can leave them out: a JSON body (core::http::body) is refused with 400 (malformed, not an
/// object), 413 (too large), 415 (not JSON) or 422 (a field missing or of the wrong type), and a
/// query string with 400 (a parameter not even of its type, say `page=first`). A handler's own
/// entry for the same status, with its own description, is kept.
struct InputErrors;

impl Modify for InputErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        const BODY: [(&str, &str); 4] = [
            ("400", "Malformed JSON, or not a JSON object"),
            ("413", "The body is larger than the limit"),
            ("415", "The body is not JSON"),
            ("422", "A field is missing, of the wrong type or invalid"),
        ];
        const QUERY: (&str, &str) = ("400", "A query parameter is not of its type (say `page=first`)");
        for item in openapi.paths.paths.values_mut() {
            for operation in
                [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten()
            {
                let mut errors = Vec::new();
                if operation.request_body.is_some() {
                    errors.extend(BODY);
                }
                if operation.parameters.iter().flatten().any(|p| p.parameter_in == ParameterIn::Query) {
                    errors.push(QUERY);
                }
                for (status, description) in errors {
                    operation.responses.responses.entry(status.to_owned()).or_insert_with(|| {
                        ResponseBuilder::new()
                            .description(description)
                            .content(
                                "application/json",
                                ContentBuilder::new().schema(Some(Ref::from_schema_name("ApiErrorBody"))).build(),
                            )
                            .build()
                            .into()
                    });
                }
            }
        }
    }
}

/// A body that may be left out (`request_body(content = Option<T>)`, the way utoipa leaves out
/// `required`) is not a body that may be `null`: the server reads no body as `{}` and refuses a
/// JSON `null`. utoipa writes the Option as `oneOf: [null, T]`; this keeps `T`, so that generated
/// clients offer an optional `T` rather than a nullable one.
struct OptionalBodies;

impl Modify for OptionalBodies {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for operation in
                [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten()
            {
                let Some(body) = operation.request_body.as_mut() else { continue };
                if body.required == Some(Required::True) {
                    continue;
                }
                for content in body.content.values_mut() {
                    if let Some(RefOr::T(Schema::OneOf(one_of))) = &content.schema {
                        let mut others = one_of.items.iter().filter(|schema| !is_null(schema));
                        if let (Some(only), None) = (others.next(), others.next()) {
                            content.schema = Some(only.clone());
                        }
                    }
                }
            }
        }
    }
}

fn is_null(schema: &RefOr<Schema>) -> bool {
    matches!(schema, RefOr::T(Schema::Object(object)) if object.schema_type == SchemaType::Type(Type::Null))
}

pub fn json() -> String {
    document().to_pretty_json().unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
