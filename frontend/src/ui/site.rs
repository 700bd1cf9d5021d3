//! The desk's public settings (site name, notice, what visitors may do), loaded once at start-up
//! without credentials and shared with every component. The admin settings page writes the new
//! values back here, so the header and the notice change at once.

use leptos::prelude::*;
use shared::settings::Settings;

use crate::api::{self, ApiError};

/// Shown until the settings arrive, and if they never do.
pub const DEFAULT_SITE_NAME: &str = "Oxidesk";

#[derive(Debug, Clone, Copy)]
pub struct Site {
    settings: RwSignal<Option<Settings>>,
    error: RwSignal<Option<ApiError>>,
}

/// Where the app stands before any page can be shown.
#[derive(Debug, Clone, PartialEq)]
pub enum SiteState {
    Loading,
    Failed(ApiError),
    /// No administrator yet: every route shows the first-run setup.
    SetupNeeded,
    Ready,
}

impl Site {
    /// Creates the context, starts loading the settings, and keeps `document.title` on the site name.
    pub fn provide() -> Self {
        let site = Site { settings: RwSignal::new(None), error: RwSignal::new(None) };
        provide_context(site);
        site.reload();
        Effect::new(move |_| {
            document().set_title(&site.name());
        });
        site
    }

    pub fn get() -> Self {
        expect_context::<Site>()
    }

    /// Asks the server again (start-up, "Try again", after the first-run setup).
    pub fn reload(self) {
        self.error.set(None);
        leptos::task::spawn_local(async move {
            match api::settings().await {
                Ok(settings) => {
                    self.settings.set(Some(settings));
                    self.error.set(None);
                }
                Err(error) => self.error.set(Some(error)),
            }
        });
    }

    /// Replaces the settings with what the server answered to a change.
    pub fn set(&self, settings: Settings) {
        self.settings.set(Some(settings));
    }

    /// Tracked read of the settings, once loaded.
    pub fn settings(&self) -> Option<Settings> {
        self.settings.get()
    }

    pub fn with<R>(&self, f: impl FnOnce(Option<&Settings>) -> R) -> R {
        self.settings.with(|s| f(s.as_ref()))
    }

    pub fn name(&self) -> String {
        self.with(|s| {
            s.map(|s| s.site_name.clone())
                .filter(|name| !name.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_SITE_NAME.to_owned())
        })
    }

    pub fn notice(&self) -> String {
        self.with(|s| s.map(|s| s.notice.trim().to_owned()).unwrap_or_default())
    }

    pub fn allow_registrations(&self) -> bool {
        self.with(|s| s.is_some_and(|s| s.allow_registrations && !s.setup_needed))
    }

    pub fn allow_guest_tickets(&self) -> bool {
        self.with(|s| s.is_some_and(|s| s.allow_guest_tickets && !s.setup_needed))
    }

    /// The largest attachment the server takes (10 MiB until the settings say otherwise).
    pub fn max_upload_bytes(&self) -> i64 {
        self.with(|s| s.map(|s| s.max_upload_bytes).unwrap_or(10 * 1024 * 1024))
    }

    pub fn state(&self) -> SiteState {
        if let Some(settings) = self.settings.read().as_ref() {
            return if settings.setup_needed { SiteState::SetupNeeded } else { SiteState::Ready };
        }
        match self.error.get() {
            Some(error) => SiteState::Failed(error),
            None => SiteState::Loading,
        }
    }
}

/// The administrator's public notice, above every page (NodePoint's "public notice").
#[component]
pub fn SiteNotice() -> impl IntoView {
    let site = Site::get();
    let notice = Memo::new(move |_| site.notice());
    move || {
        let text = notice.get();
        (!text.is_empty()).then(|| {
            view! {
                <div class="site-notice" role="note" aria-label="Notice" data-testid="site-notice">
                    <p>{text}</p>
                </div>
            }
        })
    }
}
