//! The administration area (`/admin/…`): NodePoint's settings and users panels, plus the lists a
//! ticket picks from and the API keys. Administrators see every page; user managers only Users.

pub mod api_keys;
pub mod catalog;
pub mod jobs;
pub mod mail_log;
pub mod mail_settings;
pub mod mail_templates;
pub mod outbox;
pub mod settings;
pub mod topics;
pub mod users;

use leptos::prelude::*;
use shared::AccessLevel;
use ui::paths::href;
use ui::route::current;

use ui::session::Session;

/// (path, label, what it is for, lowest level that may open it)
const PAGES: [(&str, &str, &str, AccessLevel); 12] = [
    (
        "/admin/settings",
        "Settings",
        "Site name, notice, ticket numbers, who may register and file tickets.",
        AccessLevel::Administrator,
    ),
    ("/admin/users", "Users", "Accounts, access levels, password resets.", AccessLevel::UserManager),
    ("/admin/queues", "Queues", "The departments tickets are routed to.", AccessLevel::Administrator),
    (
        "/admin/topics",
        "Help topics",
        "What customers choose when they open a ticket, and its queue.",
        AccessLevel::Administrator,
    ),
    ("/admin/statuses", "Statuses", "The steps a ticket goes through.", AccessLevel::Administrator),
    ("/admin/priorities", "Priorities", "How urgent a ticket is.", AccessLevel::Administrator),
    ("/admin/api-keys", "API keys", "Keys for scripts and other systems.", AccessLevel::Administrator),
    (
        "/admin/mail",
        "Mail",
        "The servers mail leaves through and comes in from, with a test for each.",
        AccessLevel::Administrator,
    ),
    (
        "/admin/mail-templates",
        "Mail templates",
        "What each kind of mail says, with a preview.",
        AccessLevel::Administrator,
    ),
    (
        "/admin/outbox",
        "Outbox",
        "Mail the desk sent or is about to send; send failed mail again.",
        AccessLevel::Administrator,
    ),
    (
        "/admin/mail-log",
        "Mail log",
        "Mail that came in and what became of it; the quarantine of mail that could not be read.",
        AccessLevel::Administrator,
    ),
    (
        "/admin/jobs",
        "Jobs",
        "The work done in the background (sending mail), what failed and why; run it again.",
        AccessLevel::Administrator,
    ),
];

fn level() -> Signal<AccessLevel> {
    let session = Session::get();
    Signal::derive(move || session.user().map_or(AccessLevel::Disabled, |u| u.level))
}

#[component]
pub fn AdminNav() -> impl IntoView {
    let level = level();
    view! {
        <nav class="admin-nav" aria-label="Administration">
            <ul>
                {move || PAGES
                    .into_iter()
                    .filter(|(_, _, _, min)| level.get() >= *min)
                    .map(|(path, label, _, _)| view! { <li><a href=href(path) aria-current=current(path, false)>{label}</a></li> })
                    .collect_view()}
            </ul>
        </nav>
    }
}

/// Every admin page: the section navigation, then the page with its heading.
#[component]
pub fn AdminLayout(#[prop(into)] title: String, children: Children) -> impl IntoView {
    view! {
        <div class="admin">
            <AdminNav/>
            <section class="page admin-page" aria-labelledby="admin-heading">
                <h1 id="admin-heading">{title}</h1>
                <MailNotSetUp/>
                {children()}
            </section>
        </div>
    }
}

/// Until an SMTP server is set, the administrators are told what does not happen.
#[component]
fn MailNotSetUp() -> impl IntoView {
    let site = ui::site::Site::get();
    let level = level();
    let missing = move || level.get() >= AccessLevel::Administrator && site.settings().is_some_and(|s| !s.mail_ready);
    view! {
        <Show when=missing>
            <div class="notice notice-warning" role="note" data-testid="mail-not-set-up">
                <p>
                    <strong>"Mail is not set up."</strong>
                    " The desk sends no ticket mail, and confirmation and password-reset links wait in the outbox: \
                     confirm new accounts in Users until it does. "
                    <a href=href("/admin/mail")>"Set up mail"</a>
                </p>
            </div>
        </Show>
    }
}

/// `/admin`: what each page is for.
#[component]
pub fn AdminHome() -> impl IntoView {
    let level = level();
    view! {
        <AdminLayout title="Administration">
            <ul class="admin-cards">
                {move || PAGES
                    .into_iter()
                    .filter(|(_, _, _, min)| level.get() >= *min)
                    .map(|(path, label, about, _)| view! {
                        <li><a href=href(path) aria-current=current(path, false)>{label}</a><p class="muted">{about}</p></li>
                    })
                    .collect_view()}
            </ul>
        </AdminLayout>
    }
}

/// "" → None (put it last); a whole number → Some; anything else is refused.
pub fn parse_order(value: &str) -> Result<Option<i64>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    value.parse::<i64>().map(Some).map_err(|_| "must be a whole number".to_owned())
}

/// A choice of access levels up to `max`, shown as "3 · Agent".
#[component]
pub fn LevelSelect(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    value: RwSignal<i64>,
    /// The highest level the signed-in user may hand out.
    max: AccessLevel,
    #[prop(optional)] with_any: bool,
    /// In table rows the column header says it; the label is for screen readers only.
    #[prop(optional)]
    hide_label: bool,
    #[prop(optional, into)] disabled: Signal<bool>,
    #[prop(optional, into)] on_pick: Option<Callback<i64>>,
    #[prop(optional, into)] hint: Option<String>,
) -> impl IntoView {
    let label_class = if hide_label { "visually-hidden" } else { "" };
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field">
            <label for=id.clone() class=label_class>{label}</label>
            {hint.as_ref().map(|h| view! { <p class="hint" id=hint_id.clone()>{h.clone()}</p> })}
            <select id=id aria-describedby=hint.map(|_| hint_id) disabled=move || disabled.get() on:change=move |ev| {
                let picked = event_target_value(&ev).parse::<i64>().unwrap_or(-1);
                value.set(picked);
                if let Some(on_pick) = on_pick {
                    on_pick.run(picked);
                }
            }>
                {with_any.then(|| view! { <option value="-1" selected=move || value.get() < 0>"Any level"</option> })}
                {AccessLevel::ALL.into_iter().filter(move |l| *l <= max).map(|level| {
                    let n = level as i64;
                    view! { <option value=n.to_string() selected=move || value.get() == n>{format!("{n} · {}", level.name())}</option> }
                }).collect_view()}
            </select>
            <p class="hint level-meaning" data-testid="level-meaning">
                {move || i16::try_from(value.get()).ok().and_then(|n| AccessLevel::try_from(n).ok()).map(AccessLevel::meaning)}
            </p>
        </div>
    }
}
