//! The administrator's mail screens as API: the mail settings (with "send test mail"), the
//! templates (with a preview), and the outbox (with "send again"). Administrators only, and keys
//! with the admin scope: the settings hold the mail servers' accounts.

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use shared::mail::{
    InboundMail, MailCheck, MailPreview, MailSettings, MailSettingsUpdate, MailTemplate, MailTemplateInput,
    MailTestRequest, OutboxMail, PipedMail,
};
use shared::validate::Email;
use shared::ApiErrorBody;

use crate::core::auth::apikeys::Scope;
use crate::core::auth::guards::{Admin, AdministratorInPerson, Allowed};
use crate::core::auth::Caller;
use crate::core::db::write_tx;
use crate::core::error::{ApiError, ApiResult};
use crate::core::http::body::{JsonBody, RawBody};
use crate::core::http::paging::{check_page, one_of, page_response};
use crate::core::http::ServiceConfig;
use crate::core::settings::{self, Stored};
use crate::core::state::AppState;
use crate::mail::inbound::{self, Source};
use crate::mail::templates::{self, Kind};
use crate::mail::{fetch, imap, outbox, parse, settings as mail_settings, smtp, thread};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_outbox)
        .service(retry_mail)
        .service(get_mail_settings)
        .service(update_mail_settings)
        .service(send_test_mail)
        .service(list_templates)
        .service(update_template)
        .service(reset_template)
        .service(preview_template)
        .service(test_imap)
        .service(list_inbound)
        .service(discard_inbound)
        .service(inbound_raw)
        .service(retry_inbound)
        .service(pipe_mail);
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    page: Option<i64>,
    /// 1–100, default 25.
    per_page: Option<i64>,
    /// Only mail with this status: pending, sending, unsure, sent or failed.
    status: Option<String>,
}

/// The outbox, newest first: what left, what waits (and why), what failed.
#[utoipa::path(
    tag = "mail", params(OutboxQuery),
    responses(
        (status = 200, body = [OutboxMail], headers(("X-Total-Count" = i64), ("Link" = String))),
        (status = 401, body = ApiErrorBody),
        (status = 403, description = "Not an administrator, or a key without the admin scope", body = ApiErrorBody),
        (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[get("/api/outbox.json")]
pub async fn list_outbox(
    state: web::Data<AppState>,
    _admin: Admin,
    query: web::Query<OutboxQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let (page, per_page) = check_page(query.page, query.per_page)?;
    let status = one_of("status", query.status.as_deref(), &outbox::STATUSES)?;
    let (mails, total) = state.db(move |conn| outbox::page(conn, status.as_deref(), page, per_page)).await?;
    Ok(page_response(&req, page, per_page, total, &mails))
}

/// Send a failed or unsure mail again (an unsure one may then arrive twice: the administrator
/// decides).
#[utoipa::path(
    tag = "mail",
    params(("id" = i64, Path, description = "The mail's id")),
    responses(
        (status = 200, description = "Due again", body = OutboxMail),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, description = "The mail is not failed or unsure", body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[post("/api/outbox.json/{id}/retry")]
pub async fn retry_mail(state: web::Data<AppState>, admin: Admin, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let mail = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let mail = outbox::retry(conn, id)?;
                admin.audit(conn, "mail.retry", "outbox", id, json!({"recipient": mail.recipient}))?;
                Ok(mail)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(mail))
}

/// The mail settings (passwords are never shown, only whether one is set).
#[utoipa::path(
    tag = "mail",
    responses((status = 200, body = MailSettings), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[get("/api/mail/settings.json")]
pub async fn get_mail_settings(state: web::Data<AppState>, _admin: Admin) -> ApiResult<HttpResponse> {
    let view = state.db(|conn| Ok(mail_settings::view(&Stored::read(conn)?))).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Change the mail settings. Absent fields keep their value; every field is checked before any
/// is written. An administrator in person: the SMTP server carries every reset link, so a key
/// that chose it could read them. A host whose addresses the outgoing policy refuses (this
/// machine, a private or link-local network, a cloud metadata service, unless `oxidesk.toml`
/// allows its network) is a 422 naming the field; a name that does not resolve yet is kept (it
/// is checked again at every connection).
#[utoipa::path(
    tag = "mail", request_body = MailSettingsUpdate,
    responses(
        (status = 200, description = "The settings now in force", body = MailSettings),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("bearer" = ["administrator"]))
)]
#[put("/api/mail/settings.json")]
pub async fn update_mail_settings(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<AdministratorInPerson>,
    body: JsonBody<MailSettingsUpdate>,
) -> ApiResult<HttpResponse> {
    let admin = Admin::check(caller)?;
    let values = mail_settings::check(&body.0)?;
    let timeout = state.config.mail.timeout.min(std::time::Duration::from_secs(5));
    mail_settings::check_destinations(&body.0, &state.config.outbound, timeout).await?;
    let view = state
        .db(move |conn| {
            write_tx(conn, |conn| settings::store(conn, &admin.actor, admin.ip.as_deref(), &values))?;
            Ok(mail_settings::view(&Stored::read(conn)?))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Send a test mail now, with the saved settings, and say what happened. A server that cannot
/// be reached or refuses is a finding (`ok: false`), not an error of this request.
#[utoipa::path(
    tag = "mail", request_body = MailTestRequest,
    responses(
        (status = 200, description = "The attempt's outcome", body = MailCheck),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 409, description = "No SMTP server or sender address is set", body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[post("/api/mail/test.json")]
pub async fn send_test_mail(
    state: web::Data<AppState>,
    admin: Admin,
    body: JsonBody<MailTestRequest>,
) -> ApiResult<HttpResponse> {
    let to = match body.0.to.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(given) => Email::parse(given).map_err(|e| ApiError::field("to", e))?.as_str().to_owned(),
        None => admin
            .actor
            .user()
            .map(|u| u.email.clone())
            .ok_or_else(|| ApiError::field("to", "is required for API keys"))?,
    };
    let (server, message_id) = state
        .db(|conn| {
            let stored = Stored::read(conn)?;
            Ok((mail_settings::smtp(&stored), thread::new_id("test", &stored)))
        })
        .await?;
    let server = server.ok_or_else(|| ApiError::Conflict("Set an SMTP server and a sender address first".into()))?;
    let mail = smtp::Outgoing {
        to: to.clone(),
        subject: format!("Test mail from {}", server.from_name),
        text: format!(
            "This is a test mail from {}, sent through {}:{}. Mail works.",
            server.from_name, server.host, server.port
        ),
        html: None,
        message_id,
        in_reply_to: None,
        references: None,
        files: Vec::new(),
    };
    let config = &state.config.mail;
    // Someone waits for the answer: a server that does not answer is reported after 15 seconds.
    let timeout = config.timeout.min(std::time::Duration::from_secs(15));
    let outbound = &state.config.outbound;
    let outcome = smtp::send_now(&server, outbound, fetch::extra_ca(config).as_deref(), timeout, &mail).await;
    let check = match outcome {
        Ok(()) => MailCheck { ok: true, detail: format!("Sent to {to} through {}:{}", server.host, server.port) },
        Err(e) => MailCheck { ok: false, detail: e.to_string() },
    };
    Ok(HttpResponse::Ok().json(check))
}

fn kind(path: &str) -> ApiResult<Kind> {
    Kind::parse(path).ok_or(ApiError::NotFound("mail template"))
}

/// The mails that carry a confirmation or reset link are written only by an administrator in
/// person: a key's text could send the link somewhere else (`https://evil.example/?{{ link }}`).
fn key_may_edit(admin: &Admin, kind: Kind) -> ApiResult<()> {
    if admin.caller.user().is_none() && !kind.is_ticket() {
        return Err(ApiError::Forbidden(
            "An API key cannot change the mails that carry account links: sign in as an administrator".into(),
        ));
    }
    Ok(())
}

/// Every kind of mail with its current text.
#[utoipa::path(
    tag = "mail",
    responses((status = 200, body = [MailTemplate]), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[get("/api/mail/templates.json")]
pub async fn list_templates(state: web::Data<AppState>, _admin: Admin) -> ApiResult<HttpResponse> {
    let list = state
        .db(|conn| {
            Kind::ALL
                .into_iter()
                .map(|kind| {
                    templates::current(conn, kind).map(|(text, customized)| templates::view(kind, text, customized))
                })
                .collect::<ApiResult<Vec<_>>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Replace a template. It is rendered with example values first: a syntax error or an unknown
/// placeholder is a 422 naming the field.
#[utoipa::path(
    tag = "mail", request_body = MailTemplateInput,
    params(("kind" = String, Path, description = "The kind of mail, e.g. ticket.reply.customer")),
    responses(
        (status = 200, body = MailTemplate),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[put("/api/mail/templates.json/{kind}")]
pub async fn update_template(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<String>,
    body: JsonBody<MailTemplateInput>,
) -> ApiResult<HttpResponse> {
    let kind = kind(&path)?;
    key_may_edit(&admin, kind)?;
    let (text, _) = templates::check(kind, &body.0)?;
    let saved = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                templates::save(conn, kind, &text, chrono::Utc::now().naive_utc())?;
                admin.audit(conn, "mail.template.update", "mail_template", kind.as_str(), json!({}))?;
                Ok(templates::view(kind, text, true))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(saved))
}

/// Back to the built-in text.
#[utoipa::path(
    tag = "mail",
    params(("kind" = String, Path, description = "The kind of mail")),
    responses(
        (status = 200, description = "The built-in text, now in force", body = MailTemplate),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[delete("/api/mail/templates.json/{kind}")]
pub async fn reset_template(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let kind = kind(&path)?;
    state
        .db(move |conn| {
            write_tx(conn, |conn| {
                if templates::reset(conn, kind)? {
                    admin.audit(conn, "mail.template.reset", "mail_template", kind.as_str(), json!({}))?;
                }
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(templates::view(kind, kind.default_text(), false)))
}

/// Render a template as typed, with example values, without saving it.
#[utoipa::path(
    tag = "mail", request_body = MailTemplateInput,
    params(("kind" = String, Path, description = "The kind of mail")),
    responses(
        (status = 200, body = MailPreview),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[post("/api/mail/templates.json/{kind}/preview")]
pub async fn preview_template(
    _admin: Admin,
    path: web::Path<String>,
    body: JsonBody<MailTemplateInput>,
) -> ApiResult<HttpResponse> {
    let (_, preview) = templates::check(kind(&path)?, &body.0)?;
    Ok(HttpResponse::Ok().json(preview))
}

/// Connect to the IMAP server of the settings (whether or not fetching is on), sign in and look
/// at the folder. A server that cannot be reached or refuses is a finding (`ok: false`).
#[utoipa::path(
    tag = "mail",
    responses(
        (status = 200, description = "The attempt's outcome", body = MailCheck),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 409, description = "No IMAP server is set", body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[post("/api/mail/imap-test.json")]
pub async fn test_imap(state: web::Data<AppState>, _admin: Admin) -> ApiResult<HttpResponse> {
    let server = state.db(|conn| Ok(mail_settings::imap_server(&Stored::read(conn)?))).await?;
    let server = server.ok_or_else(|| ApiError::Conflict("Set an IMAP server first".into()))?;
    let timeout = state.config.mail.timeout.min(std::time::Duration::from_secs(15));
    let account = fetch::imap_account(server, &state.config, timeout);
    let check = match imap::check(&account).await {
        Ok(info) => MailCheck {
            ok: true,
            detail: format!("{}: {} messages, {} unread", account.folder, info.messages, info.unseen),
        },
        Err(e) => MailCheck { ok: false, detail: e.to_string() },
    };
    Ok(HttpResponse::Ok().json(check))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboundQuery {
    page: Option<i64>,
    /// 1–100, default 25.
    per_page: Option<i64>,
    /// Only mail with this outcome: ticket, reply, auto, ignored or quarantined.
    outcome: Option<String>,
}

/// The mail that came in, newest first: what became of each, and the quarantine of mail that
/// could not be read.
#[utoipa::path(
    tag = "mail", params(InboundQuery),
    responses(
        (status = 200, body = [InboundMail], headers(("X-Total-Count" = i64), ("Link" = String))),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[get("/api/mail/inbound.json")]
pub async fn list_inbound(
    state: web::Data<AppState>,
    _admin: Admin,
    query: web::Query<InboundQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let (page, per_page) = check_page(query.page, query.per_page)?;
    let outcome = one_of("outcome", query.outcome.as_deref(), &inbound::OUTCOMES)?;
    let (mails, total) = state.db(move |conn| inbound::page(conn, outcome.as_deref(), page, per_page)).await?;
    Ok(page_response(&req, page, per_page, total, &mails))
}

/// A quarantined mail as it was received (message/rfc822), to look at or to keep.
#[utoipa::path(
    tag = "mail",
    params(("id" = i64, Path, description = "The mail's id")),
    responses(
        (status = 200, description = "The mail", content_type = "message/rfc822", body = inline(crate::core::http::Binary)),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, description = "Not quarantined: only quarantined mail is kept", body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[get("/api/mail/inbound.json/{id}/raw")]
pub async fn inbound_raw(state: web::Data<AppState>, _admin: Admin, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (raw, _) = state.db(move |conn| inbound::quarantined(conn, id)).await?;
    Ok(HttpResponse::Ok()
        .content_type("message/rfc822")
        .insert_header(("Content-Disposition", format!("attachment; filename=\"mail-{id}.eml\"")))
        .body(raw))
}

/// Handle a quarantined mail again (after a fix, or once its sender may open tickets).
#[utoipa::path(
    tag = "mail",
    params(("id" = i64, Path, description = "The mail's id")),
    responses(
        (status = 200, description = "What became of it now", body = InboundMail),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, description = "Not quarantined", body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[post("/api/mail/inbound.json/{id}/retry")]
pub async fn retry_inbound(state: web::Data<AppState>, admin: Admin, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let ctx = inbound::Context::new(&state.config, state.events.clone());
    let mail = state
        .db(move |conn| {
            let handled = inbound::retry(conn, id, &ctx)?;
            write_tx(conn, |conn| {
                admin.audit(conn, "mail.inbound.retry", "inbound_mail", id, json!({"outcome": handled.outcome}))
            })?;
            inbound::one(conn, handled.id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(mail))
}

/// Throw a quarantined mail away.
#[utoipa::path(
    tag = "mail",
    params(("id" = i64, Path, description = "The mail's id")),
    responses(
        (status = 204, description = "Gone"),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, description = "Not quarantined: the log of handled mail stays", body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[delete("/api/mail/inbound.json/{id}")]
pub async fn discard_inbound(state: web::Data<AppState>, admin: Admin, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state
        .db(move |conn| {
            write_tx(conn, |conn| {
                inbound::quarantined(conn, id)?;
                inbound::discard(conn, id)?;
                admin.audit(conn, "mail.inbound.discard", "inbound_mail", id, json!({}))
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// osTicket's email piping: the whole mail (RFC 822) as the request body, whatever its
/// Content-Type, from an MTA with an API key (write scope). It becomes a ticket or a reply exactly
/// as mail fetched over IMAP does, except that any sender may open a ticket (osTicket's rule: the
/// key vouches for the mail). 201: a ticket or a reply was made; 202: the mail was taken but made
/// nothing (an auto-reply, a disabled sender) or could not be handled and waits in quarantine
/// (`X-Oxidesk-Outcome` says which); 200: the same mail came before, answered with its ticket
/// again and nothing changed. The body is the ticket number as text, or the outcome as JSON when
/// the client accepts it.
#[utoipa::path(
    tag = "tickets",
    request_body(content = inline(crate::core::http::Binary), content_type = "application/octet-stream",
                 description = "The raw mail (RFC 822), taken whatever the Content-Type: message/rfc822, text/plain (osTicket's pipe scripts), application/x-www-form-urlencoded (curl)"),
    responses(
        (status = 201, description = "A ticket or a reply was made: its ticket number as text/plain, or the outcome with `Accept: application/json`",
         content((String = "text/plain", example = "TCK-1042"), (PipedMail = "application/json")),
         headers(("X-Oxidesk-Outcome" = String, description = "ticket or reply"))),
        (status = 200, description = "The same mail was piped before: nothing changed; its ticket number (empty when it made none)",
         content((String = "text/plain", example = "TCK-1042"), (PipedMail = "application/json")),
         headers(("X-Oxidesk-Outcome" = String, description = "what the mail became the first time"))),
        (status = 202, description = "Taken, but no ticket: an auto-reply, an ignored sender, or quarantined for an administrator (Admin › Mail)",
         content((String = "text/plain", example = ""), (PipedMail = "application/json")),
         headers(("X-Oxidesk-Outcome" = String, description = "auto, ignored or quarantined"))),
        (status = 400, description = "The body is not a mail: empty, or no header block", body = ApiErrorBody),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 413, body = ApiErrorBody),
        (status = 503, description = "The database does not answer: the MTA should try again", body = ApiErrorBody),
    ),
    security(("api_key" = ["write"]), ("bearer" = ["agent"]))
)]
#[post("/api/tickets.email")]
pub async fn pipe_mail(
    state: web::Data<AppState>,
    caller: Caller,
    body: RawBody,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    caller.require(Scope::Write)?;
    if !caller.as_actor().is_staff() {
        return Err(ApiError::Forbidden("Only agents and programs pipe mail into the desk".into()));
    }
    // Bytes that are no mail at all are the caller's mistake, not a mail to keep.
    if body.is_blank() || !parse::has_headers(&body.bytes) {
        return Err(ApiError::BadRequest(
            "The body must be a mail (RFC 822): header fields, a blank line, the body".into(),
        ));
    }
    let ctx = inbound::Context::new(&state.config, state.events.clone());
    let raw = body.bytes;
    let handled = state.db(move |conn| inbound::take(conn, &raw, Source::Pipe, &ctx)).await.map_err(|e| match e {
        ApiError::Internal(detail) => {
            ApiError::Unavailable(format!("The mail could not be stored now; try again ({detail})"))
        }
        other => other,
    })?;
    let mut response = match (handled.duplicate, handled.outcome.as_str()) {
        (true, _) => HttpResponse::Ok(),
        (false, "ticket" | "reply") => HttpResponse::Created(),
        (false, _) => HttpResponse::Accepted(),
    };
    response.insert_header(("X-Oxidesk-Outcome", handled.outcome.clone()));
    if crate::tickets::routes::accepts_json(&req) {
        Ok(response.json(PipedMail { outcome: handled.outcome, ticket: handled.ticket, duplicate: handled.duplicate }))
    } else {
        Ok(response.content_type("text/plain; charset=utf-8").body(handled.ticket.unwrap_or_default()))
    }
}
