//! `ui`: what the agents' desk and the customers' portal share — the typed API client over the
//! `shared` DTOs, the session and the site settings, feedback, forms, the CRUD plumbing of list
//! and edit screens, and the screens both apps show (the ticket page, the ticket list, a new
//! ticket, the account page). Each app is a binary of this crate (`src/desk/`, `src/portal/`) and
//! links only what it uses: fat LTO and wasm-opt drop the rest, so the portal's WASM carries no
//! desk screen.

pub mod api;
pub mod components;
pub mod crud;
pub mod message_html;
pub mod pages;
pub mod paths;
pub mod route;
pub mod session;
pub mod site;
pub mod task;
pub mod text;
