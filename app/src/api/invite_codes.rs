//! Invite codes: listing, creating, turning on and off, deleting.

use crate::domain::invite_code::{InviteCodeForm, InviteCodeRow};
use crate::domain::user::TeamChoice;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::api::http::{require_admin, with_status};
#[cfg(feature = "ssr")]
use crate::backend::AppState;

/// The list and what the "Add new invite code" form offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteCodesView {
    pub codes: Vec<InviteCodeRow>,
    pub teams: Vec<TeamChoice>,
    pub organizations: Vec<crate::domain::user::Choice>,
    pub now: i64,
}

#[server(prefix = "/api", endpoint = "invite_codes")]
pub async fn invite_codes() -> Result<InviteCodesView, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        Ok(InviteCodesView {
            codes: state.store.list_invite_codes().await?,
            teams: state.store.team_choices().await?,
            organizations: state.store.organization_choices().await?,
            now: state.clock.now(),
        })
    }
    .await
    .map_err(with_status)
}

/// Creates a code of 128 random bits for a team; answers the code.
#[server(prefix = "/api", endpoint = "create_invite_code")]
pub async fn create_invite_code(form: InviteCodeForm) -> Result<String, AppError> {
    use crate::backend::db::{By, NewInviteCode, StoreError};
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        let now = state.clock.now();
        let valid = form.validate(now)?;
        let code = crate::backend::self_service::new_invite_code();
        let new = NewInviteCode {
            code: &code,
            team_id: &valid.team_id,
            quota: valid.quota,
            expires_at: valid.expires_at,
            active: valid.active,
        };
        match state
            .store
            .create_invite_code(&new, By::user(&admin.id, now))
            .await
        {
            Ok(_) => {}
            Err(StoreError::ForeignKey) => {
                return Err(AppError::validation("team_id", "Choose a team."));
            }
            Err(e) => return Err(e.into()),
        }
        leptos_axum::redirect(&format!("/admin/invite-codes?created={code}"));
        Ok(code)
    }
    .await
    .map_err(with_status)
}

/// Turns a code on ("true") or off ("false").
#[server(prefix = "/api", endpoint = "set_invite_code_active")]
pub async fn set_invite_code_active(id: String, active: String) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        state
            .store
            .set_invite_code_active(&id, active == "true", state.by(&admin.id))
            .await?;
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// Deletes a code; the accounts made with it stay.
#[server(prefix = "/api", endpoint = "delete_invite_code")]
pub async fn delete_invite_code(id: String) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        state
            .store
            .delete_invite_code(&id, state.by(&admin.id))
            .await?;
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// "Edit": a code's quota, expiry date and whether it is active; its team stays, and the quota
/// is never below the accounts already made with it.
#[server(prefix = "/api", endpoint = "update_invite_code")]
pub async fn update_invite_code(id: String, form: InviteCodeForm) -> Result<(), AppError> {
    use crate::backend::db::{QUOTA_BELOW_USED, StoreError};
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        // The team is not edited: any non-empty value passes the form's team check.
        let valid = InviteCodeForm {
            team_id: "kept".into(),
            ..form.clone()
        }
        .validate(state.clock.now())?;
        state
            .store
            .update_invite_code(
                &id,
                (valid.quota, valid.expires_at, valid.active),
                state.by(&admin.id),
            )
            .await
            .map_err(|e| match e {
                StoreError::Conflict(QUOTA_BELOW_USED) => AppError::Validation {
                    errors: vec![crate::error::FieldMessage {
                        field: "quota".into(),
                        message: QUOTA_BELOW_USED.into(),
                    }],
                    values: vec![
                        ("quota".into(), form.quota.clone()),
                        ("expires_on".into(), form.expires_on.clone()),
                    ],
                },
                other => other.into(),
            })?;
        leptos_axum::redirect("/admin/invite-codes?saved=1");
        Ok(())
    }
    .await
    .map_err(with_status)
}
