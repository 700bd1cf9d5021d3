//! Mail settings: the SMTP server mail leaves through and the IMAP mailbox mail comes in from,
//! each saved on its own and each with a button that tries out what is saved. Passwords are
//! never shown: an empty password field keeps the stored one.

use leptos::prelude::*;
use shared::mail::{MailCheck, MailSecurity, MailSettings, MailSettingsUpdate, MailTestRequest, POLL_SECONDS};

use super::crud::{on_submit, send_action, ActionError, Outcome};
use super::AdminLayout;
use crate::api::{self, ApiError};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::form::{show_server_errors, CheckField, Checks, FieldErrors, TextField};
use crate::session::Session;

/// The usual port for no encryption, STARTTLS and TLS (in `MailSecurity`'s order).
const SMTP_PORTS: [i64; 3] = [25, 587, 465];
const IMAP_PORTS: [i64; 3] = [143, 143, 993];
const SECURITIES: [(MailSecurity, &str); 3] =
    [(MailSecurity::None, "None"), (MailSecurity::Starttls, "STARTTLS"), (MailSecurity::Tls, "TLS")];

#[component]
pub fn MailSettingsPage() -> impl IntoView {
    let session = Session::get();
    // Loaded once: saving a section must not rebuild the other one (and lose what is typed there).
    let settings = LocalResource::new(move || async move {
        session.call(|t| async move { api::admin::mail_settings(&t).await }).await
    });
    view! {
        <AdminLayout title="Mail">
            {move || match settings.get() {
                None => view! { <Loading label="Loading the mail settings…"/> }.into_any(),
                Some(Err(error)) => view! { <ErrorNotice error retry=Callback::new(move |()| settings.refetch())/> }.into_any(),
                Some(Ok(current)) => view! { <SmtpSection current=current.clone()/> <ImapSection current/> }.into_any(),
            }}
        </AdminLayout>
    }
}

/// What both servers have: host, port, security, user name and password. `prefix` ("smtp",
/// "imap") makes the element ids and the API's field names.
#[derive(Clone, Copy)]
struct Server {
    prefix: &'static str,
    ports: [i64; 3],
    host: RwSignal<String>,
    port: RwSignal<String>,
    security: RwSignal<MailSecurity>,
    user: RwSignal<String>,
    password: RwSignal<String>,
    password_set: RwSignal<bool>,
    remove_password: RwSignal<bool>,
}

impl Server {
    fn new(prefix: &'static str, ports: [i64; 3], (host, port, security, user, password_set): (String, i64, MailSecurity, String, bool)) -> Self {
        Server {
            prefix,
            ports,
            host: RwSignal::new(host),
            port: RwSignal::new(port.to_string()),
            security: RwSignal::new(security),
            user: RwSignal::new(user),
            password: RwSignal::new(String::new()),
            password_set: RwSignal::new(password_set),
            remove_password: RwSignal::new(false),
        }
    }

    fn id(&self, field: &str) -> String {
        format!("mail-{}-{field}", self.prefix)
    }

    /// A port still at the old security's usual one follows the new security's; one typed on
    /// purpose stays.
    fn switch_security(&self, to: MailSecurity) {
        let usual = |s: MailSecurity| self.ports[s as usize].to_string();
        if self.port.get_untracked().trim() == usual(self.security.get_untracked()) {
            self.port.set(usual(to));
        }
        self.security.set(to);
    }

    /// The fields as the API takes them; `None` when the port is not a number (the server
    /// checks its range). The password goes only when typed, or as "" to remove it.
    #[allow(clippy::type_complexity)]
    fn read(&self, checks: &mut Checks) -> Option<(String, i64, String, String, Option<String>)> {
        let port = checks.check(
            &format!("{}_port", self.prefix),
            &self.id("port"),
            "Port",
            self.port.get_untracked().trim().parse::<i64>().map_err(|_| "must be a number".to_owned()),
        )?;
        let typed = self.password.get_untracked();
        let password = if !typed.is_empty() {
            Some(typed)
        } else {
            self.remove_password.get_untracked().then(String::new)
        };
        Some((
            self.host.get_untracked().trim().to_owned(),
            port,
            self.security.get_untracked().as_str().to_owned(),
            self.user.get_untracked().trim().to_owned(),
            password,
        ))
    }

    /// After a save the password field is empty again; the server says whether one is stored.
    fn saved(&self, password_set: bool) {
        self.password.set(String::new());
        self.remove_password.set(false);
        self.password_set.set(password_set);
    }
}

/// Host, security, port, user name and password of one server.
#[component]
fn ServerFields(server: Server, errors: RwSignal<FieldErrors>) -> impl IntoView {
    let name = |field: &str| format!("{}_{field}", server.prefix);
    let [none, starttls, tls] = server.ports;
    view! {
        <div class="grid-2">
            <TextField id=server.id("host") name=name("host") label="Host" value=server.host errors autocomplete="off"/>
            <div class="field">
                <label for=server.id("security")>"Security"</label>
                <select id=server.id("security") on:change=move |ev| {
                    server.switch_security(MailSecurity::parse(&event_target_value(&ev)).unwrap_or_default());
                }>
                    {SECURITIES.into_iter().map(|(security, label)| view! {
                        <option value=security.as_str() selected=move || server.security.get() == security>{label}</option>
                    }).collect_view()}
                </select>
            </div>
            <TextField id=server.id("port") name=name("port") label="Port" value=server.port errors inputmode="numeric"
                hint=format!("Usually {none} without encryption, {starttls} with STARTTLS, {tls} with TLS.")/>
            <TextField id=server.id("user") name=name("user") label="User name" value=server.user errors autocomplete="off"/>
            <TextField id=server.id("password") name=name("password") label="Password" value=server.password errors
                input_type="password" autocomplete="new-password" hint="Never shown. Leave empty to keep the stored one."/>
            <Show when=move || server.password_set.get()>
                <CheckField id=server.id("remove-password") label="Remove the stored password" checked=server.remove_password/>
            </Show>
        </div>
    }
}

/// A section's end: the server's refusal, "Saved." once saved, and Save.
#[component]
fn SaveRow(action: Action<MailSettingsUpdate, Outcome>, saved: RwSignal<bool>) -> impl IntoView {
    let pending = action.pending();
    view! {
        <ActionError action/>
        <p role="status" class="saved">{move || saved.get().then_some("Saved.")}</p>
        <button type="submit" disabled=move || pending.get()>{move || if pending.get() { "Saving…" } else { "Save" }}</button>
    }
}

/// A section's save: only its own fields are sent (absent ones stay as they are).
fn save_action(errors: RwSignal<FieldErrors>, saved: RwSignal<bool>, server: Server) -> Action<MailSettingsUpdate, Outcome> {
    send_action(
        errors,
        |t, update: MailSettingsUpdate| async move { api::admin::update_mail_settings(&t, &update).await },
        move |now: MailSettings| {
            server.saved(if server.prefix == "smtp" { now.smtp_password_set } else { now.imap_password_set });
            saved.set(true);
        },
    )
}

type Tried = Result<MailCheck, ApiError>;

/// What trying the saved settings found: worked or not and the server's words (a server that
/// cannot be reached is a finding, not an error of the request), or why it could not try.
#[component]
fn CheckOutcome(action: Action<(), Tried>) -> impl IntoView {
    let value = action.value();
    view! {
        <div role="status" data-testid="mail-check">
            {move || match value.get() {
                Some(Ok(check)) => view! {
                    <p class=if check.ok { "notice notice-success" } else { "notice notice-error" }>
                        <strong>{if check.ok { "It works. " } else { "It does not work. " }}</strong>
                        {check.detail}
                    </p>
                }.into_any(),
                _ => ().into_any(),
            }}
        </div>
        {move || value.get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
    }
}

#[component]
fn SmtpSection(current: MailSettings) -> impl IntoView {
    let session = Session::get();
    let server = Server::new("smtp", SMTP_PORTS, (current.smtp_host, current.smtp_port, current.smtp_security, current.smtp_user, current.smtp_password_set));
    let from_address = RwSignal::new(current.from_address);
    let from_name = RwSignal::new(current.from_name);
    let errors = RwSignal::new(FieldErrors::new());
    let saved = RwSignal::new(false);
    let save = save_action(errors, saved, server);
    let submit = on_submit(errors, save, move |checks| {
        saved.set(false);
        let (host, port, security, user, password) = server.read(checks)?;
        Some(MailSettingsUpdate {
            smtp_host: Some(host),
            smtp_port: Some(port),
            smtp_security: Some(security),
            smtp_user: Some(user),
            smtp_password: password,
            from_address: Some(from_address.get_untracked().trim().to_owned()),
            from_name: Some(from_name.get_untracked().trim().to_owned()),
            ..MailSettingsUpdate::default()
        })
    });

    let to = RwSignal::new(String::new());
    let test_errors = RwSignal::new(FieldErrors::new());
    let test = Action::new_local(move |_: &()| {
        let body = MailTestRequest { to: Some(to.get_untracked().trim().to_owned()).filter(|t| !t.is_empty()) };
        async move {
            session
                .call(|t| {
                    let body = body.clone();
                    async move { api::admin::send_test_mail(&t, &body).await }
                })
                .await
                .inspect_err(|error| show_server_errors(error, test_errors))
        }
    });
    let testing = test.pending();
    view! {
        <section class="panel stack" aria-labelledby="mail-smtp-heading" data-testid="mail-smtp">
            <h2 id="mail-smtp-heading">"Outgoing (SMTP)"</h2>
            <form class="stack" on:submit=move |ev| submit.run(ev) novalidate aria-label="Outgoing mail server">
                <p class="hint">"Without a host, mail waits in the outbox."</p>
                <ServerFields server errors/>
                <div class="grid-2">
                    <TextField id="mail-from-address" name="from_address" label="From address" value=from_address errors
                        input_type="email" hint="The sender of every mail, and where customers reply to."/>
                    <TextField id="mail-from-name" name="from_name" label="From name" value=from_name errors
                        hint="Empty: the site name."/>
                </div>
                <SaveRow action=save saved/>
            </form>
            <form class="inline-form" novalidate aria-label="Send a test mail" on:submit=move |ev| {
                ev.prevent_default();
                test_errors.set(FieldErrors::new());
                test.dispatch(());
            }>
                <TextField id="mail-test-to" name="to" label="Send to (optional)" value=to errors=test_errors
                    input_type="email" hint="Empty: your own address. Uses the saved settings."/>
                <button type="submit" class="secondary" disabled=move || testing.get()>
                    {move || if testing.get() { "Sending…" } else { "Send test mail" }}
                </button>
            </form>
            <CheckOutcome action=test/>
        </section>
    }
}

#[component]
fn ImapSection(current: MailSettings) -> impl IntoView {
    let session = Session::get();
    let server = Server::new("imap", IMAP_PORTS, (current.imap_host, current.imap_port, current.imap_security, current.imap_user, current.imap_password_set));
    let enabled = RwSignal::new(current.imap_enabled);
    let folder = RwSignal::new(current.imap_folder);
    let processed = RwSignal::new(current.imap_processed_folder);
    let poll = RwSignal::new(current.imap_poll_seconds.to_string());
    let errors = RwSignal::new(FieldErrors::new());
    let saved = RwSignal::new(false);
    let save = save_action(errors, saved, server);
    let submit = on_submit(errors, save, move |checks| {
        saved.set(false);
        let server = server.read(checks);
        let poll = checks.check(
            "imap_poll_seconds",
            "mail-imap-poll",
            "Check every",
            poll.get_untracked().trim().parse::<i64>().ok().filter(|s| POLL_SECONDS.contains(s)).ok_or_else(|| {
                format!("must be {} to {} seconds", POLL_SECONDS.start(), POLL_SECONDS.end())
            }),
        );
        let (host, port, security, user, password) = server?;
        Some(MailSettingsUpdate {
            imap_enabled: Some(enabled.get_untracked()),
            imap_host: Some(host),
            imap_port: Some(port),
            imap_security: Some(security),
            imap_user: Some(user),
            imap_password: password,
            imap_folder: Some(folder.get_untracked().trim().to_owned()),
            imap_processed_folder: Some(processed.get_untracked().trim().to_owned()),
            imap_poll_seconds: Some(poll?),
            ..MailSettingsUpdate::default()
        })
    });
    let test = Action::new_local(move |_: &()| async move {
        session.call(|t| async move { api::admin::test_imap(&t).await }).await
    });
    let testing = test.pending();
    view! {
        <section class="panel stack" aria-labelledby="mail-imap-heading" data-testid="mail-imap">
            <h2 id="mail-imap-heading">"Incoming (IMAP)"</h2>
            <form class="stack" on:submit=move |ev| submit.run(ev) novalidate aria-label="Incoming mailbox">
                <CheckField id="mail-imap-enabled" label="Fetch mail from this mailbox" checked=enabled
                    hint="New mail becomes tickets, and replies are added to their tickets."/>
                <ServerFields server errors/>
                <div class="grid-2">
                    <TextField id="mail-imap-folder" name="imap_folder" label="Folder" value=folder errors
                        hint="Where new mail arrives, usually INBOX."/>
                    <TextField id="mail-imap-processed" name="imap_processed_folder" label="Move handled mail to (optional)"
                        value=processed errors hint="Empty: handled mail stays in the folder, marked as read."/>
                    <TextField id="mail-imap-poll" name="imap_poll_seconds" label="Check every (seconds)" value=poll errors
                        inputmode="numeric" hint="10 to 3600."/>
                </div>
                <SaveRow action=save saved/>
            </form>
            <div class="row-buttons">
                <button type="button" class="secondary" disabled=move || testing.get() on:click=move |_| { test.dispatch(()); }>
                    {move || if testing.get() { "Connecting…" } else { "Test IMAP connection" }}
                </button>
                <span class="hint">"Signs in with the saved settings and opens the folder; fetches nothing."</span>
            </div>
            <CheckOutcome action=test/>
        </section>
    }
}
