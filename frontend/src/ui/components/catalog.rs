//! The lists a ticket picks from (statuses, priorities, queues, topics, agents) and the desk's
//! settings, loaded once per page. Each list degrades on its own: a failed or missing endpoint
//! leaves that one list at its built-in fallback, and the page keeps working.

use shared::catalog::{Priority, Queue, Status, StatusState, Topic};
use shared::users::User;

use crate::api::{self, ApiError};
use crate::session::Session;
use crate::site::Site;
use crate::task::Loader;

type Loaded<T> = Loader<Vec<T>>;

#[derive(Clone, Copy)]
pub struct Catalog {
    statuses: Loaded<Status>,
    priorities: Loaded<Priority>,
    queues: Loaded<Queue>,
    topics: Loaded<Topic>,
    agents: Loaded<User>,
    site: Site,
}

impl Catalog {
    /// Starts loading everything; agents are only asked for by staff (the endpoint is theirs).
    pub fn load() -> Self {
        let session = Session::get();
        fn list<T>(session: Session, call: fn() -> api::Call) -> Loaded<T>
        where
            T: serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
        {
            Loader::new(move || async move { session.read(call()).await })
        }
        let statuses = list(session, || api::Call::get("/statuses.json"));
        let priorities = list(session, || api::Call::get("/priorities.json"));
        let queues = list(session, || api::Call::get("/queues.json"));
        let topics = list(session, api::topics_call);
        let agents = Loader::new(move || {
            let staff = session.is_staff();
            async move {
                if !staff {
                    return Ok(Vec::new());
                }
                session.call(|token| async move { api::staff_users(&token).await }).await
            }
        });
        let site = Site::get();
        Catalog { statuses, priorities, queues, topics, agents, site }
    }

    /// Nothing to pick from, asking the server for nothing: the portal's ticket page, whose
    /// customer panel picks nothing (and whose WASM then carries none of these requests).
    pub fn none() -> Self {
        fn empty<T: Clone + Send + Sync + 'static>() -> Loaded<T> {
            Loader::new(|| async { Ok(Vec::new()) })
        }
        Catalog {
            statuses: empty(),
            priorities: empty(),
            queues: empty(),
            topics: empty(),
            agents: empty(),
            site: Site::get(),
        }
    }

    /// The statuses in their order; the three built-in ones until the list has loaded.
    pub fn statuses(&self) -> Vec<Status> {
        match self.statuses.get() {
            Some(Ok(mut list)) if !list.is_empty() => {
                list.sort_by_key(|s| (s.sort, s.id));
                list
            }
            _ => vec![
                builtin_status(1, "Open", StatusState::Open),
                builtin_status(2, "Resolved", StatusState::Resolved),
                builtin_status(3, "Closed", StatusState::Closed),
            ],
        }
    }

    /// The priorities, most urgent last (their `sort`); the four built-in ones as a fallback.
    pub fn priorities(&self) -> Vec<Priority> {
        match self.priorities.get() {
            Some(Ok(mut list)) if !list.is_empty() => {
                list.sort_by_key(|p| (p.sort, p.id));
                list
            }
            _ => ["Low", "Normal", "High", "Urgent"]
                .into_iter()
                .zip(1..)
                .map(|(name, id)| Priority { id, name: name.to_owned(), sort: id })
                .collect(),
        }
    }

    pub fn queues(&self) -> Vec<Queue> {
        self.queues.get().and_then(Result::ok).unwrap_or_default()
    }

    pub fn topics(&self) -> Vec<Topic> {
        self.topics.get().and_then(Result::ok).unwrap_or_default()
    }

    pub fn agents(&self) -> Vec<User> {
        let mut agents = self.agents.get().and_then(Result::ok).unwrap_or_default();
        agents.sort_by_key(|a| a.fullname.to_lowercase());
        agents
    }

    /// True while the agent list is still being fetched.
    pub fn agents_loading(&self) -> bool {
        self.agents.get().is_none()
    }

    /// Why the agent list could not be loaded, if it could not.
    pub fn agents_error(&self) -> Option<ApiError> {
        self.agents.get().and_then(Result::err)
    }

    /// The largest attachment the server accepts (the site's settings).
    pub fn max_upload_bytes(&self) -> Option<i64> {
        Some(self.site.max_upload_bytes()).filter(|max| *max > 0)
    }

    pub fn status_state(&self, id: i64) -> Option<StatusState> {
        self.statuses().into_iter().find(|s| s.id == id).map(|s| s.state)
    }
}

fn builtin_status(id: i64, name: &str, state: StatusState) -> Status {
    Status { id, name: name.to_owned(), state, sort: id }
}
