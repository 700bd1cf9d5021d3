//! Pieces shared by several pages.

pub mod app_header;
pub mod attachments;
pub mod feedback;
pub mod form;
pub mod reply_form;
pub mod require_sign_in;
pub mod thread;
