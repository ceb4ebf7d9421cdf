//! The consumer's side of an invitation: what the link is, accepting it, asking for a new one.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::api::http::with_status;
#[cfg(feature = "ssr")]
use crate::backend::AppState;

/// What the invitation page shows for a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationView {
    Valid {
        first_name: String,
        last_name: String,
        email: String,
        expires_at: i64,
    },
    Expired,
    Used,
    Revoked,
    Unknown,
}

/// Describes an invitation link; opening it consumes nothing.
#[server(prefix = "/api", endpoint = "invitation")]
pub async fn invitation(token: String) -> Result<InvitationView, AppError> {
    use crate::backend::db::InvitationLookup;
    async {
        let state = AppState::from_context()?;
        let hash = crate::backend::auth::hash_secret(&token);
        Ok(
            match state
                .store
                .invitation_by_token(&hash, state.clock.now())
                .await?
            {
                InvitationLookup::Valid {
                    first_name,
                    last_name,
                    email,
                    expires_at,
                    ..
                } => InvitationView::Valid {
                    first_name,
                    last_name,
                    email,
                    expires_at,
                },
                InvitationLookup::Expired => InvitationView::Expired,
                InvitationLookup::Used => InvitationView::Used,
                InvitationLookup::Revoked => InvitationView::Revoked,
                InvitationLookup::Unknown => InvitationView::Unknown,
            },
        )
    }
    .await
    .map_err(with_status)
}

/// Sets the password from an invitation, activates the user and signs them in.
#[server(prefix = "/api", endpoint = "accept_invitation")]
pub async fn accept_invitation(
    token: String,
    password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    async {
        let state = AppState::from_context()?;
        let request = crate::api::http::request(&state)?;
        let session = crate::backend::invitations::accept(
            &state,
            &request,
            &token,
            &password,
            &confirm_password,
        )
        .await?;
        crate::api::http::set_cookie(&session)?;
        leptos_axum::redirect("/");
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// Tells the admins that the holder of a dead link wants a new one. The answer is the same for
/// any token, so it reveals nothing to a stranger.
#[server(prefix = "/api", endpoint = "request_new_invitation")]
pub async fn request_new_invitation(token: String) -> Result<(), AppError> {
    async {
        let state = AppState::from_context()?;
        let request = crate::api::http::request(&state)?;
        crate::backend::invitations::request_new(&state, &request, &token).await
    }
    .await
    .map_err(with_status)
}
