//! Outgoing connections: one policy for every feature that connects out to a place an
//! administrator or a program names (the mail servers now, webhooks later). Loopback, private,
//! link-local, cloud metadata and the other special addresses are refused unless `oxidesk.toml`
//! opens their network (`[outbound] allow`, never settable through the API); the address is
//! checked after resolving, and the connection goes to exactly that address (`connect`).
//! Errors name the class of failure, never what the remote side said (docs/security.md).

pub mod address;
pub mod connect;

pub use address::{check, classify, Class, Refused};
pub use connect::{connect, host_port, ConnectError};
