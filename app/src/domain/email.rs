//! An email address as Portico accepts it: trimmed, lower-cased, at most 254 characters. On the
//! server it is also put in one canonical form (Unicode NFKC, the domain in its ASCII "xn--"
//! form), so look-alike spellings of one address (full-width letters, composed and decomposed
//! accents, a Unicode domain and its punycode) are one account.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A syntactically valid, lower-cased email address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("Enter an email address.")]
    Empty,
    #[error("An email address can be at most 254 characters long.")]
    TooLong,
    #[error("Enter a valid email address, like name@example.com.")]
    Invalid,
}

impl Email {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let normalized = fold(input.trim());
        let value = normalized.trim();
        if value.is_empty() {
            return Err(EmailError::Empty);
        }
        if value.chars().count() > 254 {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = value.rsplit_once('@').ok_or(EmailError::Invalid)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && !local.contains('@');
        let domain_ok = domain.len() >= 3
            && domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        let chars_ok = value.chars().all(|c| {
            !c.is_whitespace()
                && !c.is_control()
                && !matches!(
                    c,
                    '<' | '>' | '"' | ',' | ';' | '(' | ')' | '[' | ']' | '\\'
                )
        });
        if !(local_ok && domain_ok && chars_ok) {
            return Err(EmailError::Invalid);
        }
        let canonical = format!("{local}@{}", ascii_domain(domain)?);
        if canonical.chars().count() > 254 {
            return Err(EmailError::TooLong);
        }
        Ok(Self(canonical))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Lower case, and on the server Unicode NFKC too (the browser leaves that to the server). Twice,
/// since either step can undo the other (NFKC maps some letters to capitals, lower-casing some
/// to sequences NFKC recomposes); the result is then one form that folds to itself.
fn fold(input: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        use unicode_normalization::UnicodeNormalization as _;
        let once: String = input.nfkc().collect::<String>().to_lowercase();
        once.nfkc().collect::<String>().to_lowercase()
    }
    #[cfg(not(feature = "ssr"))]
    {
        input.to_lowercase()
    }
}

/// The domain in lower case, and on the server in its ASCII form (IDNA/UTS 46: "xn--" labels).
fn ascii_domain(domain: &str) -> Result<String, EmailError> {
    #[cfg(feature = "ssr")]
    {
        let ascii = idna::domain_to_ascii(domain).map_err(|_| EmailError::Invalid)?;
        // The ASCII form is what DNS sees: its labels, not the Unicode ones, must fit 63 bytes
        // (an "xn--" label can outgrow a short Unicode one; found by the `email` fuzz target).
        if ascii.len() > 253 || ascii.split('.').any(|l| l.is_empty() || l.len() > 63) {
            return Err(EmailError::Invalid);
        }
        Ok(ascii)
    }
    #[cfg(not(feature = "ssr"))]
    {
        Ok(domain.to_lowercase())
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses_and_lowercases_them() {
        assert_eq!(
            Email::parse("  Ada.Lovelace+api@Example.COM ").map(|e| e.0),
            Ok("ada.lovelace+api@example.com".to_owned())
        );
    }

    #[test]
    fn refuses_what_is_not_an_address() {
        for bad in [
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "ada@@example.com",
            "ada@exa_mple.com",
            "<a>@example.com",
            "ada@example..com",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError::Invalid), "{bad}");
        }
        assert_eq!(Email::parse("   "), Err(EmailError::Empty));
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
    }

    /// The canonical form is the server's (the browser does not download Unicode's tables).
    #[cfg(feature = "ssr")]
    #[test]
    fn look_alike_forms_of_one_address_are_one_address() {
        let plain = Email::parse("ceo@partner.example").expect("plain");
        for same in [
            "ＣＥＯ@partner.example",
            "ceo@ｐａｒｔｎｅｒ.example",
            "ceo＠partner.example",
            "CEO@PARTNER.EXAMPLE",
        ] {
            assert_eq!(Email::parse(same).as_ref(), Ok(&plain), "{same}");
        }
        // A Unicode domain and its punycode; composed and decomposed accents.
        assert_eq!(
            Email::parse("ana@bücher.example"),
            Email::parse("ana@xn--bcher-kva.example")
        );
        assert_eq!(
            Email::parse("ana@bücher.example").map(|e| e.0),
            Ok("ana@xn--bcher-kva.example".to_owned())
        );
        assert_eq!(
            Email::parse("jose\u{301}@example.com"),
            Email::parse("jos\u{e9}@example.com")
        );
        // A Unicode label whose punycode form is longer than DNS allows.
        let long_label = format!("{}\u{53f}{}", "f".repeat(30), "r".repeat(30));
        assert_eq!(
            Email::parse(&format!("a@z.{long_label}")),
            Err(EmailError::Invalid)
        );
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn parsing_never_panics_and_a_parsed_address_parses_to_itself(input in ".{0,300}") {
            if let Ok(email) = Email::parse(&input) {
                prop_assert!(email.0.chars().count() <= 254);
                prop_assert!(email.0.contains('@'));
                prop_assert!(!email.0.chars().any(|c| c.is_whitespace() || c.is_control()));
                prop_assert_eq!(Email::parse(&email.0), Ok(email.clone()));
            }
        }

        #[test]
        fn ordinary_addresses_are_accepted_in_lower_case(
            local in "[A-Za-z0-9][A-Za-z0-9+_]{0,20}",
            domain in "[a-z][a-z0-9]{0,10}\\.[a-z]{2,6}",
        ) {
            let email = Email::parse(&format!("{local}@{domain}")).expect("valid");
            prop_assert_eq!(email.0, format!("{}@{domain}", local.to_lowercase()));
        }
    }
}
