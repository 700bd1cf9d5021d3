//! One error type for every handler. Each variant maps to one status and the JSON body of the
//! design; internal causes are logged once here and never shown to the client.

use std::collections::BTreeMap;

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use shared::{ApiErrorBody, ApiErrorDetail};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    /// Also what a customer gets for someone else's ticket: no hint that it exists.
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    MethodNotAllowed(String),
    #[error("{0}")]
    Conflict(String),
    /// The request body did not arrive in time (core::http::limits): a 408.
    #[error("{0}")]
    Timeout(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("Some fields are invalid")]
    InvalidFields(BTreeMap<String, String>),
    #[error("Too many requests; try again in {retry_after} seconds")]
    RateLimited { retry_after: u64 },
    /// A service the request needs (the LDAP directory) does not answer: a 503, which says to
    /// try again later, never a wrong password.
    #[error("{0}")]
    Unavailable(String),
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    /// A 422 naming one field.
    pub fn field(name: &str, problem: impl Into<String>) -> ApiError {
        ApiError::InvalidFields(BTreeMap::from([(name.to_owned(), problem.into())]))
    }

    /// The same error with fields named as the client named them (for endpoints whose body
    /// is translated into another's, like osTicket's staff reply).
    pub fn rename_fields(self, names: &[(&str, &str)]) -> ApiError {
        match self {
            ApiError::InvalidFields(fields) => ApiError::InvalidFields(
                fields
                    .into_iter()
                    .map(|(k, v)| match names.iter().find(|(inner, _)| *inner == k) {
                        Some((_, outer)) => ((*outer).to_owned(), v),
                        None => (k, v),
                    })
                    .collect(),
            ),
            other => other,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::MethodNotAllowed(_) => "method_not_allowed",
            ApiError::Conflict(_) => "conflict",
            ApiError::Timeout(_) => "request_timeout",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::InvalidFields(_) => "invalid_fields",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(_) => "internal",
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Timeout(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::InvalidFields(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let message = match self {
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                "Something went wrong on the server; nothing was changed".to_owned()
            }
            other => other.to_string(),
        };
        let fields = match self {
            ApiError::InvalidFields(fields) => fields.clone(),
            _ => BTreeMap::new(),
        };
        let mut response = HttpResponse::build(self.status_code());
        if let ApiError::RateLimited { retry_after } = self {
            response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
        }
        if let ApiError::Unauthorized(_) = self {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        response.json(ApiErrorBody { error: ApiErrorDetail { code: self.code().to_owned(), message, fields } })
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => ApiError::NotFound("record"),
            // Two requests saving the same unique value at once: the later one may simply retry.
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                ApiError::Conflict("The same record was saved at the same moment; try again".into())
            }
            other => ApiError::Internal(format!("database: {other}")),
        }
    }
}

impl From<r2d2::Error> for ApiError {
    fn from(e: r2d2::Error) -> Self {
        ApiError::Internal(format!("database pool: {e}"))
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::Internal(format!("blocking task: {e}"))
    }
}

impl From<std::io::Error> for ApiError {
    fn from(e: std::io::Error) -> Self {
        ApiError::Internal(format!("i/o: {e}"))
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// For validating a whole request before answering: an invalid-field error joins `errors` so that
/// one answer names every bad field; any other error (the database failing) is kept under "_".
pub fn collect<T>(errors: &mut BTreeMap<String, String>, result: ApiResult<T>) -> Option<T> {
    match result {
        Ok(v) => Some(v),
        Err(ApiError::InvalidFields(fields)) => {
            errors.extend(fields);
            None
        }
        Err(other) => {
            errors.insert("_".into(), other.to_string());
            None
        }
    }
}
