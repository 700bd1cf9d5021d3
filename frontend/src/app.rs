//! The routes, and what every page shares: the site settings, the session, the header and the
//! public notice. Until an administrator exists, every route shows the first-run setup.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;
use shared::AccessLevel;

use crate::components::app_header::AppHeader;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::require_sign_in::{RequireLevel, RequireSignIn};
use crate::pages::account::{AccountPage, ConfirmPage, ForgotPage, ResetPage};
use crate::pages::admin::api_keys::ApiKeysPage;
use crate::pages::admin::mail_log::MailLogPage;
use crate::pages::admin::mail_settings::MailSettingsPage;
use crate::pages::admin::mail_templates::MailTemplatesPage;
use crate::pages::admin::outbox::OutboxPage;
use crate::pages::admin::catalog::{PrioritiesPage, QueuesPage, StatusesPage};
use crate::pages::admin::settings::SettingsPage;
use crate::pages::admin::topics::TopicsPage;
use crate::pages::admin::users::UsersPage;
use crate::pages::admin::AdminHome;
use crate::pages::guest_ticket::GuestTicketPage;
use crate::pages::home::HomePage;
use crate::pages::login::LoginPage;
use crate::pages::new_ticket::NewTicketPage;
use crate::pages::register::RegisterPage;
use crate::pages::setup::SetupPage;
use crate::pages::ticket::TicketPage;
use crate::pages::ticket_list::TicketListPage;
use crate::session::Session;
use crate::site::{Site, SiteNotice, SiteState};

const ADMIN: AccessLevel = AccessLevel::Administrator;
const USER_MANAGER: AccessLevel = AccessLevel::UserManager;

#[component]
pub fn App() -> impl IntoView {
    let site = Site::provide();
    Session::provide();
    // A memo: a changed site name must not rebuild the routes (and lose what is being typed).
    let state = Memo::new(move |_| site.state());
    view! {
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <AppHeader/>
            <SiteNotice/>
            <main id="main" tabindex="-1">
                {move || match state.get() {
                    SiteState::Loading => view! { <Loading label="Loading…"/> }.into_any(),
                    SiteState::Failed(error) => view! {
                        <section class="page page-narrow">
                            <h1>"The help desk is not reachable"</h1>
                            <ErrorNotice error retry=Callback::new(move |()| site.reload())/>
                        </section>
                    }
                    .into_any(),
                    SiteState::SetupNeeded => view! { <SetupPage/> }.into_any(),
                    SiteState::Ready => view! { <AppRoutes/> }.into_any(),
                }}
            </main>
        </Router>
    }
}

#[component]
fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=NotFound>
            <Route path=path!("/login") view=LoginPage/>
            <Route path=path!("/register") view=RegisterPage/>
            <Route path=path!("/guest") view=GuestTicketPage/>
            <Route path=path!("/forgot") view=ForgotPage/>
            <Route path=path!("/reset") view=ResetPage/>
            <Route path=path!("/confirm") view=ConfirmPage/>
            <Route path=path!("/account") view=|| view! { <RequireSignIn><AccountPage/></RequireSignIn> }/>
            <Route path=path!("/") view=|| view! { <RequireSignIn><HomePage/></RequireSignIn> }/>
            <Route path=path!("/tickets") view=|| view! { <RequireSignIn><TicketListPage/></RequireSignIn> }/>
            // Before `:number`, which would otherwise take "new" for a ticket number.
            <Route path=path!("/tickets/new") view=|| view! { <RequireSignIn><NewTicketPage/></RequireSignIn> }/>
            <Route path=path!("/tickets/:number") view=|| view! { <RequireSignIn><TicketPage/></RequireSignIn> }/>
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
        </Routes>
    }
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
