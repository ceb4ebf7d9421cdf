//! Invite codes: listing, creating, turning on and off, deleting.

use crate::domain::invite_code::{InviteCodeForm, InviteCodeRow};
use crate::domain::user::TeamChoice;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::api::http::{require_admin, with_status};
#[cfg(feature = "ssr")]
use crate::backend::{AppState, invite_codes};

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
        let (organizations, teams) = state.store.placement_choices().await?;
        Ok(InviteCodesView {
            codes: invite_codes::list(&state).await?,
            teams,
            organizations,
            now: state.clock.now(),
        })
    }
    .await
    .map_err(with_status)
}

/// Creates a code of 128 random bits for a team; answers the code.
#[server(prefix = "/api", endpoint = "create_invite_code")]
pub async fn create_invite_code(form: InviteCodeForm) -> Result<String, AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        let (_, code) = invite_codes::create(&state, &form, state.by(&admin.id)).await?;
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
        invite_codes::set_active(&state, &id, active == "true", state.by(&admin.id)).await
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
        invite_codes::delete(&state, &id, state.by(&admin.id)).await
    }
    .await
    .map_err(with_status)
}

/// "Edit": a code's quota, expiry date and whether it is active; its team stays, and the quota
/// is never below the accounts already made with it.
#[server(prefix = "/api", endpoint = "update_invite_code")]
pub async fn update_invite_code(id: String, form: InviteCodeForm) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        invite_codes::update(&state, &id, &form, state.by(&admin.id)).await?;
        leptos_axum::redirect("/admin/invite-codes?saved=1");
        Ok(())
    }
    .await
    .map_err(with_status)
}
