//! The consumer's own pages: the registration form, the account page, and registrants as the
//! approvals page lists them.

use super::{Email, Password, PersonName};
use crate::error::{AppError, FieldErrors};
use serde::{Deserialize, Serialize};

/// What `/register` posts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationForm {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub password: String,
    pub confirm_password: String,
    #[serde(default)]
    pub invite_code: String,
}

/// A registration form whose every field parsed.
#[derive(Debug, Clone)]
pub struct ValidRegistration {
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub email: Email,
    pub password: Password,
    pub invite_code: Option<String>,
}

impl RegistrationForm {
    /// Every field's problem at once, each named by its field; the typed values (never the
    /// passwords) go back with them so a form posted without JavaScript keeps them.
    pub fn validate(&self) -> Result<ValidRegistration, AppError> {
        let mut errors = FieldErrors::default();
        let first_name = errors.check("first_name", PersonName::parse(&self.first_name));
        let last_name = errors.check("last_name", PersonName::parse(&self.last_name));
        let email = errors.check("email", Email::parse(&self.email));
        let email_text = email.as_ref().map(|e| e.as_str()).unwrap_or_default();
        let password = errors.check("password", Password::parse(&self.password, email_text));
        if password.is_some() && self.password != self.confirm_password {
            errors.note("confirm_password", super::password::PASSWORDS_DIFFER);
        }
        let code = self.invite_code.trim();
        if code.chars().count() > 100 {
            errors.note(
                "invite_code",
                "This invite code is not valid. Check it, or leave the field empty.",
            );
        }
        match (first_name, last_name, email, password) {
            (Some(first_name), Some(last_name), Some(email), Some(password))
                if errors.is_empty() =>
            {
                Ok(ValidRegistration {
                    first_name,
                    last_name,
                    email,
                    password,
                    invite_code: (!code.is_empty()).then(|| code.to_owned()),
                })
            }
            _ => Err(self.echo(errors.into_error())),
        }
    }

    /// Attaches what was typed (not the passwords) to a validation error.
    pub fn echo(&self, error: AppError) -> AppError {
        match error {
            AppError::Validation { errors, .. } => AppError::Validation {
                errors,
                values: vec![
                    ("first_name".into(), self.first_name.clone()),
                    ("last_name".into(), self.last_name.clone()),
                    ("email".into(), self.email.clone()),
                    ("invite_code".into(), self.invite_code.clone()),
                ],
            },
            other => other,
        }
    }
}

/// The signed-in person's own account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub role: String,
    /// None for admins, who belong to no organization.
    pub organization: Option<String>,
    pub teams: Vec<String>,
}

/// A self-registered consumer waiting for a decision, or declined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registrant {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub rejected: bool,
    pub created_at: i64,
}

/// The registration settings (Settings > General).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationSettings {
    pub allow_registration: bool,
    pub auto_approve: bool,
    /// "Enable API consumers to register organizations" (SPEC §8.3).
    pub organization_requests: bool,
    /// "Auto-approve API consumers registering organization".
    pub auto_approve_organizations: bool,
}

impl Default for RegistrationSettings {
    fn default() -> Self {
        Self {
            allow_registration: true,
            auto_approve: false,
            organization_requests: false,
            auto_approve_organizations: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> RegistrationForm {
        RegistrationForm {
            first_name: "Grace".into(),
            last_name: "Hopper".into(),
            email: "grace@example.com".into(),
            password: "a long enough password".into(),
            confirm_password: "a long enough password".into(),
            invite_code: String::new(),
        }
    }

    #[test]
    fn a_complete_form_is_valid_and_an_empty_code_is_none() {
        let valid = form().validate().expect("valid");
        assert_eq!(valid.email.as_str(), "grace@example.com");
        assert!(valid.invite_code.is_none());
        let with_code = RegistrationForm {
            invite_code: "  abc  ".into(),
            ..form()
        };
        assert_eq!(
            with_code.validate().expect("valid").invite_code.as_deref(),
            Some("abc")
        );
    }

    #[test]
    fn every_bad_field_is_named_and_values_come_back_without_passwords() {
        let bad = RegistrationForm {
            first_name: " ".into(),
            last_name: "x".repeat(101),
            email: "not an email".into(),
            password: "short".into(),
            confirm_password: "other".into(),
            invite_code: String::new(),
        };
        let err = bad.validate().expect_err("invalid");
        for field in ["first_name", "last_name", "email", "password"] {
            assert!(err.field_message(field).is_some(), "{field}: {err:?}");
        }
        assert_eq!(err.echoed("email").as_deref(), Some("not an email"));
        assert_eq!(err.echoed("password"), None);
    }

    #[test]
    fn a_mismatched_confirmation_is_its_own_error() {
        let bad = RegistrationForm {
            confirm_password: "a different long password".into(),
            ..form()
        };
        let err = bad.validate().expect_err("invalid");
        assert!(err.field_message("confirm_password").is_some());
        assert!(err.field_message("password").is_none());
    }
}

/// Whether an account may be used at all: an admin's "Activate" and "Deactivate".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountStatus {
    Active,
    Inactive,
}

impl AccountStatus {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "active" => Some(Self::Active),
            "inactive" => Some(Self::Inactive),
            _ => None,
        }
    }
}

/// Where an account stands with the admins: approved (every account an admin made, and
/// registrations approved by hand, by auto-approval or by an invite code), or a registration
/// awaiting a decision or declined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    Approved,
    Pending,
    Rejected,
}

impl Approval {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "approved" => Some(Self::Approved),
            "pending" => Some(Self::Pending),
            "rejected" => Some(Self::Rejected),
            _ => None,
        }
    }
}

/// The one answer for every failed sign-in, so it does not tell whether the email is registered.
pub const WRONG_CREDENTIALS: &str = "Wrong email or password.";
