//! Reading the audit log (SPEC §11 "audit log (read)"), page by page with an opaque cursor.

use super::AppState;
use crate::domain::audit::{AuditFilter, AuditPage};
use crate::domain::cursor;
use crate::error::AppError;

/// A page of `limit` entries matching `filter`, newest first, after `cursor` (empty: the first
/// page). A cursor Portico did not make is a `BadRequest`.
pub async fn page(
    state: &AppState,
    filter: &AuditFilter,
    cursor: &str,
    limit: i64,
) -> Result<AuditPage, AppError> {
    let after = match cursor {
        "" => None,
        text => match cursor::decode(text).as_deref() {
            Some([at, id]) => Some((at.parse::<i64>().map_err(|_| bad_cursor())?, id.clone())),
            _ => return Err(bad_cursor()),
        },
    };
    let mut entries = state
        .store
        .audit_entries(
            filter,
            after.as_ref().map(|(at, id)| (*at, id.as_str())),
            limit + 1,
        )
        .await?;
    let more = entries.len() as i64 > limit;
    entries.truncate(limit.max(0) as usize);
    let next_cursor = more
        .then(|| entries.last())
        .flatten()
        .map(|last| cursor::encode(&[last.at.to_string(), last.id.clone()]));
    Ok(AuditPage {
        entries,
        next_cursor,
    })
}

fn bad_cursor() -> AppError {
    AppError::BadRequest {
        message: "The cursor is not one this list gave.".to_owned(),
    }
}
