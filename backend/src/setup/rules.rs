//! The first run and self-registration: a new account checked with the same rules as the SPA's
//! forms, then created in the caller's transaction.

use diesel::prelude::*;
use serde_json::json;
use shared::validate::{Email, PersonName, Username};
use shared::AccessLevel;

use crate::accounts::rules::{availability, insert_user, NewUserInput, Unavailable};
use crate::accounts::tokens::{mail_account_exists, mail_confirmation, mail_registration_refused};
use crate::core::audit::{self, AuditEvent};
use crate::core::auth::sessions::{self, Started};
use crate::core::auth::{password, Actor};
use crate::core::db::models::UserRow;
use crate::core::db::schema::settings as settings_table;
use crate::core::db::AnyConnection;
use crate::core::error::{ApiError, ApiResult};
use crate::setup::settings;

/// A new account's fields, checked with the same rules as the SPA's forms.
pub struct Signup {
    username: Username,
    name: PersonName,
    email: Email,
    /// Hashed on the blocking pool (argon2 takes tens of milliseconds), before the checks that
    /// read the database.
    password: String,
}

impl Signup {
    pub fn email(&self) -> &Email {
        &self.email
    }
}

pub fn check_signup(username: &str, name: &str, email: &str, password: &str) -> ApiResult<Signup> {
    let mut errors = std::collections::BTreeMap::new();
    // The password must not be built from the person's own name or address.
    if let Err(e) = password::check_new(password, &[username.trim(), email.trim(), name.trim()]) {
        errors.insert("password".to_owned(), e);
    }
    let username = Username::parse(username.trim()).map_err(|e| errors.insert("username".to_owned(), e)).ok();
    let name = PersonName::parse(name).map_err(|e| errors.insert("name".to_owned(), e)).ok();
    let email = Email::parse(email).map_err(|e| errors.insert("email".to_owned(), e)).ok();
    match (username, name, email) {
        (Some(username), Some(name), Some(email)) if errors.is_empty() => {
            Ok(Signup { username, name, email, password: password.to_owned() })
        }
        _ => Err(ApiError::InvalidFields(errors)),
    }
}

/// Creates the account (inside the caller's transaction).
fn create_account(
    conn: &mut AnyConnection,
    signup: &Signup,
    password_hash: &str,
    level: AccessLevel,
    email_confirmed: bool,
    ip: Option<&str>,
) -> ApiResult<UserRow> {
    insert_user(
        conn,
        None,
        NewUserInput {
            username: Some(&signup.username),
            email: &signup.email,
            name: &signup.name,
            phone: "",
            level,
            password_hash: Some(password_hash),
            notes: "",
            timezone: None,
            language: None,
            email_confirmed,
        },
        ip,
    )
}

pub fn already_set_up() -> ApiError {
    ApiError::Conflict("This desk is already set up; sign in instead".into())
}

/// Creates the administrator with the first settings and starts their session. Two first runs at
/// once: the second finds the first's administrator, or (on PostgreSQL) trips over the same
/// `setup_at` settings key, and gets the 409 too.
pub fn first_run(
    conn: &mut AnyConnection,
    signup: &Signup,
    values: &[(String, String)],
    ip: Option<&str>,
    refresh_days: i64,
) -> ApiResult<(UserRow, Started)> {
    if settings::admin_exists(conn)? {
        return Err(already_set_up());
    }
    diesel::insert_into(settings_table::table)
        .values((settings_table::key.eq("setup_at"), settings_table::value.eq(chrono::Utc::now().to_rfc3339())))
        .execute(conn)
        .map_err(|e| match ApiError::from(e) {
            ApiError::Conflict(_) => already_set_up(),
            other => other,
        })?;
    let password_hash = password::hash(&signup.password)?;
    let user = create_account(conn, signup, &password_hash, AccessLevel::Administrator, true, ip)?;
    crate::core::settings::store(conn, &Actor::User(user.clone()), ip, values)?;
    let started = sessions::start(conn, user.id, refresh_days)?;
    Ok((user, started))
}

/// How the settings say a registration goes.
pub struct Registration {
    pub level: AccessLevel,
    /// The address is confirmed by a mailed link before the account signs in.
    pub confirm: bool,
    pub public_url: String,
    pub refresh_days: i64,
}

impl Registration {
    /// Whether a registration is answered "see your mail" rather than signed in: then a taken
    /// address or user name is said only in a mail to the address, so that nobody learns from
    /// the answer whose address has an account.
    pub fn answers_by_mail(&self) -> bool {
        self.confirm || self.level == AccessLevel::Disabled
    }
}

/// What became of a registration.
pub enum Registered {
    /// The account, and its session when it signs in at once.
    Created(Box<UserRow>, Option<Started>),
    /// The address or user name was taken: the address was mailed why (only when the answer is
    /// by mail anyway, see [`Registration::answers_by_mail`]).
    Refused,
}

/// Creates a registered account; its session starts at once unless the address is to be
/// confirmed first (a link is mailed) or a user manager is to enable it (level 0).
pub fn register(
    conn: &mut AnyConnection,
    signup: &Signup,
    how: &Registration,
    ip: Option<&str>,
) -> ApiResult<Registered> {
    // Hashed whatever comes next, so a taken name answers no sooner than a free one.
    let password_hash = password::hash(&signup.password)?;
    match availability(conn, &signup.email, Some(&signup.username))? {
        Ok(_) => {}
        Err(unavailable) if how.answers_by_mail() => {
            match unavailable {
                Unavailable::Email(owner) => mail_account_exists(conn, &owner, &how.public_url)?,
                Unavailable::LookAlike | Unavailable::Username => {
                    mail_registration_refused(conn, &signup.email, &how.public_url)?
                }
            }
            return Ok(Registered::Refused);
        }
        // Signed in at once or refused: the answer cannot hide it, but need not say which.
        Err(_) => return Err(taken()),
    }
    // The address is unproven until its link is used, whether or not signing in waits for it:
    // until then, tickets others filed for the address stay held (tickets::create).
    let user = create_account(conn, signup, &password_hash, how.level, false, ip)?;
    audit::record(
        conn,
        Some(&Actor::User(user.clone())),
        ip,
        AuditEvent {
            action: "auth.register",
            target_type: "user",
            target_id: user.id.to_string(),
            detail: json!({"level": i16::from(how.level), "confirm": how.confirm}),
        },
    )?;
    mail_confirmation(conn, &user, &how.public_url)?;
    if how.confirm {
        return Ok(Registered::Created(Box::new(user), None));
    }
    let started =
        (how.level != AccessLevel::Disabled).then(|| sessions::start(conn, user.id, how.refresh_days)).transpose()?;
    Ok(Registered::Created(Box::new(user), started))
}

/// A registration that would sign in at once, with a user name or address in use.
fn taken() -> ApiError {
    let why = "or email address is in use: if the account is yours, sign in or set a new password";
    ApiError::InvalidFields([("username".to_owned(), why.to_owned())].into())
}
