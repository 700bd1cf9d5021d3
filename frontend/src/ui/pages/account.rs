//! A person's own account: `/account` turns ticket mail on or off and changes the password;
//! `/forgot` asks for a reset link; `/reset?token=…` and `/confirm?token=…` are where the mailed
//! links lead.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::auth::{PasswordChange, ResetConfirm};
use shared::users::ProfileUpdate;
use shared::validate::check_password;

use crate::api;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::form::{show_server_errors, CheckField, Checks, FieldErrors, TextField};
use crate::paths::href;
use crate::route;
use crate::session::Session;
use crate::task::{Loader, Task};

/// The `token` of the page's query string.
fn query_token() -> Memo<String> {
    Memo::new(move |_| route::query_value("token").unwrap_or_default())
}

/// A new password and its repetition, checked as the server checks its length (the server also
/// refuses common passwords, shown on the field when it does).
fn check_new_password(checks: &mut Checks, key: &str, id: &str, confirm_id: &str, password: &str, again: &str) {
    checks.check(key, id, "New password", check_password(password));
    if password != again {
        checks.fail("password_confirmation", confirm_id, "The two passwords differ.".into());
    }
}

/// `extra`: what the app adds to the page (the desk: the agent's signature).
#[component]
pub fn AccountPage(#[prop(optional)] extra: Option<fn() -> AnyView>) -> impl IntoView {
    let session = Session::get();
    let current = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let done = RwSignal::new(false);

    let change = Task::<()>::new();
    let start_change = move |body: PasswordChange| {
        change.run(async move {
            let response = session
                .read(api::change_password(&body))
                .await
                .inspect_err(|error| show_server_errors(error, errors))?;
            // The other sessions ended; this one continues with the new tokens.
            session.sign_in(response);
            done.set(true);
            for field in [current, new_password, again] {
                field.set(String::new());
            }
            Ok(())
        })
    };
    let pending = change.pending();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(false);
        let mut checks = Checks::default();
        let (password, repeated) = (new_password.get_untracked(), again.get_untracked());
        check_new_password(&mut checks, "new_password", "account-new", "account-again", &password, &repeated);
        if !checks.finish(errors) {
            return;
        }
        start_change(PasswordChange { current_password: current.get_untracked(), new_password: password });
    };

    view! {
        <section class="page page-narrow" aria-labelledby="account-heading">
            <h1 id="account-heading">"Your account"</h1>
            {move || session.user().map(|u| view! {
                <dl class="facts">
                    <dt>"Name"</dt><dd>{u.fullname.clone()}</dd>
                    <dt>"Email"</dt><dd>{u.email.clone()}</dd>
                    <dt>"Access level"</dt><dd>{u.level_name.clone()}</dd>
                </dl>
            })}
            {mail_choice()}
            {extra.map(|extra| extra())}
            <h2>"Change your password"</h2>
            <p class="muted">"Other browsers where you are signed in will be signed out."</p>
            <form class="stack" on:submit=on_submit novalidate data-testid="password-form">
                <TextField id="account-current" name="current_password" label="Current password" value=current errors
                    input_type="password" autocomplete="current-password" required=true/>
                <TextField id="account-new" name="new_password" label="New password" value=new_password errors
                    input_type="password" autocomplete="new-password" required=true
                    hint="At least 8 characters, and not a common password."/>
                <TextField id="account-again" name="password_confirmation" label="New password again" value=again errors
                    input_type="password" autocomplete="new-password" required=true/>
                {move || change.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
                <Show when=move || done.get()>
                    <p class="notice notice-success" role="status">"Your password is changed."</p>
                </Show>
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Changing…" } else { "Change password" }}
                </button>
            </form>
        </section>
    }
}

/// Ticket mail on or off, saved as soon as it is ticked.
fn mail_choice() -> impl IntoView {
    let session = Session::get();
    let saved = move || session.user().is_some_and(|u| u.email_notifications);
    let wanted = RwSignal::new(saved());
    let save = Task::<()>::new();
    let start_save = move |on: bool| {
        save.run(async move {
            let user = session
                .read(api::update_me(&ProfileUpdate { email_notifications: Some(on), ..Default::default() }))
                .await?;
            session.set_user(user);
            Ok(())
        })
    };
    // Not saved: the box goes back to what is in force.
    Effect::new(move |_| {
        if let Some(Err(_)) = save.value().get() {
            wanted.set(saved());
        }
    });
    view! {
        <h2>"Email"</h2>
        <CheckField id="account-mail" label="Email me about my tickets" checked=wanted
            on_change=Callback::new(move |on| {
                start_save(on);
            })
            hint="Replies, status changes and assignments. Mail about your account, such as password resets, always comes."/>
        {move || save.error().map(|error| view! { <ErrorNotice error/> })}
        <p class="saved" role="status">{move || matches!(save.value().get(), Some(Ok(()))).then_some("Saved.")}</p>
    }
}

#[component]
pub fn ForgotPage() -> impl IntoView {
    let login = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let ask = Task::new();
    let pending = ask.pending();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let value = login.get_untracked().trim().to_owned();
        let mut checks = Checks::default();
        if value.is_empty() {
            checks.fail("login", "forgot-login", "Give your user name or email address.".into());
        }
        if checks.finish(errors) {
            ask.run(
                async move { api::request_reset(&value).await.inspect_err(|error| show_server_errors(error, errors)) },
            );
        }
    };
    view! {
        <section class="page page-narrow" aria-labelledby="forgot-heading">
            <h1 id="forgot-heading">"Reset your password"</h1>
            {move || match ask.value().get() {
                Some(Ok(notice)) => view! {
                    <div class="notice" role="status" data-testid="reset-sent">
                        <p>{notice.message}</p>
                        <p>"The link works for an hour. " <a href=href("/login")>"Back to sign in"</a></p>
                    </div>
                }.into_any(),
                other => view! {
                    <p class="muted">"We will mail you a link to choose a new password."</p>
                    <form class="stack" on:submit=on_submit novalidate data-testid="forgot-form">
                        <TextField id="forgot-login" name="login" label="User name or email" value=login errors
                            autocomplete="username" required=true/>
                        {other.and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
                        <button type="submit" disabled=move || pending.get()>
                            {move || if pending.get() { "Sending…" } else { "Send the link" }}
                        </button>
                    </form>
                    <p class="muted"><a href=href("/login")>"Back to sign in"</a></p>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
pub fn ResetPage() -> impl IntoView {
    let token = query_token();
    let password = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let reset = Task::new();
    let pending = reset.pending();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut checks = Checks::default();
        let (chosen, repeated) = (password.get_untracked(), again.get_untracked());
        check_new_password(&mut checks, "password", "reset-password", "reset-again", &chosen, &repeated);
        if checks.finish(errors) {
            let body = ResetConfirm { token: token.get_untracked(), password: chosen };
            reset.run(
                async move { api::confirm_reset(&body).await.inspect_err(|error| show_server_errors(error, errors)) },
            );
        }
    };
    view! {
        <section class="page page-narrow" aria-labelledby="reset-heading">
            <h1 id="reset-heading">"Choose a new password"</h1>
            {move || match reset.value().get() {
                Some(Ok(())) => view! {
                    <div class="notice notice-success" role="status" data-testid="reset-done">
                        <p>"Your password is changed. " <a href=href("/login")>"Sign in"</a></p>
                    </div>
                }.into_any(),
                other => view! {
                    <form class="stack" on:submit=on_submit novalidate data-testid="reset-form">
                        <TextField id="reset-password" name="password" label="New password" value=password errors
                            input_type="password" autocomplete="new-password" required=true
                            hint="At least 8 characters, and not a common password."/>
                        <TextField id="reset-again" name="password_confirmation" label="New password again" value=again errors
                            input_type="password" autocomplete="new-password" required=true/>
                        {move || errors.get().get("token").cloned().map(|message| view! {
                            <p class="notice notice-error" role="alert">
                                "This link " {message} ". " <a href=href("/forgot")>"Ask for a new one"</a>
                            </p>
                        })}
                        {other.and_then(Result::err).filter(|e| !e.fields().contains_key("token")).map(|error| view! { <ErrorNotice error/> })}
                        <button type="submit" disabled=move || pending.get()>
                            {move || if pending.get() { "Saving…" } else { "Set the password" }}
                        </button>
                    </form>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
pub fn ConfirmPage() -> impl IntoView {
    let token = query_token();
    // The link itself is the request: confirm as soon as the page opens.
    let outcome = Loader::new(move || {
        let token = token.get();
        async move { api::confirm_email(&token).await }
    });
    view! {
        <section class="page page-narrow" aria-labelledby="confirm-heading">
            <h1 id="confirm-heading">"Confirm your email address"</h1>
            {move || match outcome.get() {
                None => view! { <Loading label="Confirming…"/> }.into_any(),
                Some(Ok(())) => view! {
                    <div class="notice notice-success" role="status" data-testid="confirm-done">
                        <p>"Your address is confirmed. " <a href=href("/login")>"Sign in"</a></p>
                    </div>
                }.into_any(),
                Some(Err(error)) => view! {
                    <div class="notice notice-error" role="alert" data-testid="confirm-failed">
                        <p>{error.fields().get("token").map(|m| format!("This link {m}.")).unwrap_or_else(|| error.message())}</p>
                        <p>"Signing in mails you a fresh link. " <a href=href("/login")>"Sign in"</a></p>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}
