//! Person, team and organization names: never a panic; accepted names are trimmed, bounded and
//! clean, and an organization's default team name always fits.
#![no_main]
use app::domain::{GroupName, PersonName};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Ok(name) = PersonName::parse(input) {
        let n = name.as_str();
        assert_eq!(n, n.trim());
        assert!((1..=PersonName::MAX_CHARS).contains(&n.chars().count()));
        assert!(!n.chars().any(char::is_control));
    }
    if let Ok(org) = GroupName::parse_organization(input) {
        assert!(GroupName::parse(&org.default_team_name()).is_ok());
    }
});
