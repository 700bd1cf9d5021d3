//! Pieces shared by several pages.

pub mod app_header;
pub mod attachments;
pub mod bulk_bar;
pub mod catalog;
pub mod composer;
pub mod feedback;
pub mod form;
pub mod require_sign_in;
pub mod saved_views;
pub mod shortcuts;
pub mod thread;
pub mod ticket_sidebar;
