//! Invitation links: sent (and re-sent) by an admin, revoked, looked up by the invitation page
//! and accepted with a new password.

use super::super::outbox::{NewEmail, insert_email};
use super::super::users::commit_user_change;
use super::super::{By, Millis, Reach, Store, StoreError, StoreResult, decoded};
use super::{Purpose, consume_token, insert_token, revoke_live};
use crate::domain::account::AccountStatus;
use sqlx::Row as _;

/// Whom an invitation token was made for.
#[derive(Debug, Clone)]
pub struct InvitationOwner {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

/// What an invitation link is, as the invitation page needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvitationLookup {
    Valid {
        user_id: String,
        first_name: String,
        last_name: String,
        email: String,
        expires_at: Millis,
    },
    Expired,
    Used,
    Revoked,
    Unknown,
}

impl Store {
    /// Replaces the user's live invitation with a new one and queues its email, in one transaction.
    /// Refused for a user who has a password, and for one out of `reach`.
    pub async fn send_invitation(
        &self,
        user_id: &str,
        reach: Reach,
        token_hash: &str,
        expires_at: Millis,
        email: impl FnOnce(&str) -> NewEmail,
        by: By<'_>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        self.check_reach(&mut tx, reach, user_id, by).await?;
        let row = sqlx::query(&format!(
            "select u.email, u.status, case when u.password_hash is null then 0 else 1 end as has_password \
             from users u where u.id = $1{}",
            self.dialect.lock_row()
        ))
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        if row.try_get::<i64, _>("has_password")? == 1 {
            return Err(StoreError::Conflict(
                "This user already has a password: send a password reset instead.",
            ));
        }
        if decoded(&row, "status", AccountStatus::parse)? != AccountStatus::Active {
            return Err(StoreError::Conflict(
                "This user is deactivated: activate them before inviting them.",
            ));
        }
        let revoked = revoke_live(&mut tx, Purpose::Invitation, Some(user_id), by.now).await?;
        let token_id = insert_token(
            &mut tx,
            token_hash,
            Purpose::Invitation,
            Some(user_id),
            by.actor,
            by.now,
            expires_at,
        )
        .await?;
        let email = email(&token_id);
        // The email was composed before this transaction: an address changed meanwhile would
        // get a link to an account that is no longer theirs.
        let address: String = row.try_get("email")?;
        if email.to_address.to_lowercase() != address.to_lowercase() {
            return Err(StoreError::Conflict(
                "This user's email address changed meanwhile: send the invitation again.",
            ));
        }
        insert_email(&mut tx, &email, by.now).await?;
        let action = if revoked > 0 {
            "invitation.resent"
        } else {
            "invitation.sent"
        };
        commit_user_change(tx, by, action, user_id, "").await?;
        Ok(())
    }

    /// Revokes the pending invitation of a user within `reach` (`NotFound` for anyone else of an
    /// admin's audience, so an admin's invitation is out of reach of the consumers' "Revoke
    /// invite"; `Forbidden` out of a consumer admin's); answers whether there was one.
    pub async fn revoke_invitation(
        &self,
        user_id: &str,
        reach: Reach,
        by: By<'_>,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        self.check_reach(&mut tx, reach, user_id, by).await?;
        let revoked = revoke_live(&mut tx, Purpose::Invitation, Some(user_id), by.now).await?;
        if revoked > 0 {
            commit_user_change(tx, by, "invitation.revoked", user_id, "").await?;
        }
        Ok(revoked > 0)
    }

    /// What an invitation link is; reading it consumes nothing.
    pub async fn invitation_by_token(
        &self,
        token_hash: &str,
        now: Millis,
    ) -> StoreResult<InvitationLookup> {
        let row = sqlx::query(
            "select i.user_id, i.expires_at, i.used_at, i.revoked_at, u.first_name, u.last_name, u.email \
             from one_time_tokens i join users u on u.id = i.user_id \
             where i.token_hash = $1 and i.purpose = 'invitation'",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(InvitationLookup::Unknown);
        };
        let used: Option<Millis> = row.try_get("used_at")?;
        let revoked: Option<Millis> = row.try_get("revoked_at")?;
        let expires_at: Millis = row.try_get("expires_at")?;
        Ok(if used.is_some() {
            InvitationLookup::Used
        } else if revoked.is_some() {
            InvitationLookup::Revoked
        } else if expires_at <= now {
            InvitationLookup::Expired
        } else {
            InvitationLookup::Valid {
                user_id: row.try_get("user_id")?,
                first_name: row.try_get("first_name")?,
                last_name: row.try_get("last_name")?,
                email: row.try_get("email")?,
                expires_at,
            }
        })
    }

    /// Consumes the invitation and sets the password in one transaction: of any number of
    /// concurrent attempts exactly one succeeds. Answers the user's id.
    pub async fn accept_invitation(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: Millis,
    ) -> StoreResult<String> {
        let mut tx = self.begin_write().await?;
        consume_token(&mut tx, token_hash, Purpose::Invitation, now).await?;
        let user_id: String =
            sqlx::query("select user_id from one_time_tokens where token_hash = $1")
                .bind(token_hash)
                .fetch_one(&mut *tx)
                .await?
                .try_get("user_id")?;
        let updated = sqlx::query(
            "update users set password_hash = $1, status = 'active', must_change_password = 0, updated_at = $2 \
             where id = $3 and password_hash is null and status = 'active'",
        )
        .bind(password_hash)
        .bind(now)
        .bind(&user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated != 1 {
            return Err(StoreError::NotFound);
        }
        commit_user_change(
            tx,
            By::user(&user_id, now),
            "invitation.accepted",
            &user_id,
            "",
        )
        .await?;
        Ok(user_id)
    }

    /// The user an invitation token was made for, whatever state the token is in.
    pub async fn invitation_owner(&self, token_hash: &str) -> StoreResult<Option<InvitationOwner>> {
        let row = sqlx::query(
            "select u.id, u.first_name, u.last_name, u.email from one_time_tokens i join users u on u.id = i.user_id \
             where i.token_hash = $1 and i.purpose = 'invitation'",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(InvitationOwner {
                id: r.try_get("id")?,
                first_name: r.try_get("first_name")?,
                last_name: r.try_get("last_name")?,
                email: r.try_get("email")?,
            })
        })
        .transpose()
    }
}
