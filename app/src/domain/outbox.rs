//! An email in the outbox, as the admin app shows it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub id: String,
    pub kind: String,
    pub to_address: String,
    pub subject: String,
    pub html_body: String,
    pub text_body: String,
    /// "queued", "sending", "sent" or "failed".
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub next_attempt_at: i64,
}
