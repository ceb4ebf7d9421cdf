//! "My dashboard > Users": the people a consumer shares a team with (SPEC §8.1), and what their
//! consumer admin changes of them (SPEC §8.2).

use super::Role;
use super::name::PersonName;
use super::user::{Choice, UserStatus};
use crate::error::{AppError, FieldErrors};
use serde::{Deserialize, Serialize};

/// One person on the list: what the viewer may know of someone in a team with them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Colleague {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub role: Role,
    /// The teams they share with the viewer (not their other teams).
    pub teams: Vec<String>,
    pub status: UserStatus,
}

/// The list as the viewer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Colleagues {
    /// The viewer's organization; `None` in the default organization, which is not a company, so
    /// nobody is listed there.
    pub organization: Option<String>,
    /// Whether the viewer is a consumer admin (who will manage these people, SPEC §8.2).
    pub viewer_is_admin: bool,
    /// The viewer's own teams: those a consumer admin invites into.
    pub viewer_teams: Vec<Choice>,
    pub people: Vec<Colleague>,
    /// More people matched than the list shows: a search narrows it.
    pub more: bool,
}

/// At most this many people are listed at once.
pub const LIMIT: usize = 200;

/// One of the consumer admin's own teams, and whether the person is in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMembership {
    pub id: String,
    pub name: String,
    pub member: bool,
}

/// A person as their consumer admin manages them ("Edit", SPEC §8.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColleagueDetail {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub role: Role,
    pub status: UserStatus,
    /// Whether they set a password; without one they can be (re-)invited.
    pub has_password: bool,
    /// Whether an invitation link is live now ("Revoke invite").
    pub invitation_pending: bool,
    /// The admin's own teams with the person's membership of each; their other teams are not
    /// shown and an edit leaves them as they are.
    pub teams: Vec<TeamMembership>,
    /// Whether the person is the viewing admin.
    pub is_viewer: bool,
}

/// The "Edit" form of a consumer admin as posted: names, role, and teams among the admin's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColleagueForm {
    pub first_name: String,
    pub last_name: String,
    pub role: String,
    #[serde(default)]
    pub team_ids: Vec<String>,
}

/// A consumer admin's edit that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColleagueEdit {
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub role: Role,
    pub team_ids: Vec<String>,
}

impl ColleagueForm {
    /// The same checks as the admin's user form for the fields a consumer admin may change.
    pub fn validate(&self) -> Result<ColleagueEdit, AppError> {
        let mut errors = FieldErrors::default();
        let first_name = errors.check("first_name", PersonName::parse(&self.first_name));
        let last_name = errors.check("last_name", PersonName::parse(&self.last_name));
        let role = match self.role.as_str() {
            "consumer-team-member" => Some(Role::ConsumerTeamMember),
            "consumer-admin" => Some(Role::ConsumerAdmin),
            _ => {
                errors.note("role", "Choose a role.");
                None
            }
        };
        let mut team_ids: Vec<String> = self
            .team_ids
            .iter()
            .filter(|t| !t.is_empty())
            .cloned()
            .collect();
        team_ids.sort();
        team_ids.dedup();
        match (first_name, last_name, role) {
            (Some(first_name), Some(last_name), Some(role)) if errors.is_empty() => {
                Ok(ColleagueEdit {
                    first_name,
                    last_name,
                    role,
                    team_ids,
                })
            }
            _ => Err(errors.into_error()),
        }
    }
}

/// Refused: a team the consumer admin is not in.
pub const NOT_OWN_TEAMS: &str = "Choose among your own teams.";

/// Refused: demoting or removing the organization's last consumer admin.
pub const LAST_CONSUMER_ADMIN: &str =
    "Your organization needs at least one consumer admin: make someone else consumer admin first.";

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ColleagueForm {
        ColleagueForm {
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            role: "consumer-team-member".into(),
            team_ids: vec!["b".into(), "".into(), "a".into(), "b".into()],
        }
    }

    #[test]
    fn a_valid_edit_keeps_each_chosen_team_once() {
        let edit = form().validate().expect("valid");
        assert_eq!(edit.team_ids, ["a", "b"]);
        assert_eq!(edit.role, Role::ConsumerTeamMember);
    }

    #[test]
    fn every_bad_field_is_reported_and_no_admin_role_is_taken() {
        let bad = ColleagueForm {
            first_name: " ".into(),
            last_name: "x".repeat(101),
            role: "super-admin".into(),
            team_ids: vec![],
        };
        let AppError::Validation { errors, .. } = bad.validate().expect_err("invalid") else {
            panic!("not a validation error");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["first_name", "last_name", "role"]);
    }
}
