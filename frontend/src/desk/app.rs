//! The desk's routes, under `/desk/` (and the first-run setup, `setup.rs`, in place of every
//! route until an administrator exists). Every page needs a signed-in agent (`RequireSignIn` sends
//! visitors to the portal's sign-in and customers to the portal); the administration pages a
//! level on top.

use leptos::prelude::*;
use shared::settings::Capability;
use shared::AccessLevel;
use ui::components::catalog::Catalog;
use ui::components::composer::MakeReplyExtra;
use ui::components::require_sign_in::{RequireLevel, RequireSignIn};
use ui::pages::account::AccountPage;
use ui::pages::home::HomePage;
use ui::pages::new_ticket::NewTicketPage;
use ui::pages::ticket::TicketPage;
use ui::pages::ticket_list::{DeskTools, TicketListPage};
use ui::paths::href;
use ui::route;

use crate::admin::api_keys::ApiKeysPage;
use crate::admin::catalog::{PrioritiesPage, QueuesPage, StatusesPage};
use crate::admin::jobs::JobsPage;
use crate::admin::mail_log::MailLogPage;
use crate::admin::mail_settings::MailSettingsPage;
use crate::admin::mail_templates::MailTemplatesPage;
use crate::admin::outbox::OutboxPage;
use crate::admin::settings::SettingsPage;
use crate::admin::topics::TopicsPage;
use crate::admin::users::UsersPage;
use crate::admin::AdminHome;
use crate::bulk_bar::BulkBar;
use crate::clients::list::{ClientsPage, NewClientPage};
use crate::clients::page::ClientPage;
use crate::clients::{threshold, EDIT_LEVEL};
use crate::side_bar::SideBar;
use crate::ticket_sidebar::staff_side;

const ADMIN: AccessLevel = AccessLevel::Administrator;
const USER_MANAGER: AccessLevel = AccessLevel::UserManager;

/// The side bar (counts, saved views) and bulk changes, which the portal's list does not have.
const TOOLS: DeskTools = DeskTools {
    side_bar: |filter| view! { <SideBar filter/> }.into_any(),
    bulk_bar: |rows, selected, catalog, on_done| view! { <BulkBar rows selected catalog on_done/> }.into_any(),
    live: crate::watch::list_live,
    page_actions: crate::density::density_toggle,
};

/// The desk's pages by path, matched by `ui::route` as the portal's are (a memo of the page, so a
/// new query string keeps the page).
pub fn routes() -> AnyView {
    let page = Memo::new(move |_| {
        let path = route::path();
        let path = path.trim_end_matches('/');
        match path {
            "/tickets/new" => "/tickets/new",
            _ if path.strip_prefix("/tickets/").is_some_and(|n| !n.is_empty() && !n.contains('/')) => {
                "/tickets/:number"
            }
            "/clients/new" => "/clients/new",
            _ if path.strip_prefix("/clients/").is_some_and(|n| n.parse::<i64>().is_ok()) => "/clients/:id",
            _ => PATHS.iter().copied().find(|p| p.trim_end_matches('/') == path).unwrap_or(""),
        }
    });
    (move || page_view(page.get())).into_any()
}

const PATHS: [&str; 18] = [
    "/",
    "/account",
    "/tickets",
    "/tickets/new",
    "/clients",
    "/admin",
    "/admin/users",
    "/admin/settings",
    "/admin/queues",
    "/admin/topics",
    "/admin/statuses",
    "/admin/priorities",
    "/admin/api-keys",
    "/admin/mail",
    "/admin/mail-templates",
    "/admin/outbox",
    "/admin/mail-log",
    "/admin/jobs",
];

/// What agents' replies have beyond the portal's.
const REPLY_EXTRAS: &[MakeReplyExtra] = &[
    crate::signature::reply_signature,
    crate::markdown::markdown_choice,
    crate::copies::reply_copies,
    crate::then_status::then_status,
];

fn page_view(route: &str) -> AnyView {
    match route {
        "/" => view! { <RequireSignIn><HomePage/></RequireSignIn> }.into_any(),
        "/account" => {
            view! { <RequireSignIn><AccountPage extra=crate::signature::signature_form/></RequireSignIn> }.into_any()
        }
        "/tickets" => view! { <RequireSignIn><TicketListPage tools=TOOLS/></RequireSignIn> }.into_any(),
        "/tickets/new" => view! {
            <RequireSignIn><NewTicketPage extra=crate::new_ticket_staff::staff_fields/></RequireSignIn>
        }
        .into_any(),
        "/tickets/:number" => view! {
            <RequireSignIn>
                <TicketPage side=staff_side catalog=Catalog::load watch=crate::watch::ticket_watch
                    reply_extras=REPLY_EXTRAS/>
            </RequireSignIn>
        }
        .into_any(),
        // The directory's threshold is a setting ("Can view client details"), read as the page opens.
        "/clients" => {
            view! { <RequireLevel min=threshold(Capability::ViewClientDetails)><ClientsPage/></RequireLevel> }
                .into_any()
        }
        "/clients/new" => view! { <RequireLevel min=EDIT_LEVEL><NewClientPage/></RequireLevel> }.into_any(),
        "/clients/:id" => {
            view! { <RequireLevel min=threshold(Capability::ViewClientDetails)><ClientPage/></RequireLevel> }.into_any()
        }
        "/admin" => view! { <RequireLevel min=USER_MANAGER><AdminHome/></RequireLevel> }.into_any(),
        "/admin/users" => view! { <RequireLevel min=USER_MANAGER><UsersPage/></RequireLevel> }.into_any(),
        "/admin/settings" => view! { <RequireLevel min=ADMIN><SettingsPage/></RequireLevel> }.into_any(),
        "/admin/queues" => view! { <RequireLevel min=ADMIN><QueuesPage/></RequireLevel> }.into_any(),
        "/admin/topics" => view! { <RequireLevel min=ADMIN><TopicsPage/></RequireLevel> }.into_any(),
        "/admin/statuses" => view! { <RequireLevel min=ADMIN><StatusesPage/></RequireLevel> }.into_any(),
        "/admin/priorities" => view! { <RequireLevel min=ADMIN><PrioritiesPage/></RequireLevel> }.into_any(),
        "/admin/api-keys" => view! { <RequireLevel min=ADMIN><ApiKeysPage/></RequireLevel> }.into_any(),
        "/admin/mail" => view! { <RequireLevel min=ADMIN><MailSettingsPage/></RequireLevel> }.into_any(),
        "/admin/mail-templates" => view! { <RequireLevel min=ADMIN><MailTemplatesPage/></RequireLevel> }.into_any(),
        "/admin/outbox" => view! { <RequireLevel min=ADMIN><OutboxPage/></RequireLevel> }.into_any(),
        "/admin/mail-log" => view! { <RequireLevel min=ADMIN><MailLogPage/></RequireLevel> }.into_any(),
        "/admin/jobs" => view! { <RequireLevel min=ADMIN><JobsPage/></RequireLevel> }.into_any(),
        _ => view! { <NotFound/> }.into_any(),
    }
}

#[component]
fn NotFound() -> impl IntoView {
    view! {
        <section class="page">
            <h1>"Page not found"</h1>
            <p><a href=href("/tickets")>"Go to the tickets"</a></p>
        </section>
    }
}
