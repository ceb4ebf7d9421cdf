//! Password reset links: asked for by their owner or sent by an admin, looked up by the reset
//! page and used once to set a new password.

use super::super::accounts::set_password;
use super::super::outbox::{NewEmail, insert_email};
use super::super::users::{Person, commit_user_change, person_of};
use super::super::{By, CAN_SIGN_IN, Millis, Store, StoreError, StoreResult};
use super::{Purpose, consume_token, insert_token, revoke_live};
use sqlx::Row as _;

/// What a password reset link is; reading it consumes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResetLookup {
    Valid {
        email: String,
    },
    Expired,
    Used,
    /// A newer link was sent, or the account changed since.
    Replaced,
    Unknown,
}

impl Store {
    /// Replaces the account's live reset link with a new one and queues its email; answers
    /// false, writing nothing, when no account that can sign in has this email.
    pub async fn issue_password_reset(
        &self,
        email: &str,
        token_hash: &str,
        expires_at: Millis,
        compose: impl FnOnce(&Person, &str) -> NewEmail,
        by: By<'_>,
    ) -> StoreResult<bool> {
        let now = by.now;
        let mut tx = self.begin_write().await?;
        let Some(row) = sqlx::query(&format!(
            "select u.id, u.first_name, u.last_name, u.email from users u \
             where lower(u.email) = lower($1) and {CAN_SIGN_IN}{}",
            self.dialect.lock_row()
        ))
        .bind(email)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(false);
        };
        let user_id: String = row.try_get("id")?;
        let person = person_of(&row)?;
        revoke_live(&mut tx, Purpose::PasswordReset, Some(&user_id), now).await?;
        let token_id = insert_token(
            &mut tx,
            token_hash,
            Purpose::PasswordReset,
            Some(&user_id),
            by.actor,
            now,
            expires_at,
        )
        .await?;
        insert_email(&mut tx, &compose(&person, &token_id), now).await?;
        let detail = if by.actor.is_some() {
            "sent by an admin"
        } else {
            "requested"
        };
        commit_user_change(tx, by, "password_reset.sent", &user_id, detail).await?;
        Ok(true)
    }

    /// What a reset link is.
    pub async fn reset_token(&self, token_hash: &str, now: Millis) -> StoreResult<ResetLookup> {
        let row = sqlx::query(&format!(
            "select i.expires_at, i.used_at, i.revoked_at, u.email, \
             case when {CAN_SIGN_IN} then 1 else 0 end as can_sign_in \
             from one_time_tokens i join users u on u.id = i.user_id \
             where i.token_hash = $1 and i.purpose = 'password_reset'"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(ResetLookup::Unknown);
        };
        Ok(if row.try_get::<Option<Millis>, _>("used_at")?.is_some() {
            ResetLookup::Used
        } else if row.try_get::<Option<Millis>, _>("revoked_at")?.is_some()
            || row.try_get::<i64, _>("can_sign_in")? == 0
        {
            ResetLookup::Replaced
        } else if row.try_get::<Millis, _>("expires_at")? <= now {
            ResetLookup::Expired
        } else {
            ResetLookup::Valid {
                email: row.try_get("email")?,
            }
        })
    }

    /// Consumes a reset link and sets the new password in one transaction (of concurrent uses
    /// exactly one succeeds); every session of the account ends and "password changed" is
    /// queued. Answers the user's id; `NotFound` when the link cannot be used.
    pub async fn reset_password(
        &self,
        token_hash: &str,
        password_hash: &str,
        changed: impl FnOnce(&Person) -> NewEmail,
        now: Millis,
    ) -> StoreResult<String> {
        let mut tx = self.begin_write().await?;
        consume_token(&mut tx, token_hash, Purpose::PasswordReset, now).await?;
        let row = sqlx::query(&format!(
            "select u.id, u.first_name, u.last_name, u.email from one_time_tokens i \
             join users u on u.id = i.user_id where i.token_hash = $1 and {CAN_SIGN_IN}"
        ))
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let user_id: String = row.try_get("id")?;
        let person = person_of(&row)?;
        set_password(&mut tx, &user_id, password_hash, None, now).await?;
        revoke_live(&mut tx, Purpose::PasswordReset, Some(&user_id), now).await?;
        revoke_live(&mut tx, Purpose::Invitation, Some(&user_id), now).await?;
        insert_email(&mut tx, &changed(&person), now).await?;
        commit_user_change(tx, By::user(&user_id, now), "password.reset", &user_id, "").await?;
        Ok(user_id)
    }
}
