//! Types shared by the browser and the server; each parses once, so an invalid value cannot exist.

mod email;
mod password;

pub use email::{Email, EmailError};
pub use password::{Password, PasswordError};

use serde::{Deserialize, Serialize};

/// What a person is in Portico: an admin of the API provider, or an API consumer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    SuperAdmin,
    ProviderAdmin,
    ConsumerAdmin,
    ConsumerTeamMember,
}

impl Role {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "super-admin" => Some(Self::SuperAdmin),
            "provider-admin" => Some(Self::ProviderAdmin),
            "consumer-admin" => Some(Self::ConsumerAdmin),
            "consumer-team-member" => Some(Self::ConsumerTeamMember),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SuperAdmin => "super-admin",
            Self::ProviderAdmin => "provider-admin",
            Self::ConsumerAdmin => "consumer-admin",
            Self::ConsumerTeamMember => "consumer-team-member",
        }
    }

    pub fn is_admin(self) -> bool {
        matches!(self, Self::SuperAdmin | Self::ProviderAdmin)
    }
}

/// The signed-in person, as the browser may know them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: Role,
    pub must_change_password: bool,
}

/// A local path to go to after signing in; anything else (another site, `//host`) becomes `None`.
pub fn safe_next_path(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.contains(['\r', '\n']);
    ok.then_some(next)
}
