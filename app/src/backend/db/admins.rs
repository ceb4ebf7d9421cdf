//! Admins: listed, added (with a password or to be invited), edited, activated, deactivated and
//! deleted,
//! under two rules the store enforces: a provider-admin never changes a super-admin, and the last
//! active super-admin stays.

use super::Audience;
use super::outbox::NewEmail;
use super::tokens::{Purpose, revoke_live};
use super::users::{Person, commit_user_change, set_status, status_of};
use super::{ADMIN_ROLE, By, Millis, Store, StoreError, StoreResult, Subject, Tx, decoded, new_id};
use crate::domain::Role;
use crate::domain::account::AccountStatus;
use crate::domain::admin::AdminRow;
use sqlx::Row as _;

/// What an admin does to another admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminChange {
    Activate,
    Deactivate,
    Delete,
}

impl Store {
    pub async fn list_admins(&self, now: Millis) -> StoreResult<Vec<AdminRow>> {
        let rows = sqlx::query(&format!(
            "select id, first_name, last_name, email, role, list_status, invite_expires_at, created_at \
             from users u where {ADMIN_ROLE} order by lower(last_name), lower(first_name), id limit 1000"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let list_status: String = r.try_get("list_status")?;
                Ok(AdminRow {
                    id: r.try_get("id")?,
                    first_name: r.try_get("first_name")?,
                    last_name: r.try_get("last_name")?,
                    email: r.try_get("email")?,
                    role: decoded(r, "role", Role::parse)?,
                    status: status_of(&list_status, r.try_get("invite_expires_at")?, now),
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Adds an admin from Settings > Admins. Only a super-admin adds a super-admin.
    pub async fn add_admin(
        &self,
        admin: &NewAdmin<'_>,
        (by, actor_role): (By<'_>, Role),
    ) -> StoreResult<String> {
        if admin.role == Role::SuperAdmin && actor_role != Role::SuperAdmin {
            return Err(StoreError::Forbidden);
        }
        let mut tx = self.begin_write().await?;
        let id = insert_admin(&mut tx, admin, by.now).await?;
        commit_user_change(tx, by, "admin.created", &id, admin.role.as_str()).await?;
        Ok(id)
    }

    /// The role of the admin with this id (`None` when it is not an admin).
    pub async fn admin_role(&self, id: &str) -> StoreResult<Option<Role>> {
        let row = sqlx::query(&format!(
            "select role from users u where u.id = $1 and {ADMIN_ROLE}"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| decoded(&r, "role", Role::parse)).transpose()
    }

    /// Activates, deactivates (ending sessions, invitations and API tokens) or deletes an admin;
    /// never the acting admin themselves.
    pub async fn change_admin(
        &self,
        id: &str,
        change: AdminChange,
        (by, actor_role): (By<'_>, Role),
        notice: impl FnOnce(&Person) -> NewEmail,
    ) -> StoreResult<()> {
        let now = by.now;
        // Nobody locks themselves out (nor, through the REST API, kills the token they act with).
        if by.actor == Some(id) && change != AdminChange::Activate {
            return Err(StoreError::Conflict(
                "You cannot deactivate or delete your own account: ask another admin.",
            ));
        }
        let mut tx = self.begin_write().await?;
        let (role, active, email) = self.locked_admin(&mut tx, id).await?;
        if role == Role::SuperAdmin {
            if actor_role != Role::SuperAdmin {
                return Err(StoreError::Forbidden);
            }
            if active && change != AdminChange::Activate {
                keeps_a_super_admin(&mut tx, id).await?;
            }
        }
        match change {
            AdminChange::Delete => {
                sqlx::query("delete from users where id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                tx.audit(by, "admin.deleted", Subject::User(id), &email)
                    .await?;
                tx.commit().await?;
                Ok(())
            }
            AdminChange::Activate | AdminChange::Deactivate => {
                let activate = change == AdminChange::Activate;
                set_status(&mut tx, id, Audience::Admins, activate, notice, now).await?;
                let action = if activate {
                    "admin.activated"
                } else {
                    "admin.deactivated"
                };
                commit_user_change(tx, by, action, id, "").await
            }
        }
    }
}

/// Refuses (a `Conflict`) a change that would leave no active super admin besides `id`.
async fn keeps_a_super_admin(tx: &mut Tx, id: &str) -> StoreResult<()> {
    let others: i64 = sqlx::query(
        "select count(*) as n from users where role = 'super-admin' and status = 'active' and id <> $1",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?
    .try_get("n")?;
    if others == 0 {
        return Err(StoreError::Conflict(
            "This is the last active super admin: make another admin a super admin first.",
        ));
    }
    Ok(())
}

impl Store {
    /// Takes the admins' lock (Postgres) and reads the admin `id`'s role, whether they are
    /// active, and their email; `NotFound` for anyone else.
    async fn locked_admin(&self, tx: &mut Tx, id: &str) -> StoreResult<(Role, bool, String)> {
        if let Some(lock) = self.dialect.lock_admins() {
            sqlx::query(lock).execute(&mut **tx).await?;
        }
        let row = sqlx::query(&format!(
            "select role, status, email from users u where u.id = $1 and {ADMIN_ROLE}"
        ))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok((
            decoded(&row, "role", Role::parse)?,
            decoded(&row, "status", AccountStatus::parse)? == AccountStatus::Active,
            row.try_get("email")?,
        ))
    }
}

/// What "Edit" changes of an admin.
pub struct AdminEdit<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub role: Role,
}

impl Store {
    /// Changes an admin's names, email and role under the rules of the others: only a
    /// super-admin changes a super-admin or makes one, or another admin's email, and the last
    /// active super-admin stays one. A changed email revokes the links mailed to the old one and ends the admin's
    /// sessions (but the acting admin's own, when they edit themselves). A taken email is
    /// `Unique`.
    pub async fn update_admin(
        &self,
        id: &str,
        edit: &AdminEdit<'_>,
        (by, actor_role): (By<'_>, Role),
    ) -> StoreResult<()> {
        let now = by.now;
        let themselves = by.actor == Some(id);
        let mut tx = self.begin_write().await?;
        let (role, active, email_before) = self.locked_admin(&mut tx, id).await?;
        let super_involved = role == Role::SuperAdmin || edit.role == Role::SuperAdmin;
        if super_involved && actor_role != Role::SuperAdmin {
            return Err(StoreError::Forbidden);
        }
        // Whoever sets an admin's address receives their password reset: only the admin
        // themselves or a super admin may (a provider admin would take over a peer's account).
        let email_changed = email_before.to_lowercase() != edit.email.to_lowercase();
        // Nor may an API token change its own admin's address: a leaked token must not become a
        // password reset, and so an account.
        if email_changed && themselves && by.via.is_some() {
            return Err(StoreError::Conflict(
                "An API token cannot change its own admin's email address: sign in to change it.",
            ));
        }
        if email_changed && !themselves && actor_role != Role::SuperAdmin {
            return Err(StoreError::Conflict(
                "Only a super admin can change another admin's email address.",
            ));
        }
        if role == Role::SuperAdmin && edit.role != Role::SuperAdmin && active {
            keeps_a_super_admin(&mut tx, id).await?;
        }
        sqlx::query(
            "update users set first_name = $1, last_name = $2, email = $3, role = $4, updated_at = $5 \
             where id = $6",
        )
        .bind(edit.first_name)
        .bind(edit.last_name)
        .bind(edit.email)
        .bind(edit.role.as_str())
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if email_changed {
            revoke_live(&mut tx, Purpose::Invitation, Some(id), now).await?;
            revoke_live(&mut tx, Purpose::PasswordReset, Some(id), now).await?;
            if !themselves {
                sqlx::query("delete from sessions where user_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let detail = match (role != edit.role, email_changed) {
            (false, false) => String::new(),
            (true, false) => format!("role: {}", edit.role.as_str()),
            (false, true) => "email changed: links to the old address revoked".to_owned(),
            (true, true) => format!(
                "role: {}; email changed: links to the old address revoked",
                edit.role.as_str()
            ),
        };
        commit_user_change(tx, by, "admin.updated", id, &detail).await
    }
}

/// A new admin account.
pub struct NewAdmin<'a> {
    pub email: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub role: Role,
    pub password_hash: Option<&'a str>,
    pub must_change_password: bool,
}

impl Store {
    pub async fn admin_exists(&self) -> StoreResult<bool> {
        let row = sqlx::query(&count_admins()).fetch_one(&self.pool).await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }

    /// Creates an admin: the first one is a super-admin whatever `role` says.
    pub async fn create_admin(&self, admin: &NewAdmin<'_>, now: Millis) -> StoreResult<String> {
        let mut tx = self.begin_write().await?;
        let id = insert_admin(&mut tx, admin, now).await?;
        tx.audit(
            By::system(now),
            "admin.created",
            Subject::User(&id),
            admin.email,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }
}

/// Counts the admins, as `n`.
pub(super) fn count_admins() -> String {
    format!("select count(*) as n from users u where {ADMIN_ROLE}")
}

/// Inserts an admin in the caller's transaction: the first one is a super-admin whatever
/// `admin.role` says.
pub(super) async fn insert_admin(
    tx: &mut Tx,
    admin: &NewAdmin<'_>,
    now: Millis,
) -> StoreResult<String> {
    let admins: i64 = sqlx::query(&count_admins())
        .fetch_one(&mut **tx)
        .await?
        .try_get("n")?;
    let role = if admins == 0 {
        Role::SuperAdmin
    } else {
        admin.role
    };
    let id = new_id();
    sqlx::query(
        "insert into users (id, email, first_name, last_name, role, organization_id, status, \
         password_hash, must_change_password, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, null, 'active', $6, $7, $8, $8)",
    )
    .bind(&id)
    .bind(admin.email)
    .bind(admin.first_name)
    .bind(admin.last_name)
    .bind(role.as_str())
    .bind(admin.password_hash)
    .bind(i64::from(admin.must_change_password))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}
