//! Email::parse never panics, and what it accepts is canonical: it parses to itself.
#![no_main]
use app::domain::Email;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Ok(email) = Email::parse(input) {
        assert!(email.as_str().chars().count() <= 254);
        assert!(email.as_str().contains('@'));
        assert_eq!(Email::parse(email.as_str()).as_ref(), Ok(&email));
    }
});
