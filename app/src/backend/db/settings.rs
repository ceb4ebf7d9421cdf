//! Settings an admin changes at run time, as key and value.

use super::{By, Store, StoreResult, Subject};
use sqlx::Row as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long this process reuses the settings it read. Every signed-in request reads the idle
/// timeouts, one query of eight on the users page. A change made through this process is seen
/// at once; one made through another instance on the same database within this.
const SETTINGS_KEPT: Duration = Duration::from_secs(1);

type Settings = Arc<Vec<(String, String)>>;

/// The settings last read, and a generation that every change moves: a read that began before
/// a change committed is not kept.
#[derive(Debug, Default)]
pub(super) struct SettingsMemo {
    generation: AtomicU64,
    kept: Mutex<Option<(u64, Instant, Settings)>>,
}

impl Store {
    /// Stores a setting, noting who changed it in the audit log.
    pub async fn set_setting(&self, key: &str, value: &str, by: By<'_>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "insert into settings (key, value, updated_at) values ($1, $2, $3) \
             on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(key)
        .bind(value)
        .bind(by.now)
        .execute(&mut *tx)
        .await?;
        tx.audit(by, "setting.changed", Subject::Setting(key), value)
            .await?;
        tx.commit().await?;
        self.settings_memo.generation.fetch_add(1, Ordering::SeqCst);
        *self
            .settings_memo
            .kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = None;
        Ok(())
    }

    /// Every stored setting, read at most once per [`SETTINGS_KEPT`].
    async fn all_settings(&self) -> StoreResult<Settings> {
        let memo = &self.settings_memo;
        let generation = memo.generation.load(Ordering::SeqCst);
        if let Some((kept_generation, at, settings)) =
            &*memo.kept.lock().unwrap_or_else(PoisonError::into_inner)
            && *kept_generation == generation
            && at.elapsed() < SETTINGS_KEPT
        {
            return Ok(settings.clone());
        }
        let read_at = Instant::now();
        let settings: Settings = Arc::new(
            sqlx::query("select key, value from settings")
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| Ok((r.try_get("key")?, r.try_get("value")?)))
                .collect::<StoreResult<_>>()?,
        );
        let mut kept = memo.kept.lock().unwrap_or_else(PoisonError::into_inner);
        if memo.generation.load(Ordering::SeqCst) == generation {
            *kept = Some((generation, read_at, settings.clone()));
        }
        Ok(settings)
    }

    /// The stored values of three settings, as (key, value) pairs (a missing one is absent).
    pub async fn settings(&self, keys: &[&str; 3]) -> StoreResult<Vec<(String, String)>> {
        Ok(self
            .all_settings()
            .await?
            .iter()
            .filter(|(key, _)| keys.contains(&key.as_str()))
            .cloned()
            .collect())
    }

    /// A setting's stored value, if any.
    pub async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(self
            .all_settings()
            .await?
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, value)| value.clone()))
    }
}
