//! People's accounts: signing in and out (`signin`, through the directory in `directory`), their
//! own account (`account`: password, confirmation, reset by mailed `tokens`), and the user
//! administration (`users`). The rules that create and change users are in `rules`.

pub mod account;
pub mod directory;
pub mod rules;
pub mod signin;
pub mod tokens;
pub mod users;

use actix_web::web;
use utoipa::OpenApi;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(signin::routes).configure(account::routes).configure(users::routes);
}

#[derive(OpenApi)]
#[openapi(paths(
    signin::login,
    signin::refresh,
    signin::logout,
    signin::me,
    signin::update_me,
    account::change_password,
    account::request_reset,
    account::confirm_reset,
    account::confirm_email,
    users::list_users,
    users::create_user,
    users::get_user,
    users::update_user,
    users::set_password,
    users::create_user_osticket,
))]
pub struct Doc;
