//! Who is signed in. The access token lives only in this signal: never in localStorage, where any
//! injected script could read it. A reload loses it on purpose and gets a new one from the HttpOnly
//! refresh cookie (see [`Session::restore`]).

use std::future::Future;

use leptos::prelude::*;
use shared::auth::LoginResponse;
use shared::users::User;

use crate::api::{self, ApiError};

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
        let session = Session {
            signed_in: RwSignal::new(None),
            ready: RwSignal::new(false),
        };
        provide_context(session);
        session.restore();
        session
    }

    pub fn get() -> Self {
        expect_context::<Session>()
    }

    fn restore(self) {
        leptos::task::spawn_local(async move {
            // A 401 only means there is no session to restore; any other failure leaves the visitor
            // on the sign-in page as well, where signing in again is the remedy.
            if let Ok(response) = api::refresh().await {
                self.sign_in(response);
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
        self.signed_in
            .with(|s| s.as_ref().is_some_and(|s| s.user.level.is_staff()))
    }

    pub fn sign_in(&self, response: LoginResponse) {
        self.signed_in.set(Some(SignedIn {
            token: response.access_token,
            user: response.user,
        }));
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

    fn token(&self) -> Option<String> {
        self.signed_in
            .with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
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
                Err(_) => None,
            },
        };
        if fresh.is_none() {
            self.sign_out();
        }
        fresh
    }
}
