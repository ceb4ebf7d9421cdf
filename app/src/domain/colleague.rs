//! "My dashboard > Users": the people a consumer shares a team with (SPEC §8.1).

use super::Role;
use super::user::{Choice, UserStatus};
use serde::{Deserialize, Serialize};

/// One person on the list: what the viewer may know of someone in a team with them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Colleague {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub role: Role,
    /// The teams they share with the viewer (not their other teams).
    pub teams: Vec<String>,
    pub status: UserStatus,
}

/// The list as the viewer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Colleagues {
    /// The viewer's organization; `None` in the default organization, which is not a company, so
    /// nobody is listed there.
    pub organization: Option<String>,
    /// Whether the viewer is a consumer admin (who will manage these people, SPEC §8.2).
    pub viewer_is_admin: bool,
    /// The viewer's own teams: those a consumer admin invites into.
    pub viewer_teams: Vec<Choice>,
    pub people: Vec<Colleague>,
    /// More people matched than the list shows: a search narrows it.
    pub more: bool,
}

/// At most this many people are listed at once.
pub const LIMIT: usize = 200;
