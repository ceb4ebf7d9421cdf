//! API tokens (SPEC §11): an admin's key to the REST API, "Read only" or "Read and write", with
//! an expiry; shown once, stored hashed.

use crate::domain::GroupName;
use crate::error::{AppError, FieldErrors};
use serde::{Deserialize, Serialize};

/// Every API token starts with this, so a leaked one is recognizable (and told from an API key).
pub const API_TOKEN_PREFIX: &str = "pta_";

/// The expiries "Add API token" offers, in days (0: never), the first being the default.
pub const EXPIRY_DAYS: [i64; 5] = [90, 30, 7, 365, 0];

/// What a token may do: read only, or read and write. Never more than its admin may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenAccess {
    Read,
    Write,
}

impl TokenAccess {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "read" => Some(Self::Read),
            "write" => Some(Self::Write),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
        }
    }

    /// The label the settings page shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::Read => "Read only",
            Self::Write => "Read and write",
        }
    }
}

/// What "Add API token" posts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenForm {
    pub name: String,
    pub access: String,
    /// Days until it expires, one of [`EXPIRY_DAYS`] ("0": never).
    pub expires_in_days: String,
}

/// An API token form that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidApiToken {
    pub name: String,
    pub access: TokenAccess,
    /// `None`: never expires.
    pub expires_in_days: Option<i64>,
}

impl ApiTokenForm {
    pub fn validate(&self) -> Result<ValidApiToken, AppError> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", GroupName::parse(&self.name));
        let access = TokenAccess::parse(&self.access);
        if access.is_none() {
            errors.note("access", "Choose \"Read only\" or \"Read and write\".");
        }
        let days = self
            .expires_in_days
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|d| EXPIRY_DAYS.contains(d));
        if days.is_none() {
            errors.note("expires_in_days", "Choose one of the offered expiries.");
        }
        match (name, access, days) {
            (Some(name), Some(access), Some(days)) if errors.is_empty() => Ok(ValidApiToken {
                name: name.as_str().to_owned(),
                access,
                expires_in_days: Some(days).filter(|d| *d > 0),
            }),
            _ => Err(errors.into_error()),
        }
    }
}

/// A token in Settings > API tokens (its value is shown once, at creation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenRow {
    pub id: String,
    pub name: String,
    /// The admin it acts as.
    pub admin_email: String,
    pub access: TokenAccess,
    pub prefix: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    /// Whether its expiry has passed.
    pub expired: bool,
}

/// Settings > API tokens: the viewer's tokens (a super admin's: everyone's), and one just added
/// by a form posted without JavaScript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokensView {
    pub tokens: Vec<ApiTokenRow>,
    pub shown: Option<String>,
    /// Whether the list holds other admins' tokens too.
    pub everyone: bool,
}

/// A new API token, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiToken {
    pub id: String,
    pub token: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_form_reports_each_field_and_reads_never_as_no_expiry() {
        let bad = ApiTokenForm {
            name: " ".into(),
            access: "admin".into(),
            expires_in_days: "12".into(),
        };
        let Err(AppError::Validation { errors, .. }) = bad.validate() else {
            panic!("accepted a bad form");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "access", "expires_in_days"]);
        let good = ApiTokenForm {
            name: "CRM sync".into(),
            access: "read".into(),
            expires_in_days: "0".into(),
        }
        .validate()
        .expect("valid");
        assert_eq!(good.access, TokenAccess::Read);
        assert_eq!(good.expires_in_days, None);
    }
}
