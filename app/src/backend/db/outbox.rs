//! The email outbox: written in the transaction of the change that causes an email, read by the
//! delivery worker, which leases each message so no two instances send it at once.

use super::{Millis, Store, StoreResult, Tx, new_id};
pub use crate::domain::outbox::OutboxMessage;
use sqlx::Row as _;

/// An email to queue.
#[derive(Debug, Clone)]
pub struct NewEmail {
    pub kind: String,
    pub to_address: String,
    pub subject: String,
    pub html_body: String,
    pub text_body: String,
    pub related_token_id: Option<String>,
}

/// After this many failed attempts a message is marked failed and waits for a manual "Retry".
pub const MAX_ATTEMPTS: i64 = 8;

pub(super) async fn insert_email(
    tx: &mut Tx,
    email: &NewEmail,
    now: Millis,
) -> StoreResult<String> {
    let id = new_id();
    sqlx::query(
        "insert into email_outbox (id, kind, to_address, subject, html_body, text_body, status, attempts, \
         next_attempt_at, related_token_id, created_at) values ($1, $2, $3, $4, $5, $6, 'queued', 0, $7, $8, $7)",
    )
    .bind(&id)
    .bind(&email.kind)
    .bind(&email.to_address)
    .bind(&email.subject)
    .bind(&email.html_body)
    .bind(&email.text_body)
    .bind(now)
    .bind(email.related_token_id.as_deref())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

const COLUMNS: &str = "id, kind, to_address, subject, html_body, text_body, status, attempts, last_error, \
     created_at, sent_at, next_attempt_at";

fn message(row: &sqlx::any::AnyRow) -> StoreResult<OutboxMessage> {
    Ok(OutboxMessage {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        to_address: row.try_get("to_address")?,
        subject: row.try_get("subject")?,
        html_body: row.try_get("html_body")?,
        text_body: row.try_get("text_body")?,
        status: row.try_get("status")?,
        attempts: row.try_get("attempts")?,
        last_error: row.try_get("last_error")?,
        created_at: row.try_get("created_at")?,
        sent_at: row.try_get("sent_at")?,
        next_attempt_at: row.try_get("next_attempt_at")?,
    })
}

impl Store {
    /// Leases up to `limit` due messages until `lease_until`. A message is due when queued and its
    /// time has come, or when another worker's lease on it ran out. Each lease is taken with a
    /// conditional update, so of two workers racing for a message only one gets it.
    pub async fn claim_due_emails(
        &self,
        now: Millis,
        lease_until: Millis,
        limit: i64,
    ) -> StoreResult<Vec<OutboxMessage>> {
        let candidates = sqlx::query(
            "select id from email_outbox where (status = 'queued' and next_attempt_at <= $1) \
             or (status = 'sending' and locked_until < $1) order by next_attempt_at, id limit $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut claimed = Vec::new();
        for row in candidates {
            let id: String = row.try_get("id")?;
            let taken = sqlx::query(
                "update email_outbox set status = 'sending', locked_until = $1, attempts = attempts + 1 \
                 where id = $2 and ((status = 'queued' and next_attempt_at <= $3) \
                 or (status = 'sending' and locked_until < $3))",
            )
            .bind(lease_until)
            .bind(&id)
            .bind(now)
            .execute(&self.pool)
            .await?
            .rows_affected();
            if taken == 1
                && let Some(row) =
                    sqlx::query(&format!("select {COLUMNS} from email_outbox where id = $1"))
                        .bind(&id)
                        .fetch_optional(&self.pool)
                        .await?
            {
                claimed.push(message(&row)?);
            }
        }
        Ok(claimed)
    }

    /// Records that the SMTP server accepted the message.
    pub async fn mark_email_sent(&self, id: &str, now: Millis) -> StoreResult<()> {
        sqlx::query(
            "update email_outbox set status = 'sent', sent_at = $1, locked_until = null, last_error = null \
             where id = $2 and status = 'sending'",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a failed attempt: back to the queue at `retry_at`, or failed for good after
    /// `MAX_ATTEMPTS`.
    pub async fn mark_email_failed(
        &self,
        id: &str,
        error: &str,
        retry_at: Millis,
    ) -> StoreResult<()> {
        sqlx::query(
            "update email_outbox set status = case when attempts >= $1 then 'failed' else 'queued' end, \
             next_attempt_at = $2, locked_until = null, last_error = $3 where id = $4 and status = 'sending'",
        )
        .bind(MAX_ATTEMPTS)
        .bind(retry_at)
        .bind(error)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Puts a failed (or waiting) message back in the queue at once; the admin's "Retry".
    pub async fn retry_email(&self, id: &str, now: Millis) -> StoreResult<bool> {
        Ok(sqlx::query(
            "update email_outbox set status = 'queued', next_attempt_at = $1, attempts = 0 \
             where id = $2 and status in ('failed', 'queued')",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1)
    }

    /// The newest messages first, for Settings > Email > Outbox.
    pub async fn list_outbox(&self, limit: i64) -> StoreResult<Vec<OutboxMessage>> {
        sqlx::query(&format!(
            "select {COLUMNS} from email_outbox order by created_at desc, id desc limit $1"
        ))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(message)
        .collect()
    }
}
