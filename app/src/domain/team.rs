//! Teams as the admin app lists them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamRow {
    pub id: String,
    pub name: String,
    pub organization_id: String,
    pub organization: String,
    pub is_default: bool,
    pub members: i64,
}

/// The message for a team name taken in its organization.
pub const DUPLICATE_TEAM: &str = "This organization already has a team with this name";
