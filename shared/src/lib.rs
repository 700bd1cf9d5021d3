//! What the Oxidesk server and its SPA agree on: the JSON shapes of the API and the rules that
//! decide whether an input is valid. Both sides call the same `parse` functions, so a form in the
//! browser rejects exactly what the server would reject.

pub mod access;
pub mod apikeys;
pub mod auth;
pub mod catalog;
pub mod clients;
pub mod error;
pub mod jobs;
pub mod live;
pub mod mail;
pub mod markdown;
pub mod notifications;
pub mod search;
pub mod settings;
pub mod tickets;
pub mod users;
pub mod validate;

pub use access::AccessLevel;
pub use error::{ApiErrorBody, ApiErrorDetail};
