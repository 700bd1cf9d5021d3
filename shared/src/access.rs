use serde::{Deserialize, Serialize};

/// NodePoint's seven access levels. Stored as a small integer; ordering matters (a higher level
/// can do everything a lower one can).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i16", into = "i16")]
pub enum AccessLevel {
    Disabled = 0,
    AuthorizedUser = 1,
    RestrictedViewer = 2,
    Agent = 3,
    ProjectManager = 4,
    UserManager = 5,
    Administrator = 6,
}

impl AccessLevel {
    pub const ALL: [AccessLevel; 7] = [
        AccessLevel::Disabled,
        AccessLevel::AuthorizedUser,
        AccessLevel::RestrictedViewer,
        AccessLevel::Agent,
        AccessLevel::ProjectManager,
        AccessLevel::UserManager,
        AccessLevel::Administrator,
    ];

    pub fn name(self) -> &'static str {
        match self {
            AccessLevel::Disabled => "Disabled",
            AccessLevel::AuthorizedUser => "Authorized user",
            AccessLevel::RestrictedViewer => "Restricted viewer",
            AccessLevel::Agent => "Agent",
            AccessLevel::ProjectManager => "Project manager",
            AccessLevel::UserManager => "User manager",
            AccessLevel::Administrator => "Administrator",
        }
    }

    /// What the level lets someone do, in a line (shown beside every level picker).
    pub fn meaning(self) -> &'static str {
        match self {
            AccessLevel::Disabled => "Cannot sign in; their tickets stay.",
            AccessLevel::AuthorizedUser => "A customer: opens tickets and follows their own.",
            AccessLevel::RestrictedViewer => "Reads every ticket but internal notes; changes only their own.",
            AccessLevel::Agent => "Works tickets: answers, notes, assigns, sets statuses.",
            AccessLevel::ProjectManager => "An agent, with what the permission settings give this level.",
            AccessLevel::UserManager => "An agent who also adds and changes users.",
            AccessLevel::Administrator => "Everything: settings, mail, queues, API keys.",
        }
    }

    /// Agents and above work tickets; below that a user only sees their own.
    pub fn is_staff(self) -> bool {
        self >= AccessLevel::Agent
    }
}

impl TryFrom<i16> for AccessLevel {
    type Error = String;
    fn try_from(value: i16) -> Result<Self, Self::Error> {
        AccessLevel::ALL
            .get(usize::try_from(value).map_err(|_| format!("access level {value} is not 0-6"))?)
            .copied()
            .ok_or_else(|| format!("access level {value} is not 0-6"))
    }
}

impl From<AccessLevel> for i16 {
    fn from(level: AccessLevel) -> i16 {
        level as i16
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for AccessLevel {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Integer)
            .minimum(Some(0))
            .maximum(Some(6))
            .description(Some(
                "0 disabled, 1 authorized user (customer), 2 restricted viewer, 3 agent, \
                 4 project manager, 5 user manager, 6 administrator",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for AccessLevel {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_round_trip_and_reject_out_of_range() {
        for level in AccessLevel::ALL {
            assert_eq!(AccessLevel::try_from(i16::from(level)), Ok(level));
        }
        assert!(AccessLevel::try_from(7).is_err());
        assert!(AccessLevel::try_from(-1).is_err());
        assert!(AccessLevel::Agent.is_staff());
        assert!(!AccessLevel::RestrictedViewer.is_staff());
    }
}
