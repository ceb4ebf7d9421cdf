//! The opaque keyset cursor of a list page: the sort keys of the last row shown, as JSON,
//! base64url. Opaque to clients; anything that does not decode is no cursor at all.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Longest cursor read: a page's sort keys are a few short strings.
pub const MAX_CURSOR_CHARS: usize = 4096;

/// The cursor for a row with these sort keys.
pub fn encode(values: &[String]) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(values).unwrap_or_default())
}

/// The sort keys a cursor carries; `None` when it is not one Portico made.
pub fn decode(cursor: &str) -> Option<Vec<String>> {
    if cursor.len() > MAX_CURSOR_CHARS {
        return None;
    }
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn every_cursor_decodes_to_the_keys_it_was_made_from(keys in proptest::collection::vec(".*", 0..4)) {
            prop_assert_eq!(decode(&encode(&keys)), Some(keys));
        }

        #[test]
        fn any_text_decodes_or_is_no_cursor_without_panicking(text in ".*") {
            let _ = decode(&text);
        }
    }
}
