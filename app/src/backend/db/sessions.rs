//! Sign-in in the store: the account behind an email or a session, sessions with their idle and
//! absolute limits, device tokens and failed sign-ins.

use super::{ADMIN_ROLE, By, Millis, Store, StoreResult, Subject, Tx, decoded};
use crate::domain::Role;
use crate::domain::account::{AccountStatus, Approval};
use sqlx::Row as _;
use sqlx::any::AnyRow;

/// A user as the login and session checks need it, decoded once (`account_row`).
#[derive(Debug, Clone)]
pub struct AccountRow {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: Role,
    pub status: AccountStatus,
    pub approval: Approval,
    pub password_hash: Option<String>,
    pub must_change_password: bool,
    /// False while a self-registered account has not confirmed its address.
    pub email_confirmed: bool,
}

/// Decodes the `ACCOUNT_COLUMNS` of a row; a role, status or approval the code does not know is
/// a decoding error, not a guess.
pub(super) fn account_row(row: &AnyRow) -> StoreResult<AccountRow> {
    Ok(AccountRow {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        role: decoded(row, "role", Role::parse)?,
        status: decoded(row, "status", AccountStatus::parse)?,
        approval: decoded(row, "approval", Approval::parse)?,
        password_hash: row.try_get("password_hash")?,
        must_change_password: row.try_get::<i64, _>("must_change_password")? != 0,
        email_confirmed: row.try_get::<i64, _>("email_confirmed")? != 0,
    })
}

pub(super) const ACCOUNT_COLUMNS: &str = "u.id, u.email, u.first_name, u.last_name, u.role, u.status, \
     u.approval, u.password_hash, u.must_change_password, u.email_confirmed";

/// What a browser holds after a sign-in: a session, and a device token, on which its later
/// failed sign-ins are counted apart from an attacker's guesses at the same account.
#[derive(Clone, Copy)]
enum Held {
    Session,
    Device,
}

impl Held {
    /// Deleting one by its hash, and inserting one ($1 hash, $2 user, $3 now, $4 expiry).
    fn statements(self) -> (&'static str, &'static str) {
        match self {
            Self::Session => (
                "delete from sessions where id_hash = $1",
                "insert into sessions (id_hash, user_id, created_at, expires_at, last_seen_at) \
                 values ($1, $2, $3, $4, $3)",
            ),
            Self::Device => (
                "delete from device_tokens where token_hash = $1",
                "insert into device_tokens (token_hash, user_id, created_at, expires_at) \
                 values ($1, $2, $3, $4)",
            ),
        }
    }
}

impl Store {
    pub async fn account_by_email(&self, email: &str) -> StoreResult<Option<AccountRow>> {
        let sql = format!("select {ACCOUNT_COLUMNS} from users u where lower(u.email) = lower($1)");
        sqlx::query(&sql)
            .bind(email)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(account_row)
            .transpose()
    }

    /// Stores a new session and, in the same transaction, ends the one it replaces (rotation).
    pub async fn create_session(
        &self,
        id_hash: &str,
        user_id: &str,
        replaces: Option<&str>,
        now: Millis,
        expires_at: Millis,
    ) -> StoreResult<()> {
        let held = Held::Session;
        let mut tx = self
            .replace(held, id_hash, user_id, replaces, now, expires_at)
            .await?;
        tx.audit(
            By::user(user_id, now),
            "session.login",
            Subject::User(user_id),
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Notes a failed sign-in in the audit log: on the account when the email is one, with the
    /// client's address (never the password, nor an unknown email as typed).
    pub async fn record_failed_login(
        &self,
        user_id: Option<&str>,
        address: &str,
        now: Millis,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let (subject, detail) = match user_id {
            Some(id) => (Subject::User(id), format!("from {address}")),
            None => (
                Subject::UnknownLogin,
                format!("unknown email, from {address}"),
            ),
        };
        tx.audit(By::system(now), "session.login_failed", subject, &detail)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The account a live device token was given to at a successful sign-in, if any.
    pub async fn device_user(&self, token_hash: &str, now: Millis) -> StoreResult<Option<String>> {
        Ok(sqlx::query(
            "select user_id from device_tokens where token_hash = $1 and expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?
        .map(|r| r.try_get("user_id"))
        .transpose()?)
    }

    /// Stores a device token for `user_id`, replacing the one the browser had.
    pub async fn add_device(
        &self,
        token_hash: &str,
        user_id: &str,
        replaces: Option<&str>,
        now: Millis,
        expires_at: Millis,
    ) -> StoreResult<()> {
        let held = Held::Device;
        let tx = self
            .replace(held, token_hash, user_id, replaces, now, expires_at)
            .await?;
        tx.commit().await
    }

    /// Stores a new session or device token in a transaction that also deletes the one it
    /// replaces, and hands the transaction back uncommitted.
    async fn replace(
        &self,
        held: Held,
        hash: &str,
        user_id: &str,
        replaces: Option<&str>,
        now: Millis,
        expires_at: Millis,
    ) -> StoreResult<Tx> {
        let (delete, insert) = held.statements();
        let mut tx = self.begin_write().await?;
        if let Some(old) = replaces {
            sqlx::query(delete).bind(old).execute(&mut *tx).await?;
        }
        sqlx::query(insert)
            .bind(hash)
            .bind(user_id)
            .bind(now)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    pub async fn delete_session(&self, id_hash: &str) -> StoreResult<()> {
        sqlx::query("delete from sessions where id_hash = $1")
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The active account behind a live session, if any: not past its absolute lifetime, nor
    /// idle longer than `idle_ms` allows (admins, consumers). A use is recorded in `last_seen_at`
    /// at most every `seen_every_ms`, so reading a session rarely writes.
    pub async fn session_account(
        &self,
        id_hash: &str,
        now: Millis,
        idle_ms: (Millis, Millis),
        seen_every_ms: Millis,
    ) -> StoreResult<Option<AccountRow>> {
        let sql = format!(
            "select {ACCOUNT_COLUMNS}, s.last_seen_at from sessions s join users u on u.id = s.user_id \
             where s.id_hash = $1 and s.expires_at > $2 and u.status = 'active' \
             and u.approval = 'approved' and u.email_confirmed = 1 and s.last_seen_at > $2 - case when {ADMIN_ROLE} then $3 else $4 end"
        );
        let Some(row) = sqlx::query(&sql)
            .bind(id_hash)
            .bind(now)
            .bind(idle_ms.0)
            .bind(idle_ms.1)
            .fetch_optional(&self.pool)
            .await?
        else {
            return Ok(None);
        };
        let seen: Millis = row.try_get("last_seen_at")?;
        if now - seen >= seen_every_ms {
            sqlx::query(
                "update sessions set last_seen_at = $1 where id_hash = $2 and last_seen_at = $3",
            )
            .bind(now)
            .bind(id_hash)
            .bind(seen)
            .execute(&self.pool)
            .await?;
        }
        Ok(Some(account_row(&row)?))
    }

    /// Ends every session of the user (sign out everywhere).
    pub async fn end_all_sessions(&self, user_id: &str) -> StoreResult<()> {
        sqlx::query("delete from sessions where user_id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
