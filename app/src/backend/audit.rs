//! Reading the audit log (SPEC §11 "audit log (read)"), page by page with an opaque cursor.

use super::AppState;
use super::paging::{Page, after_newest, page};
use crate::domain::audit::{AuditEntry, AuditFilter};
use crate::error::AppError;

/// A page of `limit` entries matching `filter`, newest first, after `cursor` (empty: the first
/// page). A cursor Portico did not make is a `BadRequest`.
pub async fn entries(
    state: &AppState,
    filter: &AuditFilter,
    cursor: &str,
    limit: i64,
) -> Result<Page<AuditEntry>, AppError> {
    let after = after_newest(cursor)?;
    let rows = state
        .store
        .audit_entries(
            filter,
            after.as_ref().map(|(at, id)| (*at, id.as_str())),
            limit + 1,
        )
        .await?
        .into_iter()
        .map(|entry| {
            let keys = vec![entry.at.to_string(), entry.id.clone()];
            (entry, keys)
        })
        .collect();
    Ok(page(rows, limit))
}
