//! Accounts: creating users, shared by the API, the command line and tickets that arrive from
//! new customers; changing them, and who may.

use diesel::prelude::*;
use serde_json::json;
use shared::users::{ProfileUpdate, SIGNATURE_MAX_CHARS};
use shared::validate::{Email, PersonName, Username};
use shared::AccessLevel;

use crate::accounts::addresses;
use crate::core::audit::{self, AuditEvent};
use crate::core::auth::sessions::{self, EndReason};
use crate::core::auth::{find_by_login, Actor};
use crate::core::db::models::{NewUser, UserRow};
use crate::core::db::schema::{tickets, users};
use crate::core::db::AnyConnection;
use crate::core::error::{ApiError, ApiResult};

pub struct NewUserInput<'a> {
    pub username: Option<&'a Username>,
    pub email: &'a Email,
    pub name: &'a PersonName,
    pub phone: &'a str,
    pub level: AccessLevel,
    pub password_hash: Option<&'a str>,
    pub notes: &'a str,
    pub timezone: Option<&'a str>,
    pub language: Option<&'a str>,
    /// False only for accounts people make for themselves: their address is unproven.
    pub email_confirmed: bool,
}

/// Why a new account cannot have the address or user name it asked for.
pub enum Unavailable {
    /// The address is this account's.
    Email(Box<UserRow>),
    /// The address looks like another account's (`accounts::addresses`).
    LookAlike,
    Username,
}

impl Unavailable {
    /// The answer for those who may know (staff creating people): which one, and why.
    pub fn error(&self) -> ApiError {
        match self {
            Unavailable::Email(_) => ApiError::field("email", "is already in use"),
            Unavailable::LookAlike => addresses::looks_taken_error(),
            Unavailable::Username => ApiError::field("username", "is already in use"),
        }
    }
}

/// The stored form of a new account's address (422 when it cannot be one), or why the address
/// or user name cannot be the new account's.
pub fn availability(
    conn: &mut AnyConnection,
    email: &Email,
    username: Option<&Username>,
) -> ApiResult<Result<Email, Unavailable>> {
    let stored = addresses::normalise(email).map_err(|e| ApiError::field("email", e))?;
    if let Some(owner) = find_by_login(conn, stored.as_str())? {
        return Ok(Err(Unavailable::Email(Box::new(owner))));
    }
    if addresses::looks_taken(conn, email, None)? {
        return Ok(Err(Unavailable::LookAlike));
    }
    if let Some(u) = username {
        if find_by_login(conn, u.as_str())?.is_some() {
            return Ok(Err(Unavailable::Username));
        }
    }
    Ok(Ok(stored))
}

/// Inserts a user whose email and user name are free (422 otherwise), with an audit row.
pub fn insert_user(
    conn: &mut AnyConnection,
    actor: Option<&Actor>,
    input: NewUserInput<'_>,
    ip: Option<&str>,
) -> ApiResult<UserRow> {
    let email = availability(conn, input.email, input.username)?.map_err(|u| u.error())?;
    let now = chrono::Utc::now().naive_utc();
    let (firstname, lastname) = input.name.split();
    let id: i64 = diesel::insert_into(users::table)
        .values(NewUser {
            username: input.username.map(Username::as_str),
            email: email.as_str(),
            fullname: input.name.as_str(),
            firstname: &firstname,
            lastname: &lastname,
            phone: input.phone,
            level: input.level.into(),
            password_hash: input.password_hash,
            email_confirmed_at: input.email_confirmed.then_some(now),
            notes: input.notes,
            timezone: input.timezone,
            language: input.language,
            created_at: now,
            updated_at: now,
        })
        .returning(users::id)
        .get_result(conn)?;
    // A contact written for this address (a client's person without an account yet) is theirs;
    // contacts are customers, so an agent's new account claims none.
    if !input.level.is_staff() {
        crate::clients::contacts::claim(conn, id, email.as_str())?;
    }
    audit::record(
        conn,
        actor,
        ip,
        AuditEvent {
            action: "user.create",
            target_type: "user",
            target_id: id.to_string(),
            detail: json!({"level": i16::from(input.level), "email": email.as_str()}),
        },
    )?;
    Ok(users::table.find(id).select(UserRow::as_select()).first(conn)?)
}

/// Where mail to a directory user goes until they or an administrator set a real address: the
/// directory had none, or one that another account uses (accounts are never joined by email: a
/// directory entry must not take over an existing account).
const NO_EMAIL_DOMAIN: &str = "ldap.invalid";

/// The local account of someone the directory vouched for, on their first sign-in: no password
/// (the directory keeps it), the level for new users, and the directory's email and name when
/// usable. The user name is kept in lower case, as sign-in compares it.
pub fn create_directory_user(
    conn: &mut AnyConnection,
    person: &crate::core::auth::ldap::LdapPerson,
    ip: Option<&str>,
) -> ApiResult<UserRow> {
    let username = Username::parse(&person.username.to_lowercase()).map_err(|e| ApiError::field("username", e))?;
    let placeholder = || Email::parse(&format!("{}@{NO_EMAIL_DOMAIN}", username.as_str()));
    let email = match person.email.as_deref().map(Email::parse) {
        Some(Ok(email)) if find_by_login(conn, email.as_str())?.is_none() => email,
        _ => placeholder().map_err(|e| ApiError::field("email", e))?,
    };
    let name = person.fullname.as_deref().and_then(|n| PersonName::parse(n).ok());
    let name = match name {
        Some(name) => name,
        None => PersonName::parse(username.as_str()).map_err(|e| ApiError::field("name", e))?,
    };
    let level = new_user_level(conn)?;
    insert_user(
        conn,
        None,
        NewUserInput {
            username: Some(&username),
            email: &email,
            name: &name,
            phone: "",
            level,
            password_hash: None,
            notes: "Created on first sign-in through LDAP",
            timezone: None,
            language: None,
            // The directory vouches for its people; there is no link for them to open.
            email_confirmed: true,
        },
        ip,
    )
}

/// Who changes an account: a person of some level, or an API key with the admin scope, which
/// manages users below administrator (as it creates them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Manager {
    Person { id: i64, level: AccessLevel },
    Key,
}

impl Manager {
    pub fn of(actor: &Actor) -> Manager {
        match actor {
            Actor::User(u) => Manager::Person { id: u.id, level: crate::core::auth::level_of(u) },
            Actor::Key(_) => Manager::Key,
            // A visitor without an account manages nobody: the lowest level is refused everything.
            Actor::Guest => Manager::Person { id: 0, level: AccessLevel::Disabled },
        }
    }
}

/// Whether `manager` may change the user `target_id` (now at `target_level`), giving them
/// `new_level` when set. The refusal is a sentence for a 403.
pub fn check_manage(
    manager: Manager,
    target_id: i64,
    target_level: AccessLevel,
    new_level: Option<AccessLevel>,
) -> Result<(), String> {
    let (me, own) = match manager {
        Manager::Person { id, level } => (Some(id), level),
        // A key stands where a user manager does, so that no key can make a person who manages
        // other people's passwords (a reset mail to an address the key chose would make it one).
        Manager::Key => (None, AccessLevel::UserManager),
    };
    if own < AccessLevel::UserManager {
        return Err("Only user managers and administrators can change users".into());
    }
    if target_level == AccessLevel::Administrator && own != AccessLevel::Administrator {
        return Err("Only an administrator can change an administrator".into());
    }
    // As on create: below administrator, people manage and grant only levels below their own, so
    // a user manager cannot make or change another user manager.
    let below_own = |l: AccessLevel| own == AccessLevel::Administrator || l < own;
    if me != Some(target_id) && !below_own(target_level) {
        return Err(format!("You can only change users below your own level ({})", own.name()));
    }
    let Some(level) = new_level else { return Ok(()) };
    if !(below_own(level) || (me == Some(target_id) && level == own)) {
        return Err(format!("You can only grant levels below your own ({})", own.name()));
    }
    // Nobody locks themselves out: the last administrator would have no way back.
    if me == Some(target_id) && level < own {
        return Err("You cannot lower your own level or disable yourself".into());
    }
    Ok(())
}

/// Valid new values for a user; `None` keeps the old one.
#[derive(Debug, Default)]
pub struct UserChanges {
    pub username: Option<Username>,
    pub email: Option<Email>,
    pub name: Option<PersonName>,
    pub phone: Option<String>,
    pub level: Option<AccessLevel>,
    pub email_confirmed: Option<bool>,
    pub email_notifications: Option<bool>,
    /// `Some(None)` clears it.
    pub timezone: Option<Option<String>>,
    pub language: Option<Option<String>>,
}

#[derive(AsChangeset)]
#[diesel(table_name = users)]
struct UserChangeset<'a> {
    username: Option<&'a str>,
    email: Option<&'a str>,
    fullname: Option<&'a str>,
    firstname: Option<String>,
    lastname: Option<String>,
    phone: Option<&'a str>,
    level: Option<i16>,
    // Some(None) clears it: diesel writes NULL for an inner None.
    email_confirmed_at: Option<Option<chrono::NaiveDateTime>>,
    email_notifications: Option<bool>,
    timezone: Option<Option<&'a str>>,
    language: Option<Option<&'a str>>,
    updated_at: chrono::NaiveDateTime,
}

impl<'a> UserChangeset<'a> {
    fn of(changes: &'a UserChanges) -> UserChangeset<'a> {
        let (firstname, lastname) = changes.name.as_ref().map(PersonName::split).unzip();
        UserChangeset {
            username: changes.username.as_ref().map(Username::as_str),
            email: changes.email.as_ref().map(Email::as_str),
            fullname: changes.name.as_ref().map(PersonName::as_str),
            firstname,
            lastname,
            phone: changes.phone.as_deref(),
            level: changes.level.map(i16::from),
            email_confirmed_at: changes.email_confirmed.map(|yes| yes.then(|| chrono::Utc::now().naive_utc())),
            email_notifications: changes.email_notifications,
            timezone: changes.timezone.as_ref().map(Option::as_deref),
            language: changes.language.as_ref().map(Option::as_deref),
            updated_at: chrono::Utc::now().naive_utc(),
        }
    }
}

/// What the user list asks for: part of a name, user name or address; one level; only staff.
pub struct UserFilter {
    pub text: Option<String>,
    pub level: Option<i16>,
    pub staff: bool,
}

/// A page of the users that match, by id, and how many match in all.
pub fn list_users(
    conn: &mut AnyConnection,
    filter: &UserFilter,
    page: i64,
    per_page: i64,
) -> ApiResult<(Vec<UserRow>, i64)> {
    let filtered = || {
        let mut q = users::table.into_boxed();
        if let Some(text) = filter.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let pattern = format!("%{}%", text.replace(['%', '_'], ""));
            q = q.filter(
                users::fullname
                    .like(pattern.clone())
                    .or(users::email.like(pattern.clone()))
                    .or(users::username.like(pattern)),
            );
        }
        if let Some(level) = filter.level {
            q = q.filter(users::level.eq(level));
        }
        if filter.staff {
            q = q.filter(users::level.ge(i16::from(AccessLevel::Agent)));
        }
        q
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let rows: Vec<UserRow> = filtered()
        .select(UserRow::as_select())
        .order(users::id)
        .limit(per_page)
        .offset(crate::core::db::page_offset(page, per_page))
        .load(conn)?;
    Ok((rows, total))
}

pub fn find_user(conn: &mut AnyConnection, id: i64) -> ApiResult<UserRow> {
    users::table.find(id).select(UserRow::as_select()).first(conn).optional()?.ok_or(ApiError::NotFound("user"))
}

/// A 422 on `field` when another user than `id` signs in with `login`.
fn ensure_login_free(conn: &mut AnyConnection, login: &str, id: i64, field: &str) -> ApiResult<()> {
    match find_by_login(conn, login)? {
        Some(other) if other.id != id => Err(ApiError::field(field, "is already in use")),
        _ => Ok(()),
    }
}

fn changed_fields(changes: &UserChanges) -> Vec<&'static str> {
    [
        ("username", changes.username.is_some()),
        ("email", changes.email.is_some()),
        ("name", changes.name.is_some()),
        ("phone", changes.phone.is_some()),
        ("level", changes.level.is_some()),
        ("email_confirmed", changes.email_confirmed.is_some()),
        ("email_notifications", changes.email_notifications.is_some()),
        ("timezone", changes.timezone.is_some()),
        ("language", changes.language.is_some()),
    ]
    .into_iter()
    .filter_map(|(f, set)| set.then_some(f))
    .collect()
}

/// Changes a user as `actor` may (403 otherwise), with an audit row. A new level ends their
/// sessions: they sign in again to work with the rights they now have.
pub fn update_user(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    mut changes: UserChanges,
    ip: Option<&str>,
) -> ApiResult<UserRow> {
    let before = find_user(conn, id)?;
    let old_level = crate::core::auth::level_of(&before);
    check_manage(Manager::of(actor), id, old_level, changes.level).map_err(ApiError::Forbidden)?;
    if matches!(actor, Actor::Key(_)) && (changes.email.is_some() || changes.username.is_some()) && can_sign_in(&before)
    {
        // A reset mail to an address the key chose would give the key this person's session.
        return Err(ApiError::Forbidden(
            "An API key cannot change the email address or user name of someone who can sign in: they change it \
             on their account page, or a user manager does"
                .into(),
        ));
    }
    if let Some(email) = changes.email.take() {
        let email = addresses::check(conn, &email, Some(id))?;
        ensure_login_free(conn, email.as_str(), id, "email")?;
        changes.email = Some(email);
    }
    if let Some(username) = &changes.username {
        ensure_login_free(conn, username.as_str(), id, "username")?;
    }
    diesel::update(users::table.find(id)).set(UserChangeset::of(&changes)).execute(conn)?;
    if changes.email_confirmed == Some(true) {
        release_held(conn, id)?;
    }
    let disabled = changes.level == Some(AccessLevel::Disabled) && old_level != AccessLevel::Disabled;
    if disabled {
        sessions::revoke_all(conn, id, EndReason::Disabled)?;
    } else if changes.level.is_some_and(|l| l != old_level) {
        sessions::revoke_all(conn, id, EndReason::LevelChanged)?;
    }
    audit::record(
        conn,
        Some(actor),
        ip,
        AuditEvent {
            action: if disabled { "user.disable" } else { "user.update" },
            target_type: "user",
            target_id: id.to_string(),
            detail: json!({
                "changed": changed_fields(&changes),
                "level": {"from": i16::from(old_level), "to": i16::from(changes.level.unwrap_or(old_level))},
            }),
        },
    )?;
    find_user(conn, id)
}

/// Whether the person has a way in: a password of their own, or a sign-in (through the directory).
pub fn can_sign_in(user: &UserRow) -> bool {
    user.password_hash.is_some() || user.last_login_at.is_some()
}

/// Sets a user's password (already hashed) as `actor` may, and ends the user's sessions. With a
/// `directory` (LDAP), a user without a local password signs in through it and gets none here: a
/// local password would take precedence over the directory's (see `accounts::directory`).
pub fn set_password(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    hash: &str,
    directory: bool,
    ip: Option<&str>,
) -> ApiResult<()> {
    let user = find_user(conn, id)?;
    let manager = Manager::of(actor);
    // One's own password changes only with the current one (the account page): a token someone
    // took would otherwise set a password the owner does not know, and end the owner's sessions.
    if matches!(manager, Manager::Person { id: me, .. } if me == id) {
        return Err(ApiError::Forbidden(
            "Change your own password on your account page (PUT /api/users/me/password.json), with the current one"
                .into(),
        ));
    }
    check_manage(manager, id, crate::core::auth::level_of(&user), None).map_err(ApiError::Forbidden)?;
    if directory && user.password_hash.is_none() {
        return Err(ApiError::Conflict(
            "This user signs in through the LDAP directory: their password is changed there, not here".into(),
        ));
    }
    let ended = replace_password(conn, id, hash)?;
    audit::record(
        conn,
        Some(actor),
        ip,
        AuditEvent {
            action: "user.password",
            target_type: "user",
            target_id: id.to_string(),
            detail: json!({"sessions_ended": ended}),
        },
    )?;
    Ok(())
}

/// Stores a new password hash and ends every session of the user.
pub fn replace_password(conn: &mut AnyConnection, id: i64, hash: &str) -> ApiResult<usize> {
    diesel::update(users::table.find(id))
        .set((users::password_hash.eq(hash), users::updated_at.eq(chrono::Utc::now().naive_utc())))
        .execute(conn)?;
    sessions::revoke_all(conn, id, EndReason::PasswordChanged)
}

/// The level of accounts that register or first sign in through the directory.
pub fn new_user_level(conn: &mut AnyConnection) -> ApiResult<AccessLevel> {
    Ok(crate::core::settings::Stored::read(conn)?.new_user_level())
}

/// A sign-in: when it happened, and its audit row.
pub fn record_login(conn: &mut AnyConnection, user: &mut UserRow, ip: Option<&str>) -> ApiResult<()> {
    let now = chrono::Utc::now().naive_utc();
    diesel::update(users::table.find(user.id)).set(users::last_login_at.eq(now)).execute(conn)?;
    user.last_login_at = Some(now);
    audit::record(
        conn,
        Some(&Actor::User(user.clone())),
        ip,
        AuditEvent { action: "auth.login", target_type: "user", target_id: user.id.to_string(), detail: json!({}) },
    )?;
    Ok(())
}

/// What people change about their own account: ticket mail on or off (account mail always
/// comes), and their signature. Absent fields keep their value.
pub fn update_profile(
    conn: &mut AnyConnection,
    user: &UserRow,
    update: &ProfileUpdate,
    ip: Option<&str>,
) -> ApiResult<UserRow> {
    let signature = match update.signature.as_deref().map(str::trim) {
        Some(s) if s.chars().count() > SIGNATURE_MAX_CHARS => {
            return Err(ApiError::field("signature", format!("must be at most {SIGNATURE_MAX_CHARS} characters")))
        }
        Some(s) if s.contains('\0') => return Err(ApiError::field("signature", "must not contain NUL characters")),
        other => other,
    };
    let now = chrono::Utc::now().naive_utc();
    if let Some(on) = update.email_notifications {
        diesel::update(users::table.find(user.id))
            .set((users::email_notifications.eq(on), users::updated_at.eq(now)))
            .execute(conn)?;
    }
    if let Some(signature) = signature {
        diesel::update(users::table.find(user.id))
            .set((users::signature.eq(signature), users::updated_at.eq(now)))
            .execute(conn)?;
    }
    audit::record(
        conn,
        Some(&Actor::User(user.clone())),
        ip,
        AuditEvent {
            action: "user.profile",
            target_type: "user",
            target_id: user.id.to_string(),
            // What changed, never the signature's text.
            detail: json!({"email_notifications": update.email_notifications, "signature": signature.is_some()}),
        },
    )?;
    find_user(conn, user.id)
}

/// The address is the person's: confirmed now, unless it was already.
pub fn confirm_email(conn: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    diesel::update(users::table.find(user_id).filter(users::email_confirmed_at.is_null()))
        .set(users::email_confirmed_at.eq(chrono::Utc::now().naive_utc()))
        .execute(conn)?;
    release_held(conn, user_id)
}

/// The address is proven (its owner used a mailed link, or a user manager vouched for it): the
/// tickets filed for it that were held (`tickets::create`) become the customer's to see.
fn release_held(conn: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    diesel::update(tickets::table.filter(tickets::user_id.eq(user_id)).filter(tickets::held.eq(true)))
        .set(tickets::held.eq(false))
        .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use AccessLevel::*;

    fn person(id: i64, level: AccessLevel) -> Manager {
        Manager::Person { id, level }
    }

    #[test]
    fn only_user_managers_and_administrators_manage_users() {
        assert!(check_manage(person(1, ProjectManager), 2, AuthorizedUser, None).is_err());
        assert!(check_manage(person(1, UserManager), 2, Agent, Some(UserManager)).is_err());
        assert!(check_manage(person(1, UserManager), 2, UserManager, Some(Agent)).is_err());
        assert!(check_manage(person(1, UserManager), 2, Agent, Some(ProjectManager)).is_ok());
        assert!(check_manage(person(1, UserManager), 2, Agent, Some(Administrator)).is_err());
        assert!(check_manage(person(1, UserManager), 2, Administrator, Some(Disabled)).is_err());
        assert!(check_manage(person(1, UserManager), 2, Administrator, None).is_err());
        assert!(check_manage(person(1, Administrator), 2, Administrator, Some(Disabled)).is_ok());
    }

    #[test]
    fn nobody_lowers_their_own_level() {
        assert!(check_manage(person(1, Administrator), 1, Administrator, Some(Disabled)).is_err());
        assert!(check_manage(person(1, Administrator), 1, Administrator, Some(Agent)).is_err());
        assert!(check_manage(person(1, Administrator), 1, Administrator, Some(Administrator)).is_ok());
        assert!(check_manage(person(1, UserManager), 1, UserManager, None).is_ok());
    }

    #[test]
    fn keys_manage_as_a_user_manager_does() {
        assert!(check_manage(Manager::Key, 2, Agent, Some(ProjectManager)).is_ok());
        assert!(check_manage(Manager::Key, 2, Agent, Some(UserManager)).is_err());
        assert!(check_manage(Manager::Key, 2, Agent, Some(Administrator)).is_err());
        assert!(check_manage(Manager::Key, 2, UserManager, None).is_err());
        assert!(check_manage(Manager::Key, 2, Administrator, Some(Agent)).is_err());
    }
}
