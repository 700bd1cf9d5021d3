//! Mail settings: the SMTP server mail leaves through and the IMAP mailbox mail comes in from,
//! each saved on its own and each with a button that tries out what is saved. Passwords are
//! never shown: an empty password field keeps the stored one.
//!
//! The form is a table of the API's field names, drawn by one field component and sent as a map
//! of those names: a field written once instead of a typed signal, a view and a line of the
//! request each.

use leptos::prelude::*;
use shared::mail::{MailCheck, MailSecurity, MailSenders, MailSettings};

use super::AdminLayout;
use ui::api::mail;
use ui::components::form::{CheckField, Checks, FieldErrors, TextField};
use ui::crud::{load, send_action, show_loaded, ActionError};

/// (API field, label, hint). The input follows from the name: `…_security` and `…_senders` are choices,
/// `…_enabled` and `…_remove` check boxes, `…_password` hidden, `…_port` and `…_seconds` numbers.
type Spec = (&'static str, &'static str, &'static str);

const SMTP: &[Spec] = &[
    ("smtp_host", "Host", "Empty: no mail is sent, it waits in the outbox."),
    ("smtp_security", "Security", ""),
    ("smtp_port", "Port", "Usually 25 without encryption, 587 with STARTTLS, 465 with TLS."),
    ("smtp_user", "User name", "Empty: no authentication."),
    ("smtp_password", "Password", "Never shown. Leave empty to keep the stored one."),
    ("smtp_password_remove", "Remove the stored password", ""),
    ("from_address", "From address", "The sender of every mail, and where customers reply to."),
    ("from_name", "From name", "Empty: the site name."),
];

const IMAP: &[Spec] = &[
    ("imap_enabled", "Fetch mail from this mailbox", "New mail becomes tickets, replies join their tickets."),
    ("imap_host", "Host", ""),
    ("imap_security", "Security", ""),
    ("imap_port", "Port", "Usually 143 without encryption or with STARTTLS, 993 with TLS."),
    ("imap_user", "User name", ""),
    ("imap_password", "Password", "Never shown. Leave empty to keep the stored one."),
    ("imap_password_remove", "Remove the stored password", ""),
    ("imap_folder", "Folder", "Where new mail arrives, usually INBOX."),
    ("imap_processed_folder", "Move handled mail to (optional)", "Empty: it stays in the folder, marked as read."),
    ("imap_poll_seconds", "Check every (seconds)", "10 to 3600."),
    (
        "imap_senders",
        "Who may open tickets by mail",
        "Replies to a ticket are taken from its people either way. Mail piped by a program (osTicket's /api/tickets.email) opens tickets for anyone.",
    ),
];

/// One server's section: its heading, the prefix of its fields' names, its fields, and its
/// try-out (where it posts, its button, its own fields).
struct Server {
    heading: &'static str,
    prefix: &'static str,
    fields: &'static [Spec],
    test: &'static str,
    test_button: &'static str,
    test_fields: &'static [Spec],
}

static SERVERS: [Server; 2] = [
    Server {
        heading: "Outgoing (SMTP)",
        prefix: "smtp",
        fields: SMTP,
        test: "/mail/test.json",
        test_button: "Send test mail",
        test_fields: &[("to", "Send to (optional)", "Empty: your own address.")],
    },
    Server {
        heading: "Incoming (IMAP)",
        prefix: "imap",
        fields: IMAP,
        test: "/mail/imap-test.json",
        test_button: "Test IMAP connection",
        test_fields: &[],
    },
];

/// The usual port for no encryption, STARTTLS and TLS (in `MailSecurity`'s order).
fn usual_port(prefix: &str, security: &str) -> i64 {
    let ports = if prefix == "smtp" { [25, 587, 465] } else { [143, 143, 993] };
    ports[MailSecurity::parse(security).unwrap_or_default() as usize]
}

/// The form's values by API field name; check boxes and what the server says about the
/// passwords are flags.
#[derive(Clone, Copy)]
struct Values {
    texts: StoredValue<Vec<(&'static str, RwSignal<String>)>>,
    flags: StoredValue<Vec<(&'static str, RwSignal<bool>)>>,
}

fn find<T: Copy>(list: &[(&str, T)], key: &str) -> Option<T> {
    list.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

impl Values {
    fn new(s: MailSettings) -> Self {
        let texts = [
            ("smtp_host", s.smtp_host),
            ("smtp_port", s.smtp_port.to_string()),
            ("smtp_security", s.smtp_security.as_str().to_owned()),
            ("smtp_user", s.smtp_user),
            ("smtp_password", String::new()),
            ("from_address", s.from_address),
            ("from_name", s.from_name),
            ("to", String::new()),
            ("imap_host", s.imap_host),
            ("imap_port", s.imap_port.to_string()),
            ("imap_security", s.imap_security.as_str().to_owned()),
            ("imap_user", s.imap_user),
            ("imap_password", String::new()),
            ("imap_folder", s.imap_folder),
            ("imap_processed_folder", s.imap_processed_folder),
            ("imap_poll_seconds", s.imap_poll_seconds.to_string()),
            ("imap_senders", s.imap_senders.as_str().to_owned()),
        ];
        let flags = [
            ("imap_enabled", s.imap_enabled),
            ("smtp_password_set", s.smtp_password_set),
            ("smtp_password_remove", false),
            ("imap_password_set", s.imap_password_set),
            ("imap_password_remove", false),
        ];
        Values {
            texts: StoredValue::new(texts.into_iter().map(|(k, v)| (k, RwSignal::new(v))).collect()),
            flags: StoredValue::new(flags.into_iter().map(|(k, v)| (k, RwSignal::new(v))).collect()),
        }
    }

    // Every key the form uses is in the table; an unknown one gets a signal of its own.
    fn text(&self, key: &str) -> RwSignal<String> {
        self.texts.with_value(|t| find(t, key)).unwrap_or_else(|| RwSignal::new(String::new()))
    }

    fn flag(&self, key: &str) -> RwSignal<bool> {
        self.flags.with_value(|f| find(f, key)).unwrap_or_else(|| RwSignal::new(false))
    }

    /// What a section sends: its fields by name, trimmed; a password only when typed (or ""
    /// when its removal is ticked), so that an empty field keeps the stored one. Ports and the
    /// interval must be numbers; the server checks their ranges.
    fn body(&self, fields: &[Spec], checks: &mut Checks) -> Vec<(&'static str, String)> {
        let mut body = Vec::new();
        for (key, label, _) in fields {
            if key.ends_with("_remove") {
                continue;
            }
            if key.ends_with("_enabled") {
                body.push((*key, self.flag(key).get_untracked().to_string()));
                continue;
            }
            let value = self.text(key).get_untracked();
            if key.ends_with("_password") {
                if !value.is_empty() {
                    body.push((*key, value));
                } else if self.flag(&format!("{key}_remove")).get_untracked() {
                    body.push((*key, String::new()));
                }
                continue;
            }
            let value = value.trim().to_owned();
            if (key.ends_with("_port") || key.ends_with("_seconds")) && value.parse::<i64>().is_err() {
                checks.fail(key, &format!("mail-{key}"), format!("{label} must be a whole number."));
            }
            if !(*key == "to" && value.is_empty()) {
                body.push((*key, value));
            }
        }
        body
    }
}

#[component]
pub fn MailSettingsPage() -> impl IntoView {
    // Loaded once: saving one section must not rebuild the other (and lose what is typed there).
    let settings = load(|token| async move { mail::settings(&token).await });
    let show = |settings: MailSettings| {
        let values = Values::new(settings);
        SERVERS.iter().map(|server| section(server, values)).collect_view().into_any()
    };
    view! { <AdminLayout title="Mail">{show_loaded(settings, show)}</AdminLayout> }
}

/// One server's settings with Save, then the button that tries the saved ones out, and what it
/// found. Only the section's own fields are sent: the API keeps absent ones as they are.
fn section(server: &'static Server, values: Values) -> AnyView {
    let Server { heading, prefix, fields, test, test_button, test_fields } = *server;
    let errors = RwSignal::new(FieldErrors::new());
    let saved = RwSignal::new(false);
    let site = ui::site::Site::get();
    let save = send_action(
        errors,
        |token, body: Vec<(&'static str, String)>| async move { mail::update_settings(&token, &body).await },
        move |now: MailSettings| {
            let stored = if prefix == "smtp" { now.smtp_password_set } else { now.imap_password_set };
            values.flag(&format!("{prefix}_password_set")).set(stored);
            values.flag(&format!("{prefix}_password_remove")).set(false);
            values.text(&format!("{prefix}_password")).set(String::new());
            saved.set(true);
            // Whether the desk sends mail now (the warning on every admin page) is the site's.
            site.reload();
        },
    );
    let pending = save.pending();
    let on_save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let mut checks = Checks::default();
        let body = values.body(fields, &mut checks);
        if checks.finish(errors) {
            save.dispatch(body);
        }
    };
    let found = RwSignal::new(None::<MailCheck>);
    let try_out = send_action(
        errors,
        move |token, body: Vec<(&'static str, String)>| async move { mail::try_out(&token, test, &body).await },
        move |check: MailCheck| found.set(Some(check)),
    );
    let trying = try_out.pending();
    view! {
        <section class="panel stack" aria-label=heading data-testid=format!("mail-{prefix}")>
            <h2>{heading}</h2>
            <form class="stack" on:submit=on_save novalidate aria-label=heading>
                <div class="grid-2">
                    {fields.iter().map(|spec| setting_field(*spec, values, errors)).collect_view()}
                </div>
                <ActionError action=save/>
                <p role="status" class="saved">{move || saved.get().then_some("Saved.")}</p>
                <button type="submit" disabled=move || pending.get()>{move || if pending.get() { "Saving…" } else { "Save" }}</button>
            </form>
            <form class="inline-form" novalidate aria-label=test_button on:submit=move |ev| {
                ev.prevent_default();
                found.set(None);
                let body = values.body(test_fields, &mut Checks::default());
                try_out.dispatch(body);
            }>
                {test_fields.iter().map(|spec| setting_field(*spec, values, errors)).collect_view()}
                <button type="submit" class="secondary" disabled=move || trying.get()>{test_button}</button>
            </form>
            // What the try-out found: worked or not, in the server's words (a server that cannot be
            // reached is a finding, not a failed request), or why it could not try.
            <div role="status" data-testid="mail-check">
                {move || found.get().map(|check| view! {
                    <p class=if check.ok { "notice notice-success" } else { "notice notice-error" }>
                        <strong>{if check.ok { "It works. " } else { "It does not work. " }}</strong>
                        {check.detail}
                    </p>
                })}
            </div>
            <ActionError action=try_out/>
        </section>
    }
    .into_any()
}

/// The options of a setting that is a choice: (value, name).
fn choices(key: &str) -> Option<Vec<(&'static str, &'static str)>> {
    if key.ends_with("_security") {
        Some(vec![("none", "None"), ("starttls", "STARTTLS"), ("tls", "TLS")])
    } else if key.ends_with("_senders") {
        Some(vec![
            (MailSenders::Anyone.as_str(), "Anyone (a new address becomes a customer)"),
            (MailSenders::Known.as_str(), "Only people who have an account"),
            (MailSenders::KnownAndClients.as_str(), "People who have an account, and anyone at a client's mail domain"),
        ])
    } else {
        None
    }
}

/// One setting, drawn as its name says (see [`Spec`]).
fn setting_field(spec: Spec, values: Values, errors: RwSignal<FieldErrors>) -> AnyView {
    let (key, label, hint) = spec;
    let id = format!("mail-{key}");
    let prefix = key.split('_').next().unwrap_or_default();
    if key.ends_with("_enabled") || key.ends_with("_remove") {
        // A removal is offered only while a password is stored.
        let stored = values.flag(&format!("{prefix}_password_set"));
        let hidden = move || key.ends_with("_remove") && !stored.get();
        return view! {
            <div hidden=hidden><CheckField id label checked=values.flag(key) hint/></div>
        }
        .into_any();
    }
    let value = values.text(key);
    if let Some(options) = choices(key) {
        let hint_id = format!("{id}-hint");
        let described = (!hint.is_empty()).then(|| hint_id.clone());
        let hint = (!hint.is_empty()).then(|| view! { <p class="hint" id=hint_id>{hint}</p> });
        return view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                {hint}
                <select id=id aria-describedby=described on:change=move |ev| {
                    let to = event_target_value(&ev);
                    // A port still at the old security's usual one follows the new one's; a port
                    // typed on purpose stays.
                    if key.ends_with("_security") {
                        let port = values.text(&format!("{prefix}_port"));
                        if port.get_untracked().trim() == usual_port(prefix, &value.get_untracked()).to_string() {
                            port.set(usual_port(prefix, &to).to_string());
                        }
                    }
                    value.set(to);
                }>
                    {options.into_iter().map(|(option, name)| view! {
                        <option value=option selected=move || value.with(|v| v == option)>{name}</option>
                    }).collect_view()}
                </select>
            </div>
        }
        .into_any();
    }
    // "new-password": the browser must not fill in the administrator's own saved password.
    let (input_type, autocomplete) = if key.ends_with("_password") {
        ("password", "new-password")
    } else if key == "to" || key == "from_address" {
        ("email", "off")
    } else {
        ("text", "off")
    };
    view! {
        <TextField id name=key label value errors input_type hint autocomplete/>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::usual_port;

    #[test]
    fn ports_follow_the_security() {
        assert_eq!(usual_port("smtp", "none"), 25);
        assert_eq!(usual_port("smtp", "starttls"), 587);
        assert_eq!(usual_port("smtp", "tls"), 465);
        assert_eq!(usual_port("imap", "starttls"), 143);
        assert_eq!(usual_port("imap", "tls"), 993);
    }
}
