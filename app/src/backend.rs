//! Server-only parts: the store, authentication, configuration and shared state.

pub mod admins;
pub mod api_tokens;
pub mod apps;
pub mod audit;
pub mod auth;
pub mod catalog;
pub mod colleagues;
pub mod config;
pub mod db;
pub mod documentation;
pub mod gateway;
pub mod groups;
pub mod invitations;
pub mod invite_codes;
pub mod limits;
pub mod login;
pub mod mail;
pub mod openapi;
pub mod organization_requests;
pub mod outbox;
pub mod paging;
pub mod password;
pub mod self_service;
pub mod settings;
pub mod state;
pub mod templates;
pub mod users;

pub use state::AppState;

/// Milliseconds since the Unix epoch, the unit of every stored time.
pub type Millis = i64;

/// A clock that tests can move; production reads the system time.
#[derive(Clone, Default)]
pub struct Clock {
    offset_ms: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> Millis {
        let system = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        system + self.offset_ms.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Moves this clock (and every clone of it) forward; for tests of expiry.
    pub fn advance(&self, by: std::time::Duration) {
        self.offset_ms
            .fetch_add(by.as_millis() as i64, std::sync::atomic::Ordering::Relaxed);
    }
}

/// A fresh id: UUIDv7 as text, so ids sort by creation time.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
