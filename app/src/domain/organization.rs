//! Organizations as the admin app lists them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationRow {
    pub id: String,
    pub name: String,
    pub is_default: bool,
    pub teams: i64,
    pub users: i64,
}

/// The message for a taken organization name, in the form and under a race alike.
pub const DUPLICATE_ORGANIZATION: &str = "An organization with this name already exists";
