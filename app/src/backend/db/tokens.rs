//! One-time links: invitations, password resets and the first admin's setup link. Each is stored
//! as the SHA-256 of its token in `one_time_tokens`, made by [`insert_token`], ended early by
//! [`revoke_live`] and used at most once through [`consume_token`], the one consume path.
//! (An address confirmation is a column pair on its user, see `registrations`.)

mod invitations;
mod resets;

pub use invitations::InvitationLookup;
pub use resets::ResetLookup;

use super::admins::{count_admins, insert_admin};
use super::{By, Millis, NewAdmin, Store, StoreError, StoreResult, Subject, Tx, new_id};
use sqlx::Row as _;

/// What a one-time link is for; the `purpose` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Purpose {
    Invitation,
    PasswordReset,
    AdminSetup,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::Invitation => "invitation",
            Self::PasswordReset => "password_reset",
            Self::AdminSetup => "admin_setup",
        }
    }
}

/// Stores a new link of `purpose` for `user_id` (none for the setup link); answers its id.
pub(super) async fn insert_token(
    tx: &mut Tx,
    token_hash: &str,
    purpose: Purpose,
    user_id: Option<&str>,
    created_by: Option<&str>,
    now: Millis,
    expires_at: Millis,
) -> StoreResult<String> {
    let id = new_id();
    sqlx::query(
        "insert into one_time_tokens (id, token_hash, purpose, user_id, created_by, created_at, expires_at) \
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(token_hash)
    .bind(purpose.as_str())
    .bind(user_id)
    .bind(created_by)
    .bind(now)
    .bind(expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Marks a live, unexpired link of `purpose` used; `NotFound` when it is not (any more). Of
/// concurrent attempts exactly one gets through.
pub(super) async fn consume_token(
    tx: &mut Tx,
    token_hash: &str,
    purpose: Purpose,
    now: Millis,
) -> StoreResult<()> {
    let consumed = sqlx::query(
        "update one_time_tokens set used_at = $1 where token_hash = $2 and purpose = $3 \
         and used_at is null and revoked_at is null and expires_at > $1",
    )
    .bind(now)
    .bind(token_hash)
    .bind(purpose.as_str())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if consumed == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Revokes the unused links of `purpose` made for `user_id` (every setup link when `None`);
/// answers how many there were.
pub(super) async fn revoke_live(
    tx: &mut Tx,
    purpose: Purpose,
    user_id: Option<&str>,
    now: Millis,
) -> StoreResult<u64> {
    Ok(sqlx::query(
        "update one_time_tokens set revoked_at = $1 where purpose = $2 \
         and ($3 is null or user_id = $3) and used_at is null and revoked_at is null",
    )
    .bind(now)
    .bind(purpose.as_str())
    .bind(user_id)
    .execute(&mut **tx)
    .await?
    .rows_affected())
}

impl Store {
    /// Stores a new admin-setup token and revokes any earlier one, so only the newest link works.
    pub async fn create_setup_token(
        &self,
        token_hash: &str,
        now: Millis,
        expires_at: Millis,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        revoke_live(&mut tx, Purpose::AdminSetup, None, now).await?;
        insert_token(
            &mut tx,
            token_hash,
            Purpose::AdminSetup,
            None,
            None,
            now,
            expires_at,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether an admin-setup token is still usable (GET of the setup page consumes nothing).
    pub async fn setup_token_usable(&self, token_hash: &str, now: Millis) -> StoreResult<bool> {
        let row = sqlx::query(
            "select count(*) as n from one_time_tokens where token_hash = $1 \
             and purpose = $2 and used_at is null and revoked_at is null and expires_at > $3",
        )
        .bind(token_hash)
        .bind(Purpose::AdminSetup.as_str())
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get::<i64, _>("n")? > 0 && !self.admin_exists().await?)
    }

    /// Consumes the setup token and creates the first super-admin in one transaction; answers
    /// `NotFound` when the token is unknown, used, revoked or expired, or an admin already exists.
    pub async fn complete_setup(
        &self,
        token_hash: &str,
        admin: &NewAdmin<'_>,
        now: Millis,
    ) -> StoreResult<String> {
        let mut tx = self.begin_write().await?;
        consume_token(&mut tx, token_hash, Purpose::AdminSetup, now).await?;
        let admins: i64 = sqlx::query(&count_admins())
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
        if admins > 0 {
            return Err(StoreError::NotFound);
        }
        let id = insert_admin(&mut tx, admin, now).await?;
        tx.audit(
            By::user(&id, now),
            "admin.setup",
            Subject::User(&id),
            admin.email,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }
}
