//! People's accounts: signing in and out (`signin`, through the directory in `directory`), their
//! own account (`account`: password, confirmation, reset by mailed `tokens`), and the user
//! administration (`users`). The rules that create and change users are in `rules`.

pub mod account;
pub mod addresses;
pub mod credentials;
pub mod directory;
pub mod rules;
pub mod signin;
pub mod tokens;
pub mod users;

use crate::core::http::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(signin::routes).configure(account::routes).configure(users::routes);
}
