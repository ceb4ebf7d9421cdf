//! The password policy of SPEC §5: 12 to 128 characters, not the account's email.

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
        Ok(Self(input.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

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
        assert!(Password::parse(&"é".repeat(12), "a@b.co").is_ok());
    }

    #[test]
    fn debug_hides_the_value() {
        let p = Password::parse("correct horse battery", "a@b.co").expect("valid");
        assert!(!format!("{p:?}").contains("horse"));
    }
}
