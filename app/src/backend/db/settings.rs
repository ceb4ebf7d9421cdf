//! Settings an admin changes at run time, as key and value.

use super::{By, Store, StoreResult, Subject};
use sqlx::Row as _;

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
        Ok(())
    }

    /// The stored values of three settings, as (key, value) pairs (a missing one is absent).
    pub async fn settings(&self, keys: &[&str; 3]) -> StoreResult<Vec<(String, String)>> {
        sqlx::query("select key, value from settings where key in ($1, $2, $3)")
            .bind(keys[0])
            .bind(keys[1])
            .bind(keys[2])
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("key")?, r.try_get("value")?)))
            .collect()
    }

    /// A setting's stored value, if any.
    pub async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(sqlx::query("select value from settings where key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| r.try_get("value"))
            .transpose()?)
    }
}
