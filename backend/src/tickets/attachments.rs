//! Attachment downloads, with the same visibility as the ticket they belong to.

use actix_web::http::header::{self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue};
use actix_web::{get, web, HttpResponse};
use shared::ApiErrorBody;

use crate::core::auth::apikeys::Scope;
use crate::core::auth::Caller;
use crate::core::error::ApiResult;
use crate::core::http::{Binary, ServiceConfig};
use crate::core::state::AppState;
use crate::tickets::content::blob_path;
use crate::tickets::find;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(download);
}

/// Download an attachment (always as a download, never rendered inline).
#[utoipa::path(
    tag = "tickets",
    params(("id" = i64, Path, description = "Attachment id")),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream", body = inline(Binary)),
        (status = 401, body = ApiErrorBody),
        (status = 403, description = "The key lacks the read scope", body = ApiErrorBody),
        (status = 404, description = "No such attachment, or not yours", body = ApiErrorBody),
    ),
    security(("api_key" = ["read"]), ("bearer" = ["authorized_user"]))
)]
#[get("/api/attachments/{id}")]
pub async fn download(state: web::Data<AppState>, caller: Caller, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    caller.require(Scope::Read)?;
    let actor = caller.as_actor();
    let id = id.into_inner();
    let attachment = state.db(move |conn| find::visible_attachment(conn, &actor, id)).await?;
    let path = blob_path(&state.config.attachments_dir(), &attachment.sha256);
    let bytes = web::block(move || std::fs::read(path)).await??;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/octet-stream"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: filename_params(&attachment.filename),
        })
        .body(bytes))
}

/// `filename="…"` in ASCII (other characters as `_`), and for a name that is not ASCII also
/// RFC 6266's `filename*=UTF-8''…`, which browsers prefer: a header carries no raw UTF-8.
fn filename_params(name: &str) -> Vec<DispositionParam> {
    let ascii: String = name.chars().map(|c| if c.is_ascii() && !c.is_ascii_control() { c } else { '_' }).collect();
    let mut params = vec![DispositionParam::Filename(ascii)];
    if !name.is_ascii() {
        params.push(DispositionParam::FilenameExt(ExtendedValue {
            charset: Charset::Ext("UTF-8".into()),
            language_tag: None,
            value: name.as_bytes().to_vec(),
        }));
    }
    params
}
