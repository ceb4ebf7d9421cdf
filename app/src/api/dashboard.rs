//! "My dashboard": a consumer's view of their organization.

use crate::domain::colleague::Colleagues;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::http::with_status;
#[cfg(feature = "ssr")]
use crate::backend::AppState;

/// "Users": the people the signed-in consumer shares a team with, searched by `q`.
#[server(prefix = "/api", endpoint = "my_users")]
pub async fn my_users(q: String) -> Result<Colleagues, AppError> {
    use crate::api::http::require_user;
    async {
        let viewer = require_user().await?;
        let state = AppState::from_context()?;
        crate::backend::colleagues::visible_to(&state, &viewer, &q).await
    }
    .await
    .map_err(with_status)
}
