//! Admins (the API provider's staff) as Settings > Admins lists them.

use super::Role;
use super::user::UserStatus;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminRow {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub role: Role,
    pub status: UserStatus,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// What the admins page needs: the admins, and who is looking (what they may change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminsView {
    pub admins: Vec<AdminRow>,
    pub viewer_id: String,
    pub viewer_role: Role,
}

impl AdminRow {
    /// Whether `viewer` may deactivate, activate, invite or delete this admin: a provider-admin
    /// never touches a super-admin.
    pub fn changeable_by(&self, viewer: Role) -> bool {
        viewer == Role::SuperAdmin || self.role != Role::SuperAdmin
    }
}

/// The label of an admin role in the app.
pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::SuperAdmin => "Super admin",
        Role::ProviderAdmin => "Provider admin",
        Role::ConsumerAdmin => "Consumer admin",
        Role::ConsumerTeamMember => "Team member",
    }
}
