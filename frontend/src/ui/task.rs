//! Requests as the pages use them: a [`Task`] is something the person sets off (send a form, close
//! a ticket) with its pending flag and last outcome; a [`Loader`] is what a page shows (a ticket, a
//! list), loaded when its inputs change and again on demand.
//!
//! They replace Leptos's `Action` and `LocalResource`, whose async machinery (`AsyncDerived`,
//! `SendWrapper`, scoped futures) is instantiated anew for every future type: a page with three
//! requests carried three copies. Here the futures are boxed, so what is compiled per use is a
//! closure that builds one, and the spawning and signal plumbing is shared.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;

use crate::api::ApiError;

/// What a request ends with.
pub type Outcome<T> = Result<T, ApiError>;

type Boxed<T> = Pin<Box<dyn Future<Output = Outcome<T>>>>;

/// Runs `future` and hands its outcome to `done` unless a newer run (a higher `run`) started since:
/// the last request asked for is the one shown.
fn spawn<T: 'static>(future: Boxed<T>, runs: StoredValue<u32>, done: impl FnOnce(Outcome<T>) + 'static) {
    let run = runs.try_update_value(|n| {
        *n = n.wrapping_add(1);
        *n
    });
    leptos::task::spawn_local(async move {
        let outcome = future.await;
        // The page may be gone (then its values are disposed) or a newer run under way.
        if runs.try_get_value().is_some_and(|current| Some(current) == run) {
            done(outcome);
        }
    });
}

/// An action the person sets off: `pending` while it runs, `value` the last outcome.
pub struct Task<T: 'static> {
    pending: RwSignal<bool>,
    value: RwSignal<Option<Outcome<T>>>,
    runs: StoredValue<u32>,
}

impl<T: 'static> Clone for Task<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Task<T> {}

impl<T: Send + Sync + 'static> Default for Task<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Send + Sync + 'static> Task<T> {
    pub fn new() -> Self {
        Task { pending: RwSignal::new(false), value: RwSignal::new(None), runs: StoredValue::new(0) }
    }

    /// Starts the request.
    pub fn run(&self, future: impl Future<Output = Outcome<T>> + 'static) {
        let (pending, value) = (self.pending, self.value);
        pending.set(true);
        spawn(Box::pin(future), self.runs, move |outcome| {
            value.try_set(Some(outcome));
            pending.try_set(false);
        });
    }

    /// Tracked: whether it runs.
    pub fn pending(&self) -> Signal<bool> {
        self.pending.into()
    }

    /// The last outcome (`None`: not run yet), tracked.
    pub fn value(&self) -> RwSignal<Option<Outcome<T>>> {
        self.value
    }

    /// The last error, tracked.
    pub fn error(&self) -> Option<ApiError> {
        self.value.with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned()))
    }

    /// Whether the last run succeeded, tracked.
    pub fn succeeded(&self) -> bool {
        self.value.with(|v| matches!(v, Some(Ok(_))))
    }
}

/// What a page shows: `fetch` reads its inputs (signals, tracked) and returns the request; it runs
/// again when they change and on [`Loader::reload`]. Until the first answer the value is `None`;
/// a reload keeps the old value on screen until the new one arrives.
pub struct Loader<T: 'static> {
    value: RwSignal<Option<Outcome<T>>>,
    again: RwSignal<u32>,
}

impl<T: 'static> Clone for Loader<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Loader<T> {}

impl<T: Clone + Send + Sync + 'static> Loader<T> {
    pub fn new<F: Future<Output = Outcome<T>> + 'static>(fetch: impl Fn() -> F + 'static) -> Self {
        let loader = Loader { value: RwSignal::new(None), again: RwSignal::new(0) };
        let runs = StoredValue::new(0);
        let value = loader.value;
        let again = loader.again;
        // An effect rather than a memo: it only starts requests, and tracks what `fetch` reads.
        Effect::new(move |_| {
            again.track();
            spawn(Box::pin(fetch()), runs, move |outcome| {
                value.try_set(Some(outcome));
            });
        });
        loader
    }

    /// The value, tracked.
    pub fn get(&self) -> Option<Outcome<T>> {
        self.value.get()
    }

    /// The loaded value, if loaded and no error, tracked.
    pub fn ok(&self) -> Option<T> {
        self.value.with(|v| v.as_ref().and_then(|r| r.as_ref().ok().cloned()))
    }

    /// Reads it again.
    pub fn reload(&self) {
        self.again.update(|n| *n = n.wrapping_add(1));
    }

    /// Replaces the value with one the page got otherwise (the answer to a change).
    pub fn set(&self, value: Outcome<T>) {
        self.value.set(Some(value));
    }
}
