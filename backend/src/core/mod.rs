//! The core every feature builds on, and which imports no feature: the shared state, errors,
//! typed settings, the audit log, domain events, the job runner, authentication and guards, the
//! database, HTTP helpers, and the policy for outgoing connections (`net`).
//! Features (tickets, accounts, mail, …) use the core; the core never uses them
//! (backend/tests/layout.rs keeps it so).

pub mod audit;
pub mod auth;
pub mod db;
pub mod error;
pub mod events;
pub mod http;
pub mod jobs;
pub mod live;
pub mod memo;
pub mod net;
pub mod settings;
pub mod state;
pub mod time;
