//! Settings (NodePoint's configuration page): what the first-run setup chose, and more. Saving
//! updates the site context at once, so the header and the notice change without a reload.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::settings::{
    check_site_name, check_ticket_prefix, Capability, Settings, SettingsUpdate, MAX_UPLOAD_BYTES, MIN_UPLOAD_BYTES,
    NEW_USER_LEVELS, NOTICE_MAX_CHARS, ROWS_PER_PAGE,
};
use shared::AccessLevel;

use super::{AdminLayout, LevelSelect};
use ui::api;
use ui::components::feedback::{ErrorNotice, Loading};
use ui::components::form::VisibilityChoice;
use ui::components::form::{show_server_errors, CheckField, Checks, FieldErrors, TextArea, TextField};
use ui::session::Session;
use ui::site::Site;

const MB: f64 = 1024.0 * 1024.0;

/// "2.5" (MB) → bytes, within the server's limits.
fn parse_upload_mb(value: &str) -> Result<i64, String> {
    let mb: f64 = value.trim().replace(',', ".").parse().map_err(|_| "must be a number of megabytes".to_owned())?;
    let bytes = (mb * MB).round();
    if !bytes.is_finite() || bytes < MIN_UPLOAD_BYTES as f64 || bytes > MAX_UPLOAD_BYTES as f64 {
        return Err(format!(
            "must be between {} KB and {} MB",
            MIN_UPLOAD_BYTES / 1024,
            MAX_UPLOAD_BYTES / (1024 * 1024)
        ));
    }
    Ok(bytes as i64)
}

fn format_mb(bytes: i64) -> String {
    let mb = bytes as f64 / MB;
    if (mb - mb.round()).abs() < 0.005 {
        format!("{}", mb.round() as i64)
    } else {
        format!("{mb:.2}")
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let site = Site::get();
    // Built once, when the settings are there: saving replaces them in the site context, and that
    // must not rebuild the form (which would drop its "saved" message).
    let loaded = Memo::new(move |_| site.with(|s| s.is_some()));
    view! {
        <AdminLayout title="Settings">
            {move || match loaded.get().then(|| untrack(|| site.settings())).flatten() {
                None => view! { <Loading label="Loading settings…"/> }.into_any(),
                Some(current) => view! { <SettingsForm current/> }.into_any(),
            }}
        </AdminLayout>
    }
}

#[component]
fn SettingsForm(current: Settings) -> impl IntoView {
    let site = Site::get();
    let session = Session::get();
    let site_name = RwSignal::new(current.site_name.clone());
    let notice = RwSignal::new(current.notice.clone());
    let prefix = RwSignal::new(current.ticket_prefix.clone());
    let visibility = RwSignal::new(current.visibility);
    let registrations = RwSignal::new(current.allow_registrations);
    let guests = RwSignal::new(current.allow_guest_tickets);
    let upload_mb = RwSignal::new(format_mb(current.max_upload_bytes));
    let rows = RwSignal::new(current.rows_per_page.to_string());
    let confirm = RwSignal::new(current.confirm_registrations);
    let impersonation = RwSignal::new(current.api_impersonation);
    let new_level = RwSignal::new(i64::from(i16::from(current.new_user_level)));
    // One signal per capability, in the order NodePoint's settings page lists them.
    let thresholds: Vec<(Capability, RwSignal<i64>)> = Capability::ALL
        .into_iter()
        .map(|c| {
            let level = current.capabilities.get(&c).copied().unwrap_or(c.default_level());
            (c, RwSignal::new(i64::from(i16::from(level))))
        })
        .collect();
    let thresholds = StoredValue::new(thresholds);
    let errors = RwSignal::new(FieldErrors::new());
    let saved = RwSignal::new(false);

    let save = Action::new_local(move |update: &SettingsUpdate| {
        let update = update.clone();
        async move {
            let result = session
                .call(|t| {
                    let update = update.clone();
                    async move { api::admin::update_settings(&t, &update).await }
                })
                .await;
            match result {
                Ok(settings) => {
                    site.set(settings);
                    saved.set(true);
                    Ok(())
                }
                Err(error) => {
                    show_server_errors(&error, errors);
                    Err(error)
                }
            }
        }
    });
    let pending = save.pending();

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let mut checks = Checks::default();
        let name = site_name.get_untracked();
        checks.check("site_name", "settings-site-name", "Site name", check_site_name(&name));
        let text = notice.get_untracked();
        if text.chars().count() > NOTICE_MAX_CHARS {
            checks.fail(
                "notice",
                "settings-notice",
                format!("Public notice must be at most {NOTICE_MAX_CHARS} characters."),
            );
        }
        let pre = prefix.get_untracked().trim().to_owned();
        checks.check("ticket_prefix", "settings-prefix", "Ticket prefix", check_ticket_prefix(&pre));
        let upload = checks.check(
            "max_upload_bytes",
            "settings-upload",
            "Maximum upload",
            parse_upload_mb(&upload_mb.get_untracked()),
        );
        let per_page = checks.check(
            "rows_per_page",
            "settings-rows",
            "Rows per page",
            rows.get_untracked().trim().parse::<i64>().ok().filter(|n| ROWS_PER_PAGE.contains(n)).ok_or_else(|| {
                format!("must be a whole number from {} to {}", ROWS_PER_PAGE.start(), ROWS_PER_PAGE.end())
            }),
        );
        if !checks.finish(errors) {
            return;
        }
        save.dispatch(SettingsUpdate {
            site_name: Some(name.trim().to_owned()),
            notice: Some(text.trim().to_owned()),
            ticket_prefix: Some(pre),
            visibility: Some(visibility.get_untracked().as_str().to_owned()),
            allow_registrations: Some(registrations.get_untracked()),
            allow_guest_tickets: Some(guests.get_untracked()),
            max_upload_bytes: upload,
            rows_per_page: per_page,
            confirm_registrations: Some(confirm.get_untracked()),
            api_impersonation: Some(impersonation.get_untracked()),
            new_user_level: Some(new_level.get_untracked()),
            capabilities: Some(
                thresholds.with_value(|t| t.iter().map(|(c, v)| (c.key().to_owned(), v.get_untracked())).collect()),
            ),
        });
    };

    view! {
        <form class="stack settings-form" on:submit=on_submit novalidate data-testid="settings-form">
            <TextField id="settings-site-name" name="site_name" label="Site name" value=site_name errors required=true
                maxlength=80 hint="Shown at the top left of every page and in the browser tab."/>
            <TextArea id="settings-notice" name="notice" label="Public notice" value=notice errors rows=3
                hint="Shown at the top of every page. Leave empty to remove it."/>
            <TextField id="settings-prefix" name="ticket_prefix" label="Ticket prefix" value=prefix errors required=true
                maxlength=10 hint="Starts every new ticket number. Letters, digits, dashes."/>
            <VisibilityChoice name="settings-visibility" value=visibility/>
            <CheckField id="settings-registrations" label="Allow registrations" checked=registrations
                hint="Visitors may create their own customer account from the sign-in page."/>
            <CheckField id="settings-guests" label="Allow guest tickets" checked=guests
                hint="Visitors may file a ticket with only their name and email address."/>
            <CheckField id="settings-confirm" label="Confirm registrations by email" checked=confirm
                hint="New accounts sign in once they open the link mailed to them."/>
            <CheckField id="settings-impersonation" label="Allow user impersonation (NodePoint's API)" checked=impersonation
                hint="from_user acts as that person, for keys with the impersonate scope (docs/compat.md)."/>
            <LevelSelect id="settings-new-level" label="New users' access level" value=new_level
                max=NEW_USER_LEVELS[NEW_USER_LEVELS.len() - 1]
                hint="For accounts that register or first sign in through the directory. 0 waits for a user manager."/>
            <fieldset class="stack" data-testid="capabilities">
                <legend>"Permissions: the lowest level for each"</legend>
                <div class="grid-2">
                    {thresholds.with_value(|t| t.iter().filter(|(capability, _)| capability.in_use()).map(|(capability, value)| view! {
                        <LevelSelect id=format!("settings-cap-{}", capability.key()) label=capability.label()
                            value=*value max=AccessLevel::Administrator/>
                    }).collect_view())}
                </div>
            </fieldset>
            <div class="grid-2">
                <TextField id="settings-upload" name="max_upload_bytes" label="Maximum upload (MB)" value=upload_mb errors
                    inputmode="decimal" hint="The largest attachment accepted, per file."/>
                <TextField id="settings-rows" name="rows_per_page" label="Rows per page" value=rows errors
                    inputmode="numeric" hint="5 to 100."/>
            </div>
            {move || save.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
            <p role="status" class="saved">{move || saved.get().then_some("Settings saved.")}</p>
            <button type="submit" disabled=move || pending.get()>
                {move || if pending.get() { "Saving…" } else { "Save settings" }}
            </button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_limits() {
        assert_eq!(parse_upload_mb("10"), Ok(10 * 1024 * 1024));
        assert_eq!(parse_upload_mb("0,5"), Ok(512 * 1024));
        assert!(parse_upload_mb("0").is_err());
        assert!(parse_upload_mb("101").is_err());
        assert!(parse_upload_mb("ten").is_err());
        assert_eq!(format_mb(10 * 1024 * 1024), "10");
    }
}
