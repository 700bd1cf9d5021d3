//! The desk's routes, under `/desk/` (and the first-run setup, `setup.rs`, in place of every
//! route until an administrator exists). Every page needs a signed-in agent (`RequireSignIn` sends
//! visitors to the portal's sign-in and customers to the portal); the administration pages a
//! level on top.

use leptos::prelude::*;
use leptos_router::components::{Route, Routes, A};
use leptos_router::path;
use shared::AccessLevel;
use ui::components::catalog::Catalog;
use ui::components::require_sign_in::{RequireLevel, RequireSignIn};
use ui::pages::account::AccountPage;
use ui::pages::home::HomePage;
use ui::pages::new_ticket::NewTicketPage;
use ui::pages::ticket::TicketPage;
use ui::pages::ticket_list::{DeskTools, TicketListPage};

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
use crate::saved_views::SavedViews;
use crate::ticket_sidebar::staff_side;

const ADMIN: AccessLevel = AccessLevel::Administrator;
const USER_MANAGER: AccessLevel = AccessLevel::UserManager;

/// Saved views and bulk changes, which the portal's list does not have.
const TOOLS: DeskTools = DeskTools {
    saved_views: |filter| view! { <SavedViews filter/> }.into_any(),
    bulk_bar: |rows, selected, catalog, on_done| view! { <BulkBar rows selected catalog on_done/> }.into_any(),
};

pub fn routes() -> AnyView {
    view! {
        <Routes fallback=NotFound>
            <Route path=path!("/") view=|| view! { <RequireSignIn><HomePage/></RequireSignIn> }/>
            <Route path=path!("/account") view=|| view! { <RequireSignIn><AccountPage/></RequireSignIn> }/>
            <Route path=path!("/tickets") view=|| view! { <RequireSignIn><TicketListPage tools=TOOLS/></RequireSignIn> }/>
            // Before `:number`, which would otherwise take "new" for a ticket number.
            <Route path=path!("/tickets/new") view=|| view! { <RequireSignIn><NewTicketPage/></RequireSignIn> }/>
            <Route path=path!("/tickets/:number") view=|| view! { <RequireSignIn><TicketPage side=staff_side catalog=Catalog::load/></RequireSignIn> }/>
            <Route path=path!("/admin") view=|| view! { <RequireLevel min=USER_MANAGER><AdminHome/></RequireLevel> }/>
            <Route path=path!("/admin/users") view=|| view! { <RequireLevel min=USER_MANAGER><UsersPage/></RequireLevel> }/>
            <Route path=path!("/admin/settings") view=|| view! { <RequireLevel min=ADMIN><SettingsPage/></RequireLevel> }/>
            <Route path=path!("/admin/queues") view=|| view! { <RequireLevel min=ADMIN><QueuesPage/></RequireLevel> }/>
            <Route path=path!("/admin/topics") view=|| view! { <RequireLevel min=ADMIN><TopicsPage/></RequireLevel> }/>
            <Route path=path!("/admin/statuses") view=|| view! { <RequireLevel min=ADMIN><StatusesPage/></RequireLevel> }/>
            <Route path=path!("/admin/priorities") view=|| view! { <RequireLevel min=ADMIN><PrioritiesPage/></RequireLevel> }/>
            <Route path=path!("/admin/api-keys") view=|| view! { <RequireLevel min=ADMIN><ApiKeysPage/></RequireLevel> }/>
            <Route path=path!("/admin/mail") view=|| view! { <RequireLevel min=ADMIN><MailSettingsPage/></RequireLevel> }/>
            <Route path=path!("/admin/mail-templates") view=|| view! { <RequireLevel min=ADMIN><MailTemplatesPage/></RequireLevel> }/>
            <Route path=path!("/admin/outbox") view=|| view! { <RequireLevel min=ADMIN><OutboxPage/></RequireLevel> }/>
            <Route path=path!("/admin/mail-log") view=|| view! { <RequireLevel min=ADMIN><MailLogPage/></RequireLevel> }/>
            <Route path=path!("/admin/jobs") view=|| view! { <RequireLevel min=ADMIN><JobsPage/></RequireLevel> }/>
        </Routes>
    }
    .into_any()
}

#[component]
fn NotFound() -> impl IntoView {
    view! {
        <section class="page">
            <h1>"Page not found"</h1>
            <p><A href="/tickets">"Go to the tickets"</A></p>
        </section>
    }
}
