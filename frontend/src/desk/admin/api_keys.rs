//! API keys for scripts: create one with its scopes and an optional network, see its secret once
//! (only a hash is stored), and revoke it.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::apikeys::{ApiKey, ApiKeyCreate, ApiKeyCreated};
use shared::catalog::check_catalog_name;
use wasm_bindgen::JsCast;

use super::AdminLayout;
use ui::api::{self, ApiError};
use ui::components::feedback::{ErrorNotice, Loading};
use ui::components::form::{show_server_errors, CheckField, Checks, ConfirmButton, FieldErrors, TextField};
use ui::session::Session;
use ui::text::timestamp;

/// An IPv4 or IPv6 network in CIDR notation (`192.0.2.0/24`), or a single address.
fn check_cidr(value: &str) -> Result<(), String> {
    let (address, bits) = match value.split_once('/') {
        Some((address, bits)) => (address, Some(bits)),
        None => (value, None),
    };
    let address: std::net::IpAddr =
        address.parse().map_err(|_| "must be an IP address or a network such as 192.0.2.0/24".to_owned())?;
    if let Some(bits) = bits {
        let max = if address.is_ipv4() { 32 } else { 128 };
        match bits.parse::<u8>() {
            Ok(bits) if bits <= max => {}
            _ => return Err(format!("needs a prefix length from 0 to {max} after the slash")),
        }
    }
    Ok(())
}

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let session = Session::get();
    let list: LocalResource<Result<Vec<ApiKey>, ApiError>> =
        LocalResource::new(
            move || async move { session.call(|t| async move { api::admin::api_keys(&t).await }).await },
        );
    let changed = Callback::new(move |()| list.refetch());

    let name = RwSignal::new(String::new());
    let read = RwSignal::new(true);
    let write = RwSignal::new(false);
    let impersonate = RwSignal::new(false);
    let admin = RwSignal::new(false);
    let allow_ip = RwSignal::new(String::new());
    // A date from the date picker (YYYY-MM-DD); the key works through that day.
    let expires = RwSignal::new(String::new());
    // A key another product's scripts send, kept as it is (empty: a new key is made).
    let kept = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let fresh = RwSignal::new(None::<ApiKeyCreated>);

    let create = Action::new_local(move |input: &ApiKeyCreate| {
        let input = input.clone();
        async move {
            match session
                .call(|t| {
                    let input = input.clone();
                    async move { api::admin::create_api_key(&t, &input).await }
                })
                .await
            {
                Ok(created) => {
                    name.set(String::new());
                    allow_ip.set(String::new());
                    expires.set(String::new());
                    kept.set(String::new());
                    fresh.set(Some(created));
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
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        fresh.set(None);
        let mut checks = Checks::default();
        let key_name = name.get_untracked();
        checks.check("name", "key-new-name", "Name", check_catalog_name(&key_name));
        let scopes: Vec<String> = [("read", read), ("write", write), ("impersonate", impersonate), ("admin", admin)]
            .into_iter()
            .filter(|(_, on)| on.get_untracked())
            .map(|(scope, _)| scope.to_owned())
            .collect();
        if scopes.is_empty() {
            checks.fail("scopes", "key-new-scope-read", "Choose at least one scope.".into());
        }
        let ip = allow_ip.get_untracked().trim().to_owned();
        if !ip.is_empty() {
            checks.check("allow_ip", "key-new-ip", "Allowed network", check_cidr(&ip));
        }
        let secret = kept.get_untracked().trim().to_owned();
        if !secret.is_empty() {
            checks.check("secret", "key-new-secret", "Existing key", shared::apikeys::check_imported_secret(&secret));
        }
        if checks.finish(errors) {
            create.dispatch(ApiKeyCreate {
                name: key_name.trim().to_owned(),
                scopes,
                allow_ip: (!ip.is_empty()).then_some(ip),
                expires: Some(expires.get_untracked()).filter(|e| !e.is_empty()),
                secret: Some(secret).filter(|s| !s.is_empty()),
            });
        }
    };

    view! {
        <AdminLayout title="API keys">
            <p class="muted">
                "Scripts send a key as the " <code>"X-API-Key"</code> " header. "
                "Read lists and reads tickets; write creates and updates them; impersonate lets a "
                "script act for a user (" <code>"user_id"</code> "); admin changes help topics, queues, "
                "statuses, priorities, settings and users, and reads the outbox. No key manages keys."
            </p>
            <form class="stack panel" on:submit=on_submit novalidate aria-label="Create an API key" data-testid="create-form">
                <div class="grid-2">
                    <TextField id="key-new-name" name="name" label="Name" value=name errors required=true maxlength=64
                        hint="What uses it, e.g. website or monitoring."/>
                    <TextField id="key-new-ip" name="allow_ip" label="Allowed network (optional)" value=allow_ip errors
                        hint="Only requests from this address or CIDR network are accepted, e.g. 192.0.2.0/24."/>
                    <TextField id="key-new-expires" name="expires" label="Expires (optional)" value=expires errors
                        input_type="date" hint="The key works through this day (UTC), then is refused."/>
                    <TextField id="key-new-secret" name="secret" label="Existing key (optional)" value=kept errors
                        hint="Keep the key another product's scripts send (NodePoint's, ITFlow's), so they run unchanged."/>
                </div>
                <fieldset class="choice" aria-describedby="key-new-scopes-error">
                    <legend>"Scopes"</legend>
                    <CheckField id="key-new-scope-read" label="read" checked=read/>
                    <CheckField id="key-new-scope-write" label="write" checked=write/>
                    <CheckField id="key-new-scope-impersonate" label="impersonate" checked=impersonate/>
                    <CheckField id="key-new-scope-admin" label="admin" checked=admin/>
                </fieldset>
                <p class="field-error" id="key-new-scopes-error" aria-live="polite">
                    {move || errors.with(|e| e.get("scopes").cloned())}
                </p>
                {move || create.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Creating…" } else { "Create key" }}
                </button>
            </form>
            {move || fresh.get().map(|created| view! { <SecretOnce created on_done=Callback::new(move |()| fresh.set(None))/> })}
            {move || match list.get() {
                None => view! { <Loading label="Loading API keys…"/> }.into_any(),
                Some(Err(error)) => view! { <ErrorNotice error retry=Callback::new(move |()| list.refetch())/> }.into_any(),
                Some(Ok(keys)) if keys.is_empty() => view! { <p class="muted">"No API keys yet."</p> }.into_any(),
                Some(Ok(keys)) => view! {
                    <table class="admin-table" data-testid="admin-table">
                        <thead><tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Key"</th>
                            <th scope="col">"Scopes"</th>
                            <th scope="col">"Network"</th>
                            <th scope="col">"Created"</th>
                            <th scope="col">"Last used"</th>
                            <th scope="col">"Expires"</th>
                            <th scope="col">"Status"</th>
                        </tr></thead>
                        <tbody>
                            {keys.into_iter().map(|key| view! { <KeyRow key changed/> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
        </AdminLayout>
    }
}

/// The new key's secret: shown here once, with a copy button and a plain warning.
#[component]
fn SecretOnce(created: ApiKeyCreated, on_done: Callback<()>) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    let secret = created.secret.clone();
    let copy = move |_| {
        let secret = secret.clone();
        leptos::task::spawn_local(async move {
            copied.set(Some(copy_text(&secret).await));
        });
        select_secret();
    };
    view! {
        <div class="notice notice-warning secret" role="alert" data-testid="api-key-secret">
            <p><strong>{format!("The secret of “{}”", created.key.name)}</strong></p>
            <p>"This is the only time it is shown: copy it now and keep it somewhere safe. "
               "If it is lost, revoke the key and create a new one."</p>
            <div class="secret-row">
                <label for="api-key-secret" class="visually-hidden">"Secret"</label>
                <input id="api-key-secret" class="number" readonly prop:value=created.secret.clone()
                    on:focus=move |_| select_secret()/>
                <button type="button" on:click=copy>"Copy"</button>
            </div>
            <p role="status" class="muted">
                {move || match copied.get() {
                    Some(true) => "Copied to the clipboard.",
                    Some(false) => "The browser did not allow copying: the secret is selected, press Ctrl+C (⌘C).",
                    None => "",
                }}
            </p>
            <button type="button" class="secondary" on:click=move |_| on_done.run(())>"I have saved it"</button>
        </div>
    }
}

fn select_secret() {
    if let Some(input) =
        document().get_element_by_id("api-key-secret").and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        input.select();
    }
}

/// Writes to the clipboard when the browser offers it (secure contexts only).
async fn copy_text(text: &str) -> bool {
    let navigator = window().navigator();
    let available = js_sys::Reflect::get(&navigator, &"clipboard".into())
        .map(|value| !value.is_undefined() && !value.is_null())
        .unwrap_or(false);
    if !available {
        return false;
    }
    wasm_bindgen_futures::JsFuture::from(navigator.clipboard().write_text(text)).await.is_ok()
}

#[component]
fn KeyRow(key: ApiKey, changed: Callback<()>) -> impl IntoView {
    let session = Session::get();
    let id = key.id;
    let revoke = Action::new_local(move |_: &()| async move {
        session.call(|t| async move { api::admin::revoke_api_key(&t, id).await }).await?;
        changed.try_run(());
        Ok::<(), ApiError>(())
    });
    let revoked = key.revoked.clone();
    let is_revoked = revoked.is_some();
    view! {
        <tr data-testid="admin-row" class:inactive=is_revoked>
            <td data-label="Name">{key.name.clone()}</td>
            // A kept key (another product's) shows its first characters; the prefix marks it `~`.
            <td data-label="Key"><code>{match key.prefix.strip_prefix('~') {
                Some(start) => format!("{start}…"),
                None => format!("oxk_{}_…", key.prefix),
            }}</code></td>
            <td data-label="Scopes">{key.scopes.join(", ")}</td>
            <td data-label="Network">{key.allow_ip.clone().unwrap_or_else(|| "any".into())}</td>
            <td data-label="Created">{timestamp(&key.created)}</td>
            <td data-label="Last used">{key.last_used.as_deref().map(timestamp).unwrap_or_else(|| "never".into())}</td>
            <td data-label="Expires">{key.expires.as_deref().map(timestamp).unwrap_or_else(|| "never".into())}</td>
            <td data-label="Status" class="actions">
                {match revoked {
                    Some(when) => view! { <span class="badge" data-testid="key-revoked">{format!("Revoked {}", timestamp(&when))}</span> }.into_any(),
                    None => view! {
                        <ConfirmButton label="Revoke" what=format!("key {}", key.name)
                            on_confirm=Callback::new(move |()| { revoke.dispatch(()); })
                            pending=revoke.pending()/>
                    }.into_any(),
                }}
                {move || revoke.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::check_cidr;

    #[test]
    fn networks() {
        assert!(check_cidr("192.0.2.0/24").is_ok());
        assert!(check_cidr("10.1.2.3").is_ok());
        assert!(check_cidr("2001:db8::/32").is_ok());
        assert!(check_cidr("192.0.2.0/33").is_err());
        assert!(check_cidr("example.com").is_err());
    }
}
