//! Rate-limit counters and the clean-up of what has run out (old windows, expired sessions).

use super::{Store, StoreResult};
use crate::backend::Millis;
use sqlx::Row;

impl Store {
    /// Adds one hit to `bucket`'s window and answers the window's hits, in one statement, so
    /// concurrent requests each see their own count.
    pub async fn hit_rate_limit(&self, bucket: &str, window_start: Millis) -> StoreResult<i64> {
        let row = sqlx::query(
            "insert into rate_limits (bucket, window_start, hits) values ($1, $2, 1) \
             on conflict (bucket, window_start) do update set hits = rate_limits.hits + 1 \
             returning hits",
        )
        .bind(bucket)
        .bind(window_start)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get::<i64, _>("hits")?)
    }

    pub async fn clear_rate_limit(&self, bucket: &str) -> StoreResult<()> {
        sqlx::query("delete from rate_limits where bucket = $1")
            .bind(bucket)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Deletes rate-limit windows that started before `before`, sessions that have expired,
    /// and sessions idle longer than `idle_ms` allows (admins, consumers).
    pub async fn prune(
        &self,
        before: Millis,
        now: Millis,
        idle_ms: (Millis, Millis),
    ) -> StoreResult<()> {
        sqlx::query("delete from rate_limits where window_start < $1")
            .bind(before)
            .execute(&self.pool)
            .await?;
        sqlx::query("delete from sessions where expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        sqlx::query("delete from device_tokens where expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        sqlx::query(&format!(
            "delete from sessions where last_seen_at <= $1 - $2 and exists \
             (select 1 from users u where u.id = sessions.user_id and {})",
            super::ADMIN_ROLE
        ))
        .bind(now)
        .bind(idle_ms.0)
        .execute(&self.pool)
        .await?;
        sqlx::query(&format!(
            "delete from sessions where last_seen_at <= $1 - $2 and exists \
             (select 1 from users u where u.id = sessions.user_id and not ({}))",
            super::ADMIN_ROLE
        ))
        .bind(now)
        .bind(idle_ms.1)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
