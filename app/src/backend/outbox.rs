//! Settings > Email > Outbox as an admin reads and retries it, for the page's server functions and
//! the REST API alike. Which links an admin may see is the store's rule (`may_see_link`).

use super::AppState;
use crate::domain::CurrentUser;
use crate::domain::outbox::OutboxMessage;
use crate::error::AppError;

/// The newest `limit` emails, with a live link only where `admin` may act for its recipient.
pub async fn list(
    state: &AppState,
    admin: &CurrentUser,
    limit: i64,
) -> Result<Vec<OutboxMessage>, AppError> {
    Ok(state
        .store
        .list_outbox((&admin.id, admin.role), state.clock.now(), limit)
        .await?)
}

/// "Retry": a failed email queued again at once; one already sent is a conflict.
pub async fn retry(state: &AppState, admin: &CurrentUser, id: &str) -> Result<(), AppError> {
    if state
        .store
        .retry_email(id, (&admin.id, admin.role), state.clock.now())
        .await?
    {
        Ok(())
    } else {
        Err(AppError::Conflict {
            message: "This email was already sent.".into(),
        })
    }
}
