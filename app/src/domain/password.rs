//! The password policy of SPEC §5: 12 to 128 characters, not the account's email, and (checked on
//! the server, which ships the list) not one of the 30,000 most common passwords.

use std::fmt;

/// A password that meets the policy. Its `Debug` never shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("Use at least 12 characters.")]
    TooShort,
    #[error("Use at most 128 characters.")]
    TooLong,
    #[error("The password cannot be your email address.")]
    EqualsEmail,
    #[error(
        "This password is one of the most common passwords, which attackers try first. Choose another."
    )]
    Common,
}

/// The shipped list of common passwords, lower case, read once.
#[cfg(feature = "ssr")]
fn common_passwords() -> &'static std::collections::HashSet<&'static str> {
    static LIST: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
        std::sync::LazyLock::new(|| {
            include_str!("data/common_passwords.txt")
                .lines()
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .collect()
        });
    &LIST
}

/// Whether `input`, in lower case and with or without its spaces, is on the list of common
/// passwords (always false in the browser, which does not download the list).
fn is_common(input: &str) -> bool {
    #[cfg(feature = "ssr")]
    {
        let lower = input.to_lowercase();
        let joined: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
        let list = common_passwords();
        list.contains(lower.as_str()) || list.contains(joined.as_str())
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = input;
        false
    }
}

impl Password {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 128;

    /// Checks `input` against the policy for the account whose email is `email`.
    pub fn parse(input: &str, email: &str) -> Result<Self, PasswordError> {
        let chars = input.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(PasswordError::TooShort);
        }
        if chars > Self::MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        if input.trim().eq_ignore_ascii_case(email.trim()) {
            return Err(PasswordError::EqualsEmail);
        }
        if is_common(input) {
            return Err(PasswordError::Common);
        }
        Ok(Self(input.to_owned()))
    }

    /// A new password typed twice, in the form fields `field` and `confirm_<field>`: the policy
    /// first, then the match, each problem reported under its own field.
    pub fn parse_confirmed(
        input: &str,
        confirmation: &str,
        email: &str,
        field: &str,
    ) -> Result<Self, crate::error::AppError> {
        use crate::error::AppError;
        let password =
            Self::parse(input, email).map_err(|e| AppError::validation(field, e.to_string()))?;
        if password.expose() != confirmation {
            let confirm_field = format!("confirm_{field}");
            return Err(AppError::validation(&confirm_field, PASSWORDS_DIFFER));
        }
        Ok(password)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// What a form says when the confirmation is not the password typed above it.
pub const PASSWORDS_DIFFER: &str = "The passwords do not match.";

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enforces_length_and_email_rules() {
        assert_eq!(
            Password::parse("short", "a@b.co"),
            Err(PasswordError::TooShort)
        );
        assert_eq!(
            Password::parse(&"x".repeat(129), "a@b.co"),
            Err(PasswordError::TooLong)
        );
        assert_eq!(
            Password::parse("Someone@Example.com", "someone@example.com"),
            Err(PasswordError::EqualsEmail)
        );
        assert!(Password::parse("correct horse battery", "a@b.co").is_ok());
    }

    /// The list ships with the server only.
    #[cfg(feature = "ssr")]
    #[test]
    fn refuses_common_passwords_whatever_their_case_and_spaces() {
        assert!(common_passwords().len() >= 10_000);
        for common in ["1qaz2wsx3edc", "QAZWSXEDCRFV", "1q2w 3e4r 5t6y"] {
            assert_eq!(
                Password::parse(common, "a@b.co"),
                Err(PasswordError::Common),
                "{common}"
            );
        }
        assert!(Password::parse(&"é".repeat(12), "a@b.co").is_ok());
    }

    #[test]
    fn debug_hides_the_value() {
        let p = Password::parse("correct horse battery", "a@b.co").expect("valid");
        assert!(!format!("{p:?}").contains("horse"));
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn an_accepted_password_meets_every_rule(input in ".{0,140}", email in "[a-z]{1,8}@example\\.com") {
            if let Ok(password) = Password::parse(&input, &email) {
                let chars = password.expose().chars().count();
                prop_assert!((Password::MIN_CHARS..=Password::MAX_CHARS).contains(&chars));
                prop_assert!(!password.expose().trim().eq_ignore_ascii_case(&email));
                prop_assert!(!is_common(password.expose()));
            }
        }
    }
}
