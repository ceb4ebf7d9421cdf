//! The account page in the store: a signed-in person's own data, names and password.

use super::outbox::{NewEmail, insert_email};
use super::tokens::{Purpose, revoke_live};
use super::users::{Person, commit_user_change, person_of};
use super::{By, Millis, Store, StoreError, StoreResult, Tx};
use crate::domain::account::AccountView;
use sqlx::Row as _;

impl Store {
    /// Sets a signed-in user's new password, ends their other sessions and queues "password
    /// changed".
    pub async fn change_password(
        &self,
        user_id: &str,
        password_hash: &str,
        keep_session: &str,
        changed: impl FnOnce(&Person) -> NewEmail,
        now: Millis,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("select first_name, last_name, email from users where id = $1")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let person = person_of(&row)?;
        set_password(&mut tx, user_id, password_hash, Some(keep_session), now).await?;
        revoke_live(&mut tx, Purpose::PasswordReset, Some(user_id), now).await?;
        insert_email(&mut tx, &changed(&person), now).await?;
        commit_user_change(tx, By::user(user_id, now), "password.changed", user_id, "").await?;
        Ok(())
    }

    /// The signed-in person's own account: names, email, organization and teams.
    pub async fn account(&self, user_id: &str) -> StoreResult<Option<AccountView>> {
        let Some(row) = sqlx::query(
            "select u.first_name, u.last_name, u.email, u.role, o.name as organization \
             from users u left join organizations o on o.id = u.organization_id where u.id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let teams = sqlx::query(
            "select t.name from team_memberships m join teams t on t.id = m.team_id \
             where m.user_id = $1 order by t.is_default desc, lower(t.name)",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| r.try_get("name"))
        .collect::<Result<_, _>>()?;
        Ok(Some(AccountView {
            first_name: row.try_get("first_name")?,
            last_name: row.try_get("last_name")?,
            email: row.try_get("email")?,
            role: row.try_get("role")?,
            organization: row.try_get("organization")?,
            teams,
        }))
    }

    /// Changes the signed-in person's own names.
    pub async fn rename_self(
        &self,
        user_id: &str,
        first_name: &str,
        last_name: &str,
        now: Millis,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "update users set first_name = $1, last_name = $2, updated_at = $3 where id = $4",
        )
        .bind(first_name)
        .bind(last_name)
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        commit_user_change(tx, By::user(user_id, now), "user.renamed_self", user_id, "").await
    }
}

/// Stores a new password hash and ends the user's sessions but `keep_session`.
pub(super) async fn set_password(
    tx: &mut Tx,
    user_id: &str,
    password_hash: &str,
    keep_session: Option<&str>,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "update users set password_hash = $1, must_change_password = 0, updated_at = $2 where id = $3",
    )
    .bind(password_hash)
    .bind(now)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("delete from sessions where user_id = $1 and id_hash <> $2")
        .bind(user_id)
        .bind(keep_session.unwrap_or(""))
        .execute(&mut **tx)
        .await?;
    Ok(())
}
