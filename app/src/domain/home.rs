//! The admin home page: what waits for an admin, and how big the portal is.

use serde::{Deserialize, Serialize};

/// What waits, and the counts, as the admin home page shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminHome {
    /// Registrations with a confirmed address that await approval.
    pub pending_registrations: i64,
    pub pending_organization_requests: i64,
    /// Emails that failed for good and wait for a "Retry".
    pub failed_emails: i64,
    /// Invitations still open that expire within a day.
    pub invitations_expiring: i64,
    pub users: i64,
    pub organizations: i64,
    pub teams: i64,
}
