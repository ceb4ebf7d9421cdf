//! Types shared by the browser and the server; each parses once, so an invalid value cannot exist.

pub mod account;
pub mod admin;
pub mod api_token;
pub mod apps;
pub mod audit;
pub mod catalog;
pub mod colleague;
pub mod cursor;
pub mod documentation;
mod email;
pub mod email_template;
pub mod home;
pub mod invite_code;
mod name;
pub mod organization;
pub mod organization_request;
pub mod outbox;
mod password;
pub mod security;
pub mod team;
pub mod user;

pub use email::{Email, EmailError};
pub use name::{GroupName, NameError, PersonName};
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

/// A local path to go to after signing in, as the path, query and fragment of a URL on the portal
/// itself; anything that could lead elsewhere becomes `None`. The target is parsed as a URL
/// relative to `public_url` and must keep its origin. Before that, what browsers read
/// differently from a URL parser is refused outright: whitespace and control characters (a
/// browser drops TAB, CR and LF inside a URL, so `/\t/evil.example` becomes `//evil.example`) and
/// backslashes (read as `/`).
pub fn safe_next_path(next: &str, public_url: &url::Url) -> Option<String> {
    if !next.starts_with('/')
        || next.starts_with("//")
        || next
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return None;
    }
    let target = public_url.join(next).ok()?;
    if target.origin() != public_url.origin() || !target.username().is_empty() {
        return None;
    }
    let mut path = target.path().to_owned();
    if let Some(query) = target.query() {
        path.push('?');
        path.push_str(query);
    }
    if let Some(fragment) = target.fragment() {
        path.push('#');
        path.push_str(fragment);
    }
    // A path on the portal that a browser could still read as another host is not a path.
    (path.starts_with('/') && !path.starts_with("//")).then_some(path)
}

/// A Unix-milliseconds time as "2026-11-29 18:23 UTC", the same in the browser and in emails.
pub fn format_time(millis: i64) -> String {
    let secs = millis.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

#[cfg(test)]
mod next_path_tests {
    use super::safe_next_path;

    fn base() -> url::Url {
        url::Url::parse("https://portal.example.com/").expect("url")
    }

    #[test]
    fn local_paths_pass_and_every_known_bypass_is_refused() {
        for ok in [
            "/admin/users?status=invited",
            "/account",
            "/catalog#top",
            "/a%2Fb",
        ] {
            assert_eq!(safe_next_path(ok, &base()).as_deref(), Some(ok), "{ok}");
        }
        assert_eq!(safe_next_path("/a/../b", &base()).as_deref(), Some("/b"));
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\t\t/evil.example",
            "/\r\n/evil.example",
            "/\n/evil.example",
            "/\\evil.example",
            "\\/evil.example",
            "/\\/evil.example",
            "https:evil.example",
            "https://evil.example",
            "http:/evil.example",
            "//user@evil.example",
            "/@evil.example/../..//evil.example",
            "javascript:alert(1)",
            " /admin",
            "/admin\u{0}",
            "/\u{3000}/evil.example",
            "",
            "evil.example",
        ] {
            let got = safe_next_path(bad, &base());
            assert!(got.is_none(), "{bad:?} should be refused, gave {got:?}");
        }
    }

    use proptest::prelude::*;

    /// Pieces the known bypasses are made of, so generated targets come near the edges.
    fn tricky() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("/".to_owned()),
                Just("\\".to_owned()),
                Just("\t".to_owned()),
                Just("\r".to_owned()),
                Just("\n".to_owned()),
                Just("@".to_owned()),
                Just(":".to_owned()),
                Just("..".to_owned()),
                Just("%09".to_owned()),
                Just("%2f".to_owned()),
                Just("%5c".to_owned()),
                Just("https:".to_owned()),
                Just("evil.example".to_owned()),
                Just("?".to_owned()),
                Just("#".to_owned()),
                ".{0,3}",
            ],
            0..8,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #[test]
        fn whatever_is_accepted_stays_on_the_portal(next in prop_oneof![tricky(), ".{0,40}"]) {
            if let Some(path) = safe_next_path(&next, &base()) {
                prop_assert!(path.starts_with('/') && !path.starts_with("//"));
                prop_assert!(!path.chars().any(|c| c.is_whitespace() || c.is_control() || c == '\\'));
                let target = base().join(&path).expect("joins");
                prop_assert_eq!(target.origin(), base().origin());
                // What the browser is sent is a fixed point: accepted as it is.
                prop_assert_eq!(safe_next_path(&path, &base()), Some(path.clone()));
            }
        }
    }
}

#[cfg(test)]
mod time_tests {
    #[test]
    fn formats_times_in_utc() {
        assert_eq!(super::format_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(
            super::format_time(1_795_890_240_000),
            "2026-11-28 18:24 UTC"
        );
        assert_eq!(super::format_time(951_782_400_000), "2000-02-29 00:00 UTC");
    }
}
