//! Pieces shared by several pages of either app.

pub mod app_header;
pub mod attachments;
pub mod catalog;
pub mod composer;
pub mod draft_sync;
pub mod feedback;
pub mod form;
pub mod icon;
pub mod marked;
pub mod person_picker;
pub mod require_sign_in;
pub mod shell;
pub mod shortcuts;
pub mod thread;
pub mod ticket_actions;
