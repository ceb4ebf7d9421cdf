//! Organization requests (SPEC §8.3): a consumer of the default organization asks for their
//! company's organization; an admin approves or rejects it.

use serde::{Deserialize, Serialize};

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestStatus {
    Pending,
    Approved,
    Rejected,
}

impl RequestStatus {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "pending" => Some(Self::Pending),
            "approved" => Some(Self::Approved),
            "rejected" => Some(Self::Rejected),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }
}

/// A pending request as Organizations lists it for an admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingRequest {
    pub id: String,
    pub name: String,
    pub requester_id: String,
    pub requester_name: String,
    pub requester_email: String,
    pub created_at: i64,
}

/// The requester's latest request, as "My dashboard" shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnRequest {
    pub name: String,
    pub status: RequestStatus,
    pub reason: Option<String>,
    pub created_at: i64,
}

/// What "My dashboard" offers a consumer about organizations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationOffer {
    /// "Create an organization" is shown: the setting is on, the viewer is a consumer of the
    /// default organization and has no pending request.
    pub may_request: bool,
    pub latest: Option<OwnRequest>,
}

/// What a request came to at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestOutcome {
    /// "Your request is pending review".
    Pending,
    /// Auto-approved: the organization exists and the requester is its consumer admin.
    Created { organization_id: String },
}

/// The message for a name another consumer's pending request holds.
pub const PENDING_NAME: &str =
    "Another request for an organization with this name is pending review";
/// The message for a second request while one is pending.
pub const ALREADY_PENDING: &str = "You already have a request pending review.";
/// The message for deciding a request that was decided meanwhile.
pub const ALREADY_DECIDED: &str = "This request was already decided.";
/// The message for approving a request whose requester left the default organization or was
/// deactivated since.
pub const REQUESTER_GONE: &str = "The requester is no longer an active consumer of the default organization: reject the request instead.";
