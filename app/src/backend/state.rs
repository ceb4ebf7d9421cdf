//! The state every request handler and server function works with (the server functions find
//! it in the Leptos context: `api::http`).

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
