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

    /// Deletes rate-limit windows that started before `before` and sessions that have expired.
    pub async fn prune(&self, before: Millis, now: Millis) -> StoreResult<()> {
        sqlx::query("delete from rate_limits where window_start < $1")
            .bind(before)
            .execute(&self.pool)
            .await?;
        sqlx::query("delete from sessions where expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
