//! Users (NodePoint's users management panel): search, create with a level, change a level,
//! disable (level 0), reset a password. User managers (5) and administrators (6) come here.
//! Below administrator, people grant and manage only levels below their own (so a user manager
//! cannot make or change another user manager); nobody lowers or disables themselves.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::users::{PasswordSet, User, UserCreate, UserUpdate};
use shared::validate::{check_password, Email, PersonName, Username};
use shared::AccessLevel;

use super::{AdminLayout, LevelSelect};
use ui::api::{self, ApiError};
use ui::components::feedback::{ErrorNotice, Loading};
use ui::components::form::{show_server_errors, Checks, ConfirmButton, FieldErrors, TextField};
use ui::session::Session;
use ui::site::Site;
use ui::text::timestamp;

/// The highest level `own` may grant (the server's rule, mirrored to offer only what it accepts).
fn max_grant(own: AccessLevel) -> AccessLevel {
    if own == AccessLevel::Administrator {
        return own;
    }
    AccessLevel::try_from(i16::from(own) - 1).unwrap_or(AccessLevel::Disabled)
}

/// Whether `own` may change a user at `level` (other than themselves).
fn may_manage(own: AccessLevel, level: AccessLevel) -> bool {
    own == AccessLevel::Administrator || level < own
}

#[derive(Debug, Clone, PartialEq)]
struct Query {
    q: String,
    level: Option<i64>,
    page: u32,
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let session = Session::get();
    let site = Site::get();
    let me = session.user();
    let my_level = me.as_ref().map_or(AccessLevel::Disabled, |u| u.level);
    let my_id = me.as_ref().map_or(0, |u| u.id);
    let per_page = site.with(|s| s.map_or(25, |s| s.rows_per_page)).clamp(5, 100) as u32;

    let query = RwSignal::new(Query { q: String::new(), level: None, page: 1 });
    let search = RwSignal::new(String::new());
    let level_filter = RwSignal::new(-1_i64);
    let list: LocalResource<Result<Vec<User>, ApiError>> = LocalResource::new(move || {
        let query = query.get();
        async move {
            session
                .call(|t| {
                    let query = query.clone();
                    async move { api::admin::users(&t, &query.q, query.level, query.page, per_page).await }
                })
                .await
        }
    });
    let changed = Callback::new(move |()| list.refetch());

    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        let level = level_filter.get_untracked();
        query.set(Query { q: search.get_untracked(), level: (level >= 0).then_some(level), page: 1 });
    };

    // Create form.
    let username = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let level = RwSignal::new(1_i64);
    let errors = RwSignal::new(FieldErrors::new());
    let created = RwSignal::new(None::<User>);
    let create = Action::new_local(move |input: &UserCreate| {
        let input = input.clone();
        async move {
            match session
                .call(|t| {
                    let input = input.clone();
                    async move { api::admin::create_user(&t, &input).await }
                })
                .await
            {
                Ok(user) => {
                    username.set(String::new());
                    name.set(String::new());
                    email.set(String::new());
                    password.set(String::new());
                    created.set(Some(user));
                    list.refetch();
                    Ok(())
                }
                Err(error) => {
                    show_server_errors(&error, errors);
                    Err(error)
                }
            }
        }
    });
    let pending = create.pending();
    let on_create = move |ev: SubmitEvent| {
        ev.prevent_default();
        created.set(None);
        let mut checks = Checks::default();
        let user =
            checks.check("username", "user-new-username", "User name", Username::parse(&username.get_untracked()));
        let full = checks.check("name", "user-new-name", "Name", PersonName::parse(&name.get_untracked()));
        let mail = checks.check("email", "user-new-email", "Email", Email::parse(&email.get_untracked()));
        let pass = password.get_untracked();
        if !pass.is_empty() {
            checks.check("password", "user-new-password", "Password", check_password(&pass));
        }
        if !checks.finish(errors) {
            return;
        }
        let (Some(user), Some(full), Some(mail)) = (user, full, mail) else {
            return;
        };
        create.dispatch(UserCreate {
            username: Some(user.into_inner()),
            name: Some(full.into_inner()),
            email: Some(mail.into_inner()),
            password: (!pass.is_empty()).then_some(pass),
            level: Some(level.get_untracked()),
            ..Default::default()
        });
    };

    view! {
        <AdminLayout title="Users">
            <details class="panel" open>
                <summary>"Add a user"</summary>
                <form class="stack" on:submit=on_create novalidate aria-label="Add a user" data-testid="create-form">
                    <div class="grid-2">
                        <TextField id="user-new-username" name="username" label="User name" value=username errors
                            required=true maxlength=20 autocomplete="off"/>
                        <TextField id="user-new-name" name="name" label="Name" value=name errors required=true/>
                        <TextField id="user-new-email" name="email" label="Email" value=email errors input_type="email" required=true/>
                        <TextField id="user-new-password" name="password" label="Password" value=password errors
                            input_type="password" autocomplete="new-password"
                            hint="At least 8 characters. Without one, the user cannot sign in until it is reset."/>
                        <LevelSelect id="user-new-level" label="Access level" value=level max=max_grant(my_level)/>
                    </div>
                    {move || create.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
                    {move || created.get().map(|user| view! {
                        <p class="notice notice-success" role="status">
                            {format!("Created {} ({}).", user.fullname, user.level_name)}
                        </p>
                    })}
                    <button type="submit" disabled=move || pending.get()>
                        {move || if pending.get() { "Adding…" } else { "Add user" }}
                    </button>
                </form>
            </details>

            <form class="filters" role="search" on:submit=on_search aria-label="Find users">
                <div class="field grow">
                    <label for="user-search">"Search"</label>
                    <input id="user-search" type="search" placeholder="Name, user name or email"
                        prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))/>
                </div>
                <LevelSelect id="user-filter-level" label="Level" value=level_filter max=AccessLevel::Administrator with_any=true/>
                <button type="submit">"Search"</button>
            </form>

            {move || match list.get() {
                None => view! { <Loading label="Loading users…"/> }.into_any(),
                Some(Err(error)) => view! { <ErrorNotice error retry=Callback::new(move |()| list.refetch())/> }.into_any(),
                Some(Ok(users)) if users.is_empty() => view! { <p class="muted">"No users match."</p> }.into_any(),
                Some(Ok(users)) => {
                    let full_page = users.len() as u32 >= per_page;
                    view! {
                        <table class="admin-table" data-testid="admin-table">
                            <thead><tr>
                                <th scope="col">"User name"</th>
                                <th scope="col">"Name"</th>
                                <th scope="col">"Email"</th>
                                <th scope="col">"Level"</th>
                                <th scope="col">"Last sign-in"</th>
                                <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                            </tr></thead>
                            <tbody>
                                {users.into_iter().map(|user| view! { <UserRow user my_level my_id changed/> }).collect_view()}
                            </tbody>
                        </table>
                        <nav class="pager" aria-label="Pages">
                            <button type="button" class="secondary" disabled=move || query.with(|q| q.page <= 1)
                                on:click=move |_| query.update(|q| q.page = q.page.saturating_sub(1).max(1))>"Previous"</button>
                            <span>{move || format!("Page {}", query.with(|q| q.page))}</span>
                            <button type="button" class="secondary" disabled=!full_page
                                on:click=move |_| query.update(|q| q.page += 1)>"Next"</button>
                        </nav>
                    }.into_any()
                }
            }}
        </AdminLayout>
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Panel {
    None,
    Edit,
    Password,
}

#[component]
fn UserRow(user: User, my_level: AccessLevel, my_id: i64, changed: Callback<()>) -> impl IntoView {
    let session = Session::get();
    let id = user.id;
    let is_me = id == my_id;
    // Nobody changes their own level; below administrator, only users below one's own level.
    let locked = is_me || !may_manage(my_level, user.level);
    let who = user.username.clone().unwrap_or_else(|| user.email.clone());
    let panel = RwSignal::new(Panel::None);
    let level = RwSignal::new(user.level as i64);
    let name = RwSignal::new(user.fullname.clone());
    let email = RwSignal::new(user.email.clone());
    let new_password = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let notice = RwSignal::new(None::<String>);
    let original_level = user.level as i64;

    let update = Action::new_local(move |input: &UserUpdate| {
        let input = input.clone();
        async move {
            match session
                .call(|t| {
                    let input = input.clone();
                    async move { api::admin::update_user(&t, id, &input).await }
                })
                .await
            {
                Ok(saved) => {
                    level.set(saved.level as i64);
                    panel.set(Panel::None);
                    notice.set(Some(format!("Saved: {} is now {}.", saved.fullname, saved.level_name)));
                    changed.try_run(());
                    Ok(())
                }
                Err(error) => {
                    level.set(original_level);
                    show_server_errors(&error, errors);
                    Err(error)
                }
            }
        }
    });
    let reset = Action::new_local(move |input: &PasswordSet| {
        let input = input.clone();
        async move {
            match session
                .call(|t| {
                    let input = input.clone();
                    async move { api::admin::set_password(&t, id, &input).await }
                })
                .await
            {
                Ok(()) => {
                    new_password.set(String::new());
                    panel.set(Panel::None);
                    notice.set(Some("Password changed; the user's sessions were ended.".into()));
                    Ok(())
                }
                Err(error) => {
                    show_server_errors(&error, errors);
                    Err(error)
                }
            }
        }
    });
    let busy = Signal::derive(move || update.pending().get() || reset.pending().get());

    let on_edit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut checks = Checks::default();
        let full = checks.check("name", &format!("user-{id}-name"), "Name", PersonName::parse(&name.get_untracked()));
        let mail = checks.check("email", &format!("user-{id}-email"), "Email", Email::parse(&email.get_untracked()));
        if !checks.finish(errors) {
            return;
        }
        let (Some(full), Some(mail)) = (full, mail) else {
            return;
        };
        update.dispatch(UserUpdate {
            name: Some(full.into_inner()),
            email: Some(mail.into_inner()),
            ..Default::default()
        });
    };
    let on_reset = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut checks = Checks::default();
        let pass = new_password.get_untracked();
        checks.check("password", &format!("user-{id}-password"), "Password", check_password(&pass));
        if checks.finish(errors) {
            reset.dispatch(PasswordSet { password: pass });
        }
    };

    let disabled_account = user.level == AccessLevel::Disabled;
    let last_login = user.last_login.as_deref().map(timestamp).unwrap_or_else(|| "never".into());
    let who_for_labels = who.clone();
    view! {
        <tr data-testid="admin-row" class:inactive=disabled_account>
            <td data-label="User name">{user.username.clone().unwrap_or_else(|| "—".into())}{is_me.then(|| view! { <span class="muted">" (you)"</span> })}</td>
            <td data-label="Name">{user.fullname.clone()}</td>
            <td data-label="Email" class="wrap">
                {user.email.clone()}
                {(!user.email_confirmed).then(|| view! {
                    " " <span class="badge" data-testid="unconfirmed">"unconfirmed"</span> " "
                    <button type="button" class="link" disabled=move || busy.get()
                        aria-label=format!("Confirm the email address of {}", user.fullname)
                        on:click=move |_| { update.dispatch(UserUpdate { email_confirmed: Some(true), ..Default::default() }); }>
                        "Confirm"
                    </button>
                })}
            </td>
            <td data-label="Level">
                <LevelSelect
                    id=format!("user-{id}-level")
                    label=format!("Access level of {who}")
                    hide_label=true
                    value=level
                    max=if locked { AccessLevel::Administrator } else { max_grant(my_level) }
                    disabled=Signal::derive(move || locked || busy.get())
                    on_pick=Callback::new(move |picked: i64| {
                        update.dispatch(UserUpdate { level: Some(picked), ..Default::default() });
                    })
                />
            </td>
            <td data-label="Last sign-in">{last_login}</td>
            <td class="actions">
                <div class="row-buttons">
                    <button type="button" class="secondary" aria-label=format!("Edit {who_for_labels}")
                        disabled=locked && !is_me
                        on:click=move |_| panel.update(|p| *p = if *p == Panel::Edit { Panel::None } else { Panel::Edit })>"Edit"</button>
                    // One's own password changes on the account page, with the current one.
                    <button type="button" class="secondary" aria-label=format!("Reset the password of {who_for_labels}")
                        disabled=locked title=is_me.then_some("Change your own password on your account page")
                        on:click=move |_| panel.update(|p| *p = if *p == Panel::Password { Panel::None } else { Panel::Password })>"Reset password"</button>
                    {(!locked && !disabled_account).then(|| view! {
                        <ConfirmButton label="Disable" what=who_for_labels.clone()
                            on_confirm=Callback::new(move |()| { update.dispatch(UserUpdate { level: Some(0), ..Default::default() }); })
                            pending=busy/>
                    })}
                </div>
                {move || notice.get().map(|text| view! { <p class="notice notice-success" role="status">{text}</p> })}
                {move || update.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
                {move || reset.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
                {move || match panel.get() {
                    Panel::None => None,
                    Panel::Edit => Some(view! {
                        <form class="stack row-panel" on:submit=on_edit novalidate aria-label=format!("Edit {who}")>
                            <TextField id=format!("user-{id}-name") name="name" label="Name" value=name errors required=true/>
                            <TextField id=format!("user-{id}-email") name="email" label="Email" value=email errors input_type="email" required=true/>
                            <div class="row-buttons">
                                <button type="submit" disabled=move || update.pending().get()>"Save"</button>
                                <button type="button" class="secondary" on:click=move |_| panel.set(Panel::None)>"Cancel"</button>
                            </div>
                        </form>
                    }.into_any()),
                    Panel::Password => Some(view! {
                        <form class="stack row-panel" on:submit=on_reset novalidate aria-label=format!("New password for {who}")>
                            <TextField id=format!("user-{id}-password") name="password" label="New password" value=new_password errors
                                input_type="password" autocomplete="new-password" required=true
                                hint="At least 8 characters. The user's sessions end."/>
                            <div class="row-buttons">
                                <button type="submit" disabled=move || reset.pending().get()>"Set password"</button>
                                <button type="button" class="secondary" on:click=move |_| panel.set(Panel::None)>"Cancel"</button>
                            </div>
                        </form>
                    }.into_any()),
                }}
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AccessLevel::*;

    #[test]
    fn grants_follow_the_server_rule() {
        assert_eq!(max_grant(Administrator), Administrator);
        assert_eq!(max_grant(UserManager), ProjectManager);
        assert!(may_manage(UserManager, Agent));
        assert!(!may_manage(UserManager, UserManager));
        assert!(may_manage(Administrator, Administrator));
    }
}
