//! Settings > Email > Outbox: every email Portico composed, its delivery state and "Retry". A
//! live one-time link shows only to an admin who may act for its recipient (the store decides).

use crate::domain::outbox::OutboxMessage;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::http::{require_admin, with_status};
#[cfg(feature = "ssr")]
use crate::backend::{AppState, outbox};

#[server(prefix = "/api", endpoint = "outbox")]
pub async fn outbox() -> Result<Vec<OutboxMessage>, AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        outbox::list(&state, &admin, 200).await
    }
    .await
    .map_err(with_status)
}

/// Queues a failed email again at once.
#[server(prefix = "/api", endpoint = "retry_email")]
pub async fn retry_email(id: String) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        outbox::retry(&state, &admin, &id).await
    }
    .await
    .map_err(with_status)
}
