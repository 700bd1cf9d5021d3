//! The bell in the desk's header: how many notifications the agent has not read
//! (`GET /api/notifications.json?unread=true`, its `X-Total-Count`), counted again when the live
//! stream tells of a change and when a ticket is read; opened, the latest ones, each a link to
//! its ticket (reading the ticket reads them), and "Mark all read".

use leptos::prelude::*;
use shared::notifications::{Notification, NotificationsMarked, NotificationsRead};
use ui::api::{ApiError, Call};
use ui::components::feedback::ErrorNotice;
use ui::components::icon::Icon;
use ui::paths::href;
use ui::session::Session;
use ui::text::When;

use crate::live::{settled, Live};

/// How many the open bell lists.
const SHOWN: &str = "15";

#[derive(Clone, Copy)]
pub struct Bell {
    /// Unread notifications; None until counted (and for people without a bell).
    unread: RwSignal<Option<u64>>,
    recount: RwSignal<u64>,
}

impl Bell {
    /// Counts for a signed-in agent, again whenever something changes.
    pub fn provide() {
        let bell = Bell { unread: RwSignal::new(None), recount: RwSignal::new(0) };
        provide_context(bell);
        let session = Session::get();
        let live = Live::get();
        let count = move || {
            leptos::task::spawn_local(async move {
                let call = Call::get("/notifications.json").query(&[("unread", "true"), ("per_page", "1")]);
                // A failed count keeps the last one; the next change counts again.
                if let Ok(answer) = session.send(&call).await {
                    bell.unread.try_set(Some(answer.total.unwrap_or(0)));
                }
            });
        };
        let later = settled(count);
        Effect::new(move |first: Option<()>| {
            bell.recount.track();
            if let Some(live) = live {
                live.event.track();
                live.resync.track();
            }
            if !session.is_staff() {
                bell.unread.set(None);
            } else if first.is_none() {
                count();
            } else {
                later();
            }
        });
    }

    pub fn get() -> Option<Bell> {
        use_context::<Bell>()
    }

    /// Something was read: count again.
    pub fn count_again(self) {
        self.recount.try_update(|n| *n += 1);
    }
}

/// The bell itself, for the header.
pub fn bell() -> AnyView {
    let Some(bell) = Bell::get() else {
        return ().into_any();
    };
    let session = Session::get();
    let open = RwSignal::new(false);
    let latest = RwSignal::new(None::<Result<Vec<Notification>, ApiError>>);
    let load = move || {
        leptos::task::spawn_local(async move {
            let call = Call::get("/notifications.json").query(&[("per_page", SHOWN)]);
            latest.try_set(Some(session.read::<Vec<Notification>>(call).await));
        });
    };
    let mark_all = move || {
        leptos::task::spawn_local(async move {
            let call = Call::post("/notifications/read.json").json(&NotificationsRead { ids: None, read: true });
            match session.read::<NotificationsMarked>(call).await {
                Ok(marked) => {
                    bell.unread.try_set(Some(u64::try_from(marked.unread).unwrap_or(0)));
                    load();
                }
                Err(error) => {
                    latest.try_set(Some(Err(error)));
                }
            }
        });
    };
    // Another page: the bell closes.
    Effect::new(move |_| {
        ui::route::path();
        open.set(false);
    });
    let unread = move || bell.unread.get().unwrap_or(0);
    let label = move || match unread() {
        0 => "Notifications".to_owned(),
        1 => "Notifications, 1 unread".to_owned(),
        n => format!("Notifications, {n} unread"),
    };
    view! {
        <Show when=move || session.is_staff()>
            <div
                class="bell"
                on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        open.set(false);
                    }
                }
            >
                <button
                    type="button"
                    class="icon bell-button"
                    data-testid="bell"
                    aria-label=label
                    title=label
                    aria-expanded=move || open.get().to_string()
                    aria-controls="bell-panel"
                    on:click=move |_| {
                        let now_open = !open.get_untracked();
                        open.set(now_open);
                        if now_open {
                            load();
                        }
                    }
                >
                    <Icon name="bell"/>
                    {move || (unread() > 0).then(|| view! {
                        <span class="bell-count" data-testid="bell-count">{unread()}</span>
                    })}
                </button>
                <Show when=move || open.get()>
                    <div class="bell-panel" id="bell-panel" role="region" aria-label="Notifications">
                        <div class="bell-head">
                            <h2>"Notifications"</h2>
                            <button
                                type="button"
                                class="secondary"
                                data-testid="bell-mark-all"
                                disabled=move || unread() == 0
                                on:click=move |_| mark_all()
                            >
                                "Mark all read"
                            </button>
                        </div>
                        {move || match latest.get() {
                            None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                            Some(Err(error)) => view! { <ErrorNotice error/> }.into_any(),
                            Some(Ok(list)) if list.is_empty() => {
                                view! { <p class="muted">"Nothing yet: assignments, replies on tickets you follow and mentions show here."</p> }
                                    .into_any()
                            }
                            Some(Ok(list)) => view! {
                                <ul class="bell-list">
                                    {list.into_iter().map(|n| view! {
                                        <li class:unread=!n.read data-testid="notification">
                                            <a href=href(&format!("/tickets/{}", n.ticket)) on:click=move |_| open.set(false)>
                                                <span class="bell-headline">{n.headline()}</span>
                                                <span class="bell-ticket">{format!("{} · {}", n.ticket, n.subject)}</span>
                                                <When value=n.at.clone()/>
                                            </a>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }
                            .into_any(),
                        }}
                    </div>
                </Show>
            </div>
        </Show>
    }
    .into_any()
}
