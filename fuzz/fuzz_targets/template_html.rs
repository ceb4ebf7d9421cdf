//! The email-template HTML scan never panics, on any input.
#![no_main]
use app::domain::email_template::misplaced_variable;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let _ = misplaced_variable(input);
});
