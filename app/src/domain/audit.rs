//! The audit log as an admin reads it: who changed what, when, and through which API token.

use serde::{Deserialize, Serialize};

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: String,
    /// Milliseconds since the Unix epoch.
    pub at: i64,
    /// Who made the change; `None` for the system (or someone since deleted).
    pub actor_id: Option<String>,
    pub actor_email: Option<String>,
    /// The API token's name when the change came through the REST API.
    pub via: Option<String>,
    pub action: String,
    /// "user", "organization", "team", "invite_code", "api_product" …
    pub subject_type: String,
    pub subject_id: Option<String>,
    pub detail: String,
}

/// Which entries to read; an empty field does not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub subject_type: String,
    pub subject_id: String,
    pub actor_id: String,
}
