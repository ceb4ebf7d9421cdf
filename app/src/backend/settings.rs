//! Settings kept in the database that the security rules read: idle timeouts and the outbox's
//! retention (Settings > General > Security).

use super::{AppState, Millis};
use crate::domain::security::SecuritySettings;
use crate::error::AppError;

const ADMIN_IDLE: &str = "admin_idle_minutes";
const CONSUMER_IDLE: &str = "consumer_idle_days";
const OUTBOX_RETENTION: &str = "outbox_retention_days";

const MINUTE_MS: Millis = 60 * 1000;
const DAY_MS: Millis = 24 * 60 * MINUTE_MS;

/// The stored settings, each falling back to its default when unset or out of bounds; one
/// query, since every signed-in request reads them.
pub async fn security(state: &AppState) -> Result<SecuritySettings, AppError> {
    let defaults = SecuritySettings::default();
    let stored = state
        .store
        .settings(&[ADMIN_IDLE, CONSUMER_IDLE, OUTBOX_RETENTION])
        .await?;
    let read = |key: &str, default: i64| {
        let bounds = crate::domain::security::BOUNDS
            .iter()
            .find(|(field, ..)| *field == key)
            .map(|(_, min, max, _)| *min..=*max);
        stored
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.parse::<i64>().ok())
            .filter(|v| bounds.as_ref().is_some_and(|b| b.contains(v)))
            .unwrap_or(default)
    };
    Ok(SecuritySettings {
        admin_idle_minutes: read(ADMIN_IDLE, defaults.admin_idle_minutes),
        consumer_idle_days: read(CONSUMER_IDLE, defaults.consumer_idle_days),
        outbox_retention_days: read(OUTBOX_RETENTION, defaults.outbox_retention_days),
    })
}

/// Stores the settings, each change noted in the audit log.
pub async fn save(
    state: &AppState,
    settings: &SecuritySettings,
    actor_id: &str,
) -> Result<(), AppError> {
    let by = state.by(actor_id);
    for (key, value) in [
        (ADMIN_IDLE, settings.admin_idle_minutes),
        (CONSUMER_IDLE, settings.consumer_idle_days),
        (OUTBOX_RETENTION, settings.outbox_retention_days),
    ] {
        state.store.set_setting(key, &value.to_string(), by).await?;
    }
    Ok(())
}

impl SecuritySettings {
    /// How long a session of an admin (or a consumer) lasts without a request.
    pub fn idle_ms(&self, admin: bool) -> Millis {
        if admin {
            self.admin_idle_minutes * MINUTE_MS
        } else {
            self.consumer_idle_days * DAY_MS
        }
    }

    /// How long a delivered email stays in the outbox.
    pub fn retention_ms(&self) -> Millis {
        self.outbox_retention_days * DAY_MS
    }
}
