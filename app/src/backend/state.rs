//! The state every request handler and server function works with (the server functions find
//! it in the Leptos context: `api::http`).

use super::Clock;
use super::config::Config;
use super::db::{By, Store};
use super::openapi::ReferenceCache;
use super::password::PasswordHasher;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub hasher: PasswordHasher,
    pub clock: Clock,
    /// Rendered API references, per product and document version.
    pub references: ReferenceCache,
    /// The gateway check's answers (`gateway`).
    pub gateway: super::gateway::GatewayCache,
}

impl AppState {
    /// A change made now by the signed-in user `actor_id`.
    pub fn by<'a>(&self, actor_id: &'a str) -> By<'a> {
        By::user(actor_id, self.clock.now())
    }
}
