//! Settings > Email > Outbox: every email Portico composed, its delivery state and "Retry".

use crate::domain::outbox::OutboxMessage;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::{AppState, auth::require_admin, auth::with_status};

#[server(prefix = "/api", endpoint = "outbox")]
pub async fn outbox() -> Result<Vec<OutboxMessage>, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        Ok(state.store.list_outbox(200).await?)
    }
    .await
    .map_err(with_status)
}

/// Queues a failed email again at once.
#[server(prefix = "/api", endpoint = "retry_email")]
pub async fn retry_email(id: String) -> Result<(), AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        if state.store.retry_email(&id, state.clock.now()).await? {
            state.mail_wakeup.notify_one();
            Ok(())
        } else {
            Err(AppError::Conflict {
                message: "This email was already sent.".into(),
            })
        }
    }
    .await
    .map_err(with_status)
}
