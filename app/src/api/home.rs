//! The admin home page's numbers.

use crate::domain::home::AdminHome;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::http::{require_admin, with_status};
#[cfg(feature = "ssr")]
use crate::backend::AppState;

/// What waits for an admin, and the counts of users, organizations and teams.
#[server(prefix = "/api", endpoint = "what_waits")]
pub async fn what_waits() -> Result<AdminHome, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        Ok(state.store.admin_home(state.clock.now()).await?)
    }
    .await
    .map_err(with_status)
}
