//! The state every request handler and server function reaches through Leptos context.

use super::Clock;
use super::config::Config;
use super::db::Store;
use super::password::PasswordHasher;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub hasher: PasswordHasher,
    pub clock: Clock,
}

impl AppState {
    /// The state of the current server function or page render.
    pub fn from_context() -> Result<Self, crate::error::AppError> {
        leptos::prelude::use_context::<Self>().ok_or_else(|| {
            tracing::error!("AppState missing from the Leptos context");
            crate::error::AppError::Internal {
                reference: "state".to_owned(),
            }
        })
    }
}
