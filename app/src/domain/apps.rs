//! Apps, access requests and API keys (SPEC §10) as the browser and the server both see them:
//! the forms and their checks, the lists, and the messages people read.

use super::catalog::{PlanTerms, bounded_text, display_name};
use crate::error::{AppError, FieldErrors};
use serde::{Deserialize, Serialize};

/// The longest app description and request comment kept.
pub const DESCRIPTION_MAX_CHARS: usize = 2000;
pub const COMMENT_MAX_CHARS: usize = 2000;
/// The longest rejection reason kept.
pub const REASON_MAX_CHARS: usize = 1000;
/// What every API key starts with, so people and secret scanners recognize one.
pub const KEY_PREFIX: &str = "ptc_";
/// What every gateway token starts with.
pub const GATEWAY_TOKEN_PREFIX: &str = "ptg_";

pub const DUPLICATE_APP: &str = "You already have an app with this name.";
pub const ALREADY_REQUESTED: &str =
    "This app already has a request or a key for this plan. Open the app to see it.";
pub const NO_SUCH_PLAN: &str = "Choose one of the plans offered for this product.";
pub const NO_SUCH_APP: &str = "Choose one of your apps, or create one.";
pub const ALREADY_DECIDED: &str = "This request was already decided.";
pub const KEY_ALREADY_SHOWN: &str =
    "This key was already shown once and cannot be shown again. Rotate it to get a new one.";
pub const KEY_EXPIRED: &str =
    "This key expired and is not renewed by rotating it. Revoke it and request access again.";
pub const NOT_LIVE: &str = "This access is not live: it was revoked, or not approved.";
pub const HAS_LIVE_KEYS: &str =
    "Live API keys use it. Revoke them first (Apps, or the owner's app page).";

/// "Visibility" of an app: who besides its owner sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppVisibility {
    /// Its owner only.
    Personal,
    /// The members of the owner's teams.
    Team,
    /// Everyone in the owner's organization.
    Organization,
}

impl AppVisibility {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "personal" => Some(Self::Personal),
            "team" => Some(Self::Team),
            "organization" => Some(Self::Organization),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Personal => "personal",
            Self::Team => "team",
            Self::Organization => "organization",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Personal => "Personal",
            Self::Team => "Team",
            Self::Organization => "Organization",
        }
    }

    pub const ALL: [Self; 3] = [Self::Personal, Self::Team, Self::Organization];
}

/// What "Create app" and "Edit" post.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppForm {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub visibility: String,
}

/// An app form that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidApp {
    pub name: String,
    pub description: String,
    pub visibility: AppVisibility,
}

impl AppForm {
    pub fn validate(&self) -> Result<ValidApp, AppError> {
        let mut errors = FieldErrors::default();
        let name = display_name(&mut errors, "name", &self.name);
        let description = bounded_text(
            &mut errors,
            "description",
            &self.description,
            DESCRIPTION_MAX_CHARS,
            false,
        );
        let visibility = match self.visibility.trim() {
            "" => Some(AppVisibility::Personal),
            v => AppVisibility::parse(v),
        };
        if visibility.is_none() {
            errors.note("visibility", "Choose Personal, Team or Organization.");
        }
        match visibility {
            Some(visibility) if errors.is_empty() => Ok(ValidApp {
                name,
                description,
                visibility,
            }),
            _ => Err(errors.into_error()),
        }
    }

    pub fn values(&self) -> Vec<(String, String)> {
        vec![
            ("name".into(), self.name.clone()),
            ("description".into(), self.description.clone()),
            ("visibility".into(), self.visibility.clone()),
        ]
    }
}

/// A request's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestStatus {
    Pending,
    /// Approved: the credential exists (its key shown once, or waiting to be shown).
    Approved,
    Rejected,
    /// Approved once, then revoked (by its owner, an admin, or the owner leaving).
    Revoked,
}

impl RequestStatus {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "pending" => Some(Self::Pending),
            "approved" => Some(Self::Approved),
            "rejected" => Some(Self::Rejected),
            "revoked" => Some(Self::Revoked),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Revoked => "revoked",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Approved => "Approved",
            Self::Rejected => "Rejected",
            Self::Revoked => "Revoked",
        }
    }

    pub const ALL: [Self; 4] = [Self::Pending, Self::Approved, Self::Rejected, Self::Revoked];
}

/// What "Submit request" posts: the product by name (as in its URL), a plan offered for it, one
/// of the viewer's apps or, with `app` empty, a new app named `new_app`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestForm {
    pub product: String,
    #[serde(default)]
    pub plan: String,
    #[serde(default)]
    pub app: String,
    #[serde(default)]
    pub new_app: String,
    #[serde(default)]
    pub comment: String,
}

impl RequestForm {
    pub fn values(&self) -> Vec<(String, String)> {
        vec![
            ("plan".into(), self.plan.clone()),
            ("app".into(), self.app.clone()),
            ("new_app".into(), self.new_app.clone()),
            ("comment".into(), self.comment.clone()),
        ]
    }

    /// The comment, checked.
    pub fn comment(&self) -> Result<String, AppError> {
        let mut errors = FieldErrors::default();
        let comment = bounded_text(
            &mut errors,
            "comment",
            &self.comment,
            COMMENT_MAX_CHARS,
            false,
        );
        if errors.is_empty() {
            Ok(comment)
        } else {
            Err(errors.into_error())
        }
    }
}

/// "Rotate": how long the old key keeps working.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Grace {
    None,
    OneHour,
    OneDay,
}

impl Grace {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "" | "none" => Some(Self::None),
            "1h" => Some(Self::OneHour),
            "24h" => Some(Self::OneDay),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::OneHour => "1h",
            Self::OneDay => "24h",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::None => "None: the old key stops now",
            Self::OneHour => "1 hour",
            Self::OneDay => "24 hours",
        }
    }

    pub fn millis(self) -> i64 {
        match self {
            Self::None => 0,
            Self::OneHour => 60 * 60 * 1000,
            Self::OneDay => 24 * 60 * 60 * 1000,
        }
    }

    pub const ALL: [Self; 3] = [Self::None, Self::OneHour, Self::OneDay];
}

/// One line of "My apps" (and of an admin's "Apps").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppSummary {
    pub id: String,
    pub name: String,
    pub description: String,
    pub visibility: AppVisibility,
    pub owner_name: String,
    pub owner_email: String,
    pub organization: String,
    /// Approved, unrevoked accesses.
    pub live: i64,
    pub pending: i64,
    /// Whether the viewer owns it (and so may change it).
    pub mine: bool,
}

/// An access request, as the app page and "Access requests" show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRequest {
    pub id: String,
    pub app_id: String,
    pub app_name: String,
    pub product_name: String,
    pub product_display_name: String,
    pub plan_display_name: String,
    pub requester_name: String,
    pub requester_email: String,
    pub organization: String,
    pub comment: String,
    pub status: RequestStatus,
    pub reason: String,
    pub created_at: i64,
    pub decided_at: Option<i64>,
    /// For an approved request: the key's visible prefix ("" until it was shown), when it was
    /// issued and when it expires (`None`: never).
    pub key_prefix: String,
    pub issued_at: Option<i64>,
    pub expires_at: Option<i64>,
    /// After a rotation with a grace period: when the old key stops working.
    pub old_key_until: Option<i64>,
    pub terms: PlanTerms,
}

impl AccessRequest {
    /// Approved, and its key not shown yet: the owner may "Show key" once.
    pub fn key_waiting(&self) -> bool {
        self.status == RequestStatus::Approved && self.issued_at.is_none()
    }
}

/// An app's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppPage {
    pub app: AppSummary,
    pub requests: Vec<AccessRequest>,
    /// A key just shown to a form posted without JavaScript (see `api::apps`).
    #[serde(default)]
    pub shown: Option<ShownKey>,
}

/// A key shown once: its whole value, which Portico does not keep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShownKey {
    pub request_id: String,
    pub key: String,
    pub expires_at: Option<i64>,
}

/// What "Submit request" led to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submitted {
    pub app_id: String,
    pub request_id: String,
    /// The plan approves at once: the key waits on the app page.
    pub approved: bool,
}

/// Filters of "Access requests".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestFilter {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub product: String,
    #[serde(default)]
    pub plan: String,
    #[serde(default)]
    pub organization: String,
}

/// A gateway token in Settings > Gateways (its value is shown once, at creation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayTokenRow {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// A new gateway token, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewGatewayToken {
    pub id: String,
    pub token: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_app_form_reports_each_field() {
        let form = AppForm {
            name: " ".into(),
            description: "x".repeat(DESCRIPTION_MAX_CHARS + 1),
            visibility: "everyone".into(),
        };
        let Err(AppError::Validation { errors, .. }) = form.validate() else {
            panic!("accepted a bad form");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "description", "visibility"]);
        let ok = AppForm {
            name: " Billing sync ".into(),
            description: "".into(),
            visibility: "".into(),
        }
        .validate()
        .expect("a good form");
        assert_eq!(ok.name, "Billing sync");
        assert_eq!(ok.visibility, AppVisibility::Personal);
    }

    #[test]
    fn grace_periods_parse_from_their_form_values() {
        for grace in Grace::ALL {
            assert_eq!(Grace::parse(grace.as_str()), Some(grace));
        }
        assert_eq!(Grace::parse("2h"), None);
        assert_eq!(Grace::OneDay.millis(), 86_400_000);
    }
}
