//! Who is signed in. The access token lives only in this signal: never in localStorage, where any
//! injected script could read it. A reload loses it on purpose and gets a new one from the HttpOnly
//! refresh cookie (see [`Session::restore`]).
//!
//! The refresh cookie is HttpOnly and scoped to `/api/auth`, so a page cannot tell whether it has
//! one. The server sets a second cookie beside it, [`MARKER`], which says only "a session may be
//! restored" (no secret: readable by scripts, same lifetime, cleared on sign-out). Without it the
//! app does not ask, so a visitor's first load makes no request that fails.

use std::future::Future;

use leptos::prelude::*;
use shared::auth::LoginResponse;
use shared::users::User;

use crate::api::{self, Answer, ApiError, Call};

/// The name of the marker cookie (backend/src/routes/auth.rs sets and clears it).
pub const MARKER: &str = "oxidesk_session";

fn html_document() -> Option<web_sys::HtmlDocument> {
    use wasm_bindgen::JsCast;
    document().dyn_into::<web_sys::HtmlDocument>().ok()
}

/// Whether the marker cookie says there may be a session to restore.
fn has_marker() -> bool {
    html_document().and_then(|d| d.cookie().ok()).is_some_and(|cookies| {
        cookies.split(';').any(|c| c.trim().split_once('=').is_some_and(|(name, _)| name == MARKER))
    })
}

/// Drops the marker once the server has refused the refresh cookie (expired or revoked), so the
/// next load does not ask again.
fn forget_marker() {
    if let Some(d) = html_document() {
        let _ = d.set_cookie(&format!("{MARKER}=; Path=/; Max-Age=0; SameSite=Strict"));
    }
}

#[derive(Debug, Clone, PartialEq)]
struct SignedIn {
    token: String,
    user: User,
}

#[derive(Debug, Clone, Copy)]
pub struct Session {
    signed_in: RwSignal<Option<SignedIn>>,
    /// False until the start-up refresh has answered; until then we cannot tell a visitor who is
    /// signed out from one whose session is still being restored.
    ready: RwSignal<bool>,
}

impl Session {
    /// Creates the session, shares it with every component below, and starts restoring it.
    pub fn provide() -> Self {
        let session = Session { signed_in: RwSignal::new(None), ready: RwSignal::new(false) };
        provide_context(session);
        session.restore();
        session
    }

    pub fn get() -> Self {
        expect_context::<Session>()
    }

    fn restore(self) {
        leptos::task::spawn_local(async move {
            // No marker, no session: nothing to ask (a signed-out visitor's load stays clean).
            // A 401 means the session ended elsewhere; any other failure leaves the visitor on
            // the sign-in page as well, where signing in again is the remedy.
            if has_marker() {
                match api::refresh().await {
                    Ok(response) => self.sign_in(response),
                    Err(error) if error.is_unauthorized() => forget_marker(),
                    Err(_) => {}
                }
            }
            self.ready.set(true);
        });
    }

    pub fn is_ready(&self) -> bool {
        self.ready.get()
    }

    pub fn is_signed_in(&self) -> bool {
        self.signed_in.with(Option::is_some)
    }

    pub fn user(&self) -> Option<User> {
        self.signed_in.with(|s| s.as_ref().map(|s| s.user.clone()))
    }

    /// Agents and above may write internal notes.
    pub fn is_staff(&self) -> bool {
        self.signed_in.with(|s| s.as_ref().is_some_and(|s| s.user.level.is_staff()))
    }

    pub fn sign_in(&self, response: LoginResponse) {
        self.signed_in.set(Some(SignedIn { token: response.access_token, user: response.user }));
        self.ready.set(true);
    }

    /// The signed-in user as the server now has them (after they changed their account).
    pub fn set_user(&self, user: User) {
        self.signed_in.update(|s| {
            if let Some(s) = s {
                s.user = user;
            }
        });
    }

    pub fn sign_out(&self) {
        self.signed_in.set(None);
    }

    /// The current access token, for the rare request that cannot go through [`Session::send`]
    /// (one sent as the page unloads).
    pub fn token(&self) -> Option<String> {
        self.signed_in.with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
    }

    /// Runs an authorised request. Access tokens are short-lived, so a 401 first tries the refresh
    /// cookie and repeats the request once; only when that fails too is the visitor signed out
    /// (which sends them to the sign-in page).
    pub async fn call<T, F, Fut>(&self, request: F) -> Result<T, ApiError>
    where
        F: Fn(String) -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let Some(token) = self.token() else {
            return Err(ApiError::signed_out());
        };
        match request(token.clone()).await {
            Err(error) if error.is_unauthorized() => match self.renewed(token).await {
                Some(token) => request(token).await,
                None => Err(error),
            },
            other => other,
        }
    }

    /// Sends an authorised [`Call`], renewing a refused token once as [`Session::call`] does. Not
    /// generic: every request of the portal goes through this one copy.
    pub async fn send(&self, call: &Call) -> Result<Answer, ApiError> {
        let Some(token) = self.token() else {
            return Err(ApiError::signed_out());
        };
        match call.send(Some(&token)).await {
            Err(error) if error.is_unauthorized() => match self.renewed(token).await {
                Some(token) => call.send(Some(&token)).await,
                None => Err(error),
            },
            other => other,
        }
    }

    /// [`Session::send`], its answer read as `T` (the only typed step).
    pub async fn read<T: serde::de::DeserializeOwned>(&self, call: Call) -> Result<T, ApiError> {
        api::decode(&self.send(&call).await?.text)
    }

    /// A token to repeat a refused request with, or none (and then the visitor is signed out).
    /// Not generic on purpose: every `call` shares this code instead of carrying a copy (the WASM
    /// budget counts each copy).
    async fn renewed(self, refused: String) -> Option<String> {
        // Another request may have refreshed already; reuse its token rather than spend the
        // refresh cookie twice.
        let fresh = match self.token() {
            Some(current) if current != refused => Some(current),
            _ => match api::refresh().await {
                Ok(response) => {
                    let token = response.access_token.clone();
                    self.sign_in(response);
                    Some(token)
                }
                Err(error) => {
                    if error.is_unauthorized() {
                        forget_marker();
                    }
                    None
                }
            },
        };
        if fresh.is_none() {
            self.sign_out();
        }
        fresh
    }
}
