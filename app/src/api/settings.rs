//! Settings > General: the invitation lifetime.

use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::{AppState, auth::require_admin, auth::with_status};

/// The invitation lifetime in days.
#[server(prefix = "/api", endpoint = "invitation_lifetime")]
pub async fn invitation_lifetime() -> Result<i64, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        crate::backend::invitations::lifetime_days(&state).await
    }
    .await
    .map_err(with_status)
}

/// Sets the lifetime of invitations sent from now on (1 to 90 days).
#[server(prefix = "/api", endpoint = "set_invitation_lifetime")]
pub async fn set_invitation_lifetime(days: String) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        let days = days
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|d| (1..=90).contains(d))
            .ok_or_else(|| {
                AppError::validation("days", "Enter a whole number of days from 1 to 90.")
            })?;
        state
            .store
            .set_setting(
                crate::backend::invitations::LIFETIME_SETTING,
                &days.to_string(),
                &admin.id,
                state.clock.now(),
            )
            .await?;
        Ok(())
    }
    .await
    .map_err(with_status)
}
