//! Keyset cursors: any text decodes or is no cursor, and a decoded cursor re-encodes to keys
//! that decode the same.
#![no_main]
use app::domain::cursor::{decode, encode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Some(keys) = decode(input) {
        assert_eq!(decode(&encode(&keys)), Some(keys));
    }
});
