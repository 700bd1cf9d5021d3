use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The one error body of the API: `{"error": {"code": "…", "message": "…", "fields": {…}}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "error": {"code": "invalid_fields", "message": "Some fields are invalid",
              "fields": {"subject": "must not be empty"}}
})))]
pub struct ApiErrorBody {
    pub error: ApiErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiErrorDetail {
    /// Stable machine-readable code: bad_request, unauthorized, forbidden, not_found,
    /// method_not_allowed, conflict, payload_too_large, unsupported_media_type, invalid_fields,
    /// rate_limited, unavailable (a service the server needs, like the LDAP directory, does not
    /// answer: try again later), internal.
    pub code: String,
    /// A sentence for people.
    pub message: String,
    /// Field name → what is wrong with it (only for invalid_fields).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}
