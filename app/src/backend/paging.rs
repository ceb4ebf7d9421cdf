//! Keyset pages for lists an API client walks with an opaque cursor: the cursor carries the sort
//! keys of the last row shown, and the next page starts after them, so rows added or removed
//! meanwhile never shift a page (no duplicates, no gaps among the rows that stay).

use crate::domain::cursor;
use crate::error::AppError;

/// A page of a list and the cursor of the next one (`None` on the last).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// The sort keys a cursor carries (`None` for "" , the first page); one Portico did not make,
/// or that does not have `keys` keys, is a `BadRequest`.
pub fn after(text: &str, keys: usize) -> Result<Option<Vec<String>>, AppError> {
    if text.is_empty() {
        return Ok(None);
    }
    match cursor::decode(text) {
        Some(values) if values.len() == keys => Ok(Some(values)),
        _ => Err(not_a_cursor()),
    }
}

/// The `(time, id)` a newest-first list's cursor carries (`None` for "", the first page).
pub fn after_newest(text: &str) -> Result<Option<(i64, String)>, AppError> {
    match after(text, 2)? {
        Some(keys) => {
            let at = keys[0].parse::<i64>().map_err(|_| not_a_cursor())?;
            Ok(Some((at, keys[1].clone())))
        }
        None => Ok(None),
    }
}

fn not_a_cursor() -> AppError {
    AppError::BadRequest {
        message: "The cursor is not one this list gave.".to_owned(),
    }
}

/// The page of `limit` rows from `rows` (read with a limit of `limit + 1`, each row with its
/// sort keys): a next cursor only when there was one more row.
pub fn page<T>(mut rows: Vec<(T, Vec<String>)>, limit: i64) -> Page<T> {
    let limit = usize::try_from(limit).unwrap_or(0);
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_cursor = more
        .then(|| rows.last())
        .flatten()
        .map(|(_, keys)| cursor::encode(keys));
    Page {
        items: rows.into_iter().map(|(row, _)| row).collect(),
        next_cursor,
    }
}
