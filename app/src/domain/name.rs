//! A person's first or last name: trimmed, 1 to 100 characters, no control characters.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("This field is required.")]
    Empty,
    #[error("Use at most 100 characters.")]
    TooLong,
    #[error("Use letters, spaces and punctuation only.")]
    ControlCharacters,
    #[error(
        "Use at most 90 characters: the organization's default team is named \"<name> All users\"."
    )]
    OrganizationTooLong,
}

impl PersonName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(input: &str) -> Result<Self, NameError> {
        let value = input.trim();
        if value.is_empty() {
            return Err(NameError::Empty);
        }
        if value.chars().count() > Self::MAX_CHARS {
            return Err(NameError::TooLong);
        }
        if value.chars().any(char::is_control) {
            return Err(NameError::ControlCharacters);
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_bounds_names() {
        assert_eq!(
            PersonName::parse("  Ada ").map(|n| n.0),
            Ok("Ada".to_owned())
        );
        assert_eq!(PersonName::parse("   "), Err(NameError::Empty));
        assert_eq!(PersonName::parse(&"a".repeat(101)), Err(NameError::TooLong));
        assert!(PersonName::parse(&"é".repeat(100)).is_ok());
        assert_eq!(
            PersonName::parse("Ada\u{0}"),
            Err(NameError::ControlCharacters)
        );
        assert!(GroupName::parse_organization(&"o".repeat(90)).is_ok());
        assert_eq!(
            GroupName::parse_organization(&"o".repeat(91)),
            Err(NameError::OrganizationTooLong)
        );
        assert_eq!(
            GroupName::parse(&"o".repeat(90)).map(|n| n.default_team_name().chars().count()),
            Ok(100)
        );
        assert_eq!(
            PersonName::parse("<script>alert(1)</script>").map(|n| n.0),
            Ok("<script>alert(1)</script>".to_owned())
        );
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_parsed_name_is_trimmed_bounded_clean_and_parses_to_itself(input in ".{0,120}") {
            if let Ok(name) = PersonName::parse(&input) {
                let n = name.as_str();
                prop_assert_eq!(n, n.trim());
                prop_assert!((1..=PersonName::MAX_CHARS).contains(&n.chars().count()));
                prop_assert!(!n.chars().any(char::is_control));
                prop_assert_eq!(PersonName::parse(n), Ok(name.clone()));
            }
        }

        #[test]
        fn an_organization_name_always_leaves_room_for_its_default_team(input in ".{0,120}") {
            if let Ok(name) = GroupName::parse_organization(&input) {
                prop_assert!(GroupName::parse(&name.default_team_name()).is_ok());
            }
        }
    }
}

/// An organization's or team's name: trimmed, 1 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupName(String);

/// What the default team's name adds to its organization's name.
pub const DEFAULT_TEAM_SUFFIX: &str = " All users";

impl GroupName {
    pub fn parse(input: &str) -> Result<Self, NameError> {
        PersonName::parse(input).map(|n| Self(n.0))
    }

    /// An organization's name: a group name short enough that its default team's name,
    /// "<name> All users", fits the team limit of 100 characters.
    pub fn parse_organization(input: &str) -> Result<Self, NameError> {
        let name = Self::parse(input)?;
        if name.0.chars().count() + DEFAULT_TEAM_SUFFIX.chars().count() > PersonName::MAX_CHARS {
            return Err(NameError::OrganizationTooLong);
        }
        Ok(name)
    }

    /// The name of this organization's default team.
    pub fn default_team_name(&self) -> String {
        format!("{}{DEFAULT_TEAM_SUFFIX}", self.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
