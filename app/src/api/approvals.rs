//! Approvals: registrants waiting for an admin's decision.

use crate::domain::account::Registrant;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::http::{require_admin, with_status};
#[cfg(feature = "ssr")]
use crate::backend::AppState;

/// Pending registrants, then declined ones.
#[server(prefix = "/api", endpoint = "registrants")]
pub async fn registrants() -> Result<Vec<Registrant>, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        crate::backend::self_service::registrants(&state).await
    }
    .await
    .map_err(with_status)
}

/// Approves a registrant (pending or declined) and emails them; then to the approvals list.
#[server(prefix = "/api", endpoint = "approve_registration")]
pub async fn approve_registration(id: String) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        crate::backend::self_service::decide(&state, &id, true, state.by(&admin.id)).await?;
        leptos_axum::redirect("/admin/approvals?decided=approved");
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// Declines a pending registrant and emails them (they cannot sign in); then to the approvals list.
#[server(prefix = "/api", endpoint = "reject_registration")]
pub async fn reject_registration(id: String) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        crate::backend::self_service::decide(&state, &id, false, state.by(&admin.id)).await?;
        leptos_axum::redirect("/admin/approvals?decided=rejected");
        Ok(())
    }
    .await
    .map_err(with_status)
}
