//! The agents' desk and the administration screens, under `/desk/`. People sign in on the
//! portal's page; customers who open a desk address are sent to the portal's equivalent.

mod admin;
mod app;
mod bell;
mod bulk_bar;
mod clients;
mod copies;
mod customer_panel;
mod delete_ticket;
mod density;
mod live;
mod markdown;
mod new_ticket_staff;
mod saved_views;
mod setup;
mod side_bar;
mod signature;
mod then_status;
mod ticket_client;
mod ticket_sidebar;
mod watch;

fn main() {
    let chrome = ui::components::shell::Chrome {
        provide: || {
            density::restore();
            live::Live::provide();
            bell::Bell::provide();
        },
        header: bell::bell,
    };
    ui::components::shell::start(ui::paths::DESK, setup::setup_page, app::routes, Some(chrome));
}
