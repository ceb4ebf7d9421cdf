//! Invite codes (SPEC §8): the rules for adding, editing, turning on and off and deleting them,
//! written once for the Invite codes page's server functions and the REST API.

use super::AppState;
use super::db::{By, NewInviteCode, QUOTA_BELOW_USED, StoreError};
use super::paging::{Page, after, page};
use super::self_service::new_invite_code;
use crate::domain::invite_code::{InviteCodeForm, InviteCodeRow};
use crate::error::{AppError, FieldMessage};

/// The newest codes first (at most 1,000).
pub async fn list(state: &AppState) -> Result<Vec<InviteCodeRow>, AppError> {
    Ok(state.store.list_invite_codes().await?)
}

/// A page of `limit` codes, newest first, after `cursor` (empty: the first page).
pub async fn page_after(
    state: &AppState,
    cursor: &str,
    limit: i64,
) -> Result<Page<InviteCodeRow>, AppError> {
    let after = after(cursor, 2)?;
    let rows = state
        .store
        .invite_code_page(after.as_deref(), limit + 1)
        .await?;
    Ok(page(rows, limit))
}

/// One code; `NotFound` when there is none with this id.
pub async fn code(state: &AppState, id: &str) -> Result<InviteCodeRow, AppError> {
    state.store.invite_code(id).await?.ok_or(AppError::NotFound)
}

/// Adds a code of 128 random bits for a team; answers its id and the code.
pub async fn create(
    state: &AppState,
    form: &InviteCodeForm,
    by: By<'_>,
) -> Result<(String, String), AppError> {
    let valid = form.validate(state.clock.now())?;
    let code = new_invite_code();
    let new = NewInviteCode {
        code: &code,
        team_id: &valid.team_id,
        quota: valid.quota,
        expires_at: valid.expires_at,
        active: valid.active,
    };
    match state.store.create_invite_code(&new, by).await {
        Ok(id) => Ok((id, code)),
        Err(StoreError::ForeignKey) => Err(AppError::validation("team_id", "Choose a team.")),
        Err(e) => Err(e.into()),
    }
}

/// "Edit": a code's quota, expiry date and whether it is active; its team stays, and the quota
/// is never below the accounts already made with it.
pub async fn update(
    state: &AppState,
    id: &str,
    form: &InviteCodeForm,
    by: By<'_>,
) -> Result<(), AppError> {
    // The team is not edited: any non-empty value passes the form's team check.
    let valid = InviteCodeForm {
        team_id: "kept".into(),
        ..form.clone()
    }
    .validate(state.clock.now())?;
    state
        .store
        .update_invite_code(id, (valid.quota, valid.expires_at, valid.active), by)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(QUOTA_BELOW_USED) => AppError::Validation {
                errors: vec![FieldMessage {
                    field: "quota".into(),
                    message: QUOTA_BELOW_USED.into(),
                }],
                values: vec![
                    ("quota".into(), form.quota.clone()),
                    ("expires_on".into(), form.expires_on.clone()),
                ],
            },
            other => other.into(),
        })
}

/// Turns a code on or off.
pub async fn set_active(
    state: &AppState,
    id: &str,
    active: bool,
    by: By<'_>,
) -> Result<(), AppError> {
    Ok(state.store.set_invite_code_active(id, active, by).await?)
}

/// Deletes a code; the accounts made with it stay.
pub async fn delete(state: &AppState, id: &str, by: By<'_>) -> Result<(), AppError> {
    Ok(state.store.delete_invite_code(id, by).await?)
}
