//! Other products' APIs over the same rules: each parses the other product's request, calls the
//! feature's rules and renders the other product's answer. osTicket's ticket API is Oxidesk's own
//! (tickets::routes); its staff endpoints under /api/scp/ are here, django-helpdesk's method API
//! (`/api/<method>/`) and NodePoint's (`/nodepoint/?api=`).

pub mod django_helpdesk;
pub mod nodepoint;
pub mod osticket;

use crate::core::http::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(osticket::routes).configure(django_helpdesk::routes).configure(nodepoint::routes);
}
