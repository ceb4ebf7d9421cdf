//! API consumers as the admin app shows them, and the validation of the "Add user" form.

use super::{Email, Password, PersonName, Role};
use crate::error::{AppError, FieldErrors};
use serde::{Deserialize, Serialize};

/// A consumer's status as shown and filtered in the admin app (derived from stored state).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserStatus {
    Active,
    Inactive,
    Invited,
    NotInvited,
    PendingApproval,
}

impl UserStatus {
    pub const ALL: [Self; 5] = [
        Self::Active,
        Self::Inactive,
        Self::Invited,
        Self::NotInvited,
        Self::PendingApproval,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Inactive => "Inactive",
            Self::Invited => "Invited",
            Self::NotInvited => "Not invited",
            Self::PendingApproval => "Pending approval",
        }
    }

    /// The value used in URLs and forms.
    pub fn key(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Inactive => "inactive",
            Self::Invited => "invited",
            Self::NotInvited => "not-invited",
            Self::PendingApproval => "pending",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// How the users table is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum UserSort {
    #[default]
    Created,
    Name,
    Email,
}

impl UserSort {
    pub fn key(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Name => "name",
            Self::Email => "email",
        }
    }

    pub fn from_key(key: &str) -> Self {
        match key {
            "name" => Self::Name,
            "email" => Self::Email,
            _ => Self::Created,
        }
    }

    /// Whether `cursor` is one a page in this sort made: it decodes to this sort's keys (the
    /// creation time and id; last name, first name and id; email and id), the time a number.
    pub fn reads_cursor(self, cursor: &str) -> bool {
        match (self, crate::domain::cursor::decode(cursor).as_deref()) {
            (Self::Created, Some([at, _])) => at.parse::<i64>().is_ok(),
            (Self::Name, Some([_, _, _])) | (Self::Email, Some([_, _])) => true,
            _ => false,
        }
    }
}

/// What a users page answers for a cursor it did not make (a 400).
pub const BROKEN_CURSOR: &str =
    "This page link is broken or out of date. Go back to the first page of the list.";

/// One row of the users table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserListItem {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub organization: String,
    pub teams: Vec<String>,
    pub status: UserStatus,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// A page of users: the rows, the total that match the filters, and the cursor of the next page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPage {
    pub users: Vec<UserListItem>,
    pub total: i64,
    /// The count stopped at `total`: more users match.
    pub total_is_capped: bool,
    pub next_cursor: Option<String>,
}

/// An organization or team in a select.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: String,
    pub name: String,
}

/// A team in a select, with its organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamChoice {
    pub id: String,
    pub name: String,
    pub organization_id: String,
    pub is_default: bool,
}

/// One invitation of a user, with its life so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationRecord {
    pub created_at: i64,
    pub expires_at: i64,
    pub delivered_at: Option<i64>,
    pub accepted_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub email_status: Option<String>,
}

/// One line of a user's audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub at: i64,
    pub action: String,
    pub actor: Option<String>,
    pub detail: String,
    /// The API token's name when the change came through the REST API.
    #[serde(default)]
    pub via: Option<String>,
}

/// Everything the user overview page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDetail {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub role: Role,
    pub organization_id: String,
    pub organization: String,
    pub teams: Vec<Choice>,
    pub status: UserStatus,
    pub has_password: bool,
    pub must_change_password: bool,
    /// Expiry of the pending invitation, if one is pending.
    pub invitation_expires_at: Option<i64>,
    pub created_at: i64,
    pub invitations: Vec<InvitationRecord>,
    pub audit: Vec<AuditRecord>,
}

/// The "Add user" and "Edit" forms as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserForm {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub organization_id: String,
    #[serde(default)]
    pub team_ids: Vec<String>,
    pub role: String,
    #[serde(default)]
    pub password: String,
    /// "on" when the checkbox is ticked (HTML forms send nothing otherwise).
    #[serde(default)]
    pub must_change_password: Option<String>,
}

/// A user form that passed validation.
#[derive(Debug, Clone)]
pub struct ValidUserForm {
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub email: Email,
    pub organization_id: String,
    pub team_ids: Vec<String>,
    pub role: Role,
    pub password: Option<Password>,
    pub must_change_password: bool,
}

impl UserForm {
    /// Checks every field, reporting all errors at once; the same code runs in the browser.
    pub fn validate(&self) -> Result<ValidUserForm, AppError> {
        self.check(false)
    }

    /// The checks of a consumer admin's "Invite new user" (SPEC §8.2): a consumer role and no
    /// password; the organization is `organization_id`, the admin's own, whatever was posted.
    pub fn validate_invite(&self, organization_id: &str) -> Result<ValidUserForm, AppError> {
        UserForm {
            organization_id: organization_id.to_owned(),
            password: String::new(),
            must_change_password: None,
            ..self.clone()
        }
        .check(false)
    }

    /// The same checks for Settings > "Add new admin user": an admin role, no organization.
    pub fn validate_admin(&self) -> Result<ValidUserForm, AppError> {
        self.check(true)
    }

    fn check(&self, admin: bool) -> Result<ValidUserForm, AppError> {
        let mut errors = FieldErrors::default();
        let first_name = errors.check("first_name", PersonName::parse(&self.first_name));
        let last_name = errors.check("last_name", PersonName::parse(&self.last_name));
        let email = errors.check("email", Email::parse(&self.email));
        let role = match (admin, self.role.as_str()) {
            (false, "" | "consumer-team-member") => Some(Role::ConsumerTeamMember),
            (false, "consumer-admin") => Some(Role::ConsumerAdmin),
            (true, "" | "provider-admin") => Some(Role::ProviderAdmin),
            (true, "super-admin") => Some(Role::SuperAdmin),
            _ => {
                errors.note("role", "Choose a role.");
                None
            }
        };
        if !admin && self.organization_id.trim().is_empty() {
            errors.note("organization_id", "Choose an organization.");
        }
        let password = if self.password.is_empty() {
            None
        } else {
            let email_text = email
                .as_ref()
                .map(|e| e.as_str().to_owned())
                .unwrap_or_default();
            errors.check("password", Password::parse(&self.password, &email_text))
        };
        let must_change_password = self.must_change_password.is_some();
        if must_change_password && self.password.is_empty() {
            errors.note(
                "must_change_password",
                "Set a password, or leave this unticked and send an invitation later.",
            );
        }
        match (first_name, last_name, email, role) {
            (Some(first_name), Some(last_name), Some(email), Some(role)) if errors.is_empty() => {
                Ok(ValidUserForm {
                    first_name,
                    last_name,
                    email,
                    organization_id: self.organization_id.trim().to_owned(),
                    team_ids: self
                        .team_ids
                        .iter()
                        .filter(|t| !t.is_empty())
                        .cloned()
                        .collect(),
                    role,
                    password,
                    must_change_password,
                })
            }
            _ => Err(errors.into_error()),
        }
    }
}

/// The message shown for a duplicate email, in the form and under a race alike.
pub const DUPLICATE_EMAIL: &str = "A user with this email already exists";

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> UserForm {
        UserForm {
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            email: "ada@example.com".into(),
            organization_id: "org".into(),
            role: "consumer-team-member".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_form_is_valid() {
        let valid = form().validate().expect("valid");
        assert_eq!(valid.email.as_str(), "ada@example.com");
        assert!(valid.password.is_none());
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let bad = UserForm {
            first_name: " ".into(),
            last_name: "x".repeat(101),
            email: "nope".into(),
            password: "short".into(),
            ..form()
        };
        let Err(AppError::Validation { errors, .. }) = bad.validate() else {
            panic!("expected validation errors");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["first_name", "last_name", "email", "password"]);
    }

    #[test]
    fn must_change_needs_a_password() {
        let bad = UserForm {
            must_change_password: Some("on".into()),
            ..form()
        };
        assert!(bad.validate().is_err());
        let ok = UserForm {
            must_change_password: Some("on".into()),
            password: "a long enough password".into(),
            ..form()
        };
        assert!(ok.validate().is_ok_and(|v| v.must_change_password));
    }
}
