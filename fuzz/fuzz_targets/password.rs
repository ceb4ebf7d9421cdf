//! The password policy never panics, and what it accepts meets every rule.
#![no_main]
use app::domain::Password;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Ok(password) = Password::parse(input, "owner@example.com") {
        let chars = password.expose().chars().count();
        assert!((Password::MIN_CHARS..=Password::MAX_CHARS).contains(&chars));
        assert!(!password.expose().trim().eq_ignore_ascii_case("owner@example.com"));
    }
});
