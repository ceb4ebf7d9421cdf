//! The path after sign-in: whatever is accepted stays on the portal and is a fixed point.
#![no_main]
use app::domain::safe_next_path;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let base = url::Url::parse("https://portal.example.com/").expect("base");
    if let Some(path) = safe_next_path(input, &base) {
        assert!(path.starts_with('/') && !path.starts_with("//"), "{path:?}");
        assert!(!path.chars().any(|c| c.is_whitespace() || c.is_control() || c == '\\'));
        let target = base.join(&path).expect("joins");
        assert_eq!(target.origin(), base.origin(), "{input:?} -> {path:?}");
        assert_eq!(safe_next_path(&path, &base).as_deref(), Some(path.as_str()));
    }
});
