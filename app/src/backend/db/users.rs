//! API consumers' lifecycle: creating, editing, the overview, status changes and deletion.
//! The users table's pages are in `user_list`, their links in `tokens`.

use super::outbox::{NewEmail, insert_email};
use super::tokens::{Purpose, insert_token, revoke_live};
use super::{
    Audience, By, CONSUMER_ROLE, Millis, Store, StoreError, StoreResult, Subject, Tx, decoded,
    new_id,
};
use crate::domain::Role;
use crate::domain::user::{
    AuditRecord, Choice, InvitationRecord, UserDetail, UserListItem, UserStatus, ValidUserForm,
};
use sqlx::Row as _;
use sqlx::any::AnyRow;

/// A consumer to create; validation already happened.
pub struct NewUser<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub organization_id: &'a str,
    pub team_ids: &'a [String],
    pub role: Role,
    pub password_hash: Option<&'a str>,
    pub must_change_password: bool,
}

impl<'a> NewUser<'a> {
    /// The user a validated "Add user", "Edit" or "Invite new user" form describes.
    pub fn from_form(valid: &'a ValidUserForm, password_hash: Option<&'a str>) -> Self {
        Self {
            first_name: valid.first_name.as_str(),
            last_name: valid.last_name.as_str(),
            email: valid.email.as_str(),
            organization_id: &valid.organization_id,
            team_ids: &valid.team_ids,
            role: valid.role,
            password_hash,
            must_change_password: valid.must_change_password,
        }
    }
}

/// Who an email goes to.
#[derive(Debug, Clone)]
pub struct Person {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

impl Person {
    /// The signed-in user, as an email names them.
    pub fn of(user: &crate::domain::CurrentUser) -> Self {
        Self {
            first_name: user.first_name.clone(),
            last_name: user.last_name.clone(),
            email: user.email.clone(),
        }
    }
}

/// The shown status: `list_status`, with an invitation past its expiry read as "Not invited".
pub(super) fn status_of(
    list_status: &str,
    invite_expires: Option<Millis>,
    now: Millis,
) -> UserStatus {
    match list_status {
        "inactive" => UserStatus::Inactive,
        "pending" => UserStatus::PendingApproval,
        "active" => UserStatus::Active,
        "invited" if invite_expires.is_some_and(|at| at > now) => UserStatus::Invited,
        _ => UserStatus::NotInvited,
    }
}

/// Ends a change to a user: recomputes the shown status, notes `action` in the audit log and
/// commits. Every change to a user's password, status, approval or invitations ends here.
pub(super) async fn commit_user_change(
    mut tx: Tx,
    by: By<'_>,
    action: &str,
    user_id: &str,
    detail: &str,
) -> StoreResult<()> {
    refresh_list_status(&mut tx, user_id, by.now).await?;
    tx.audit(by, action, Subject::User(user_id), detail).await?;
    tx.commit().await?;
    Ok(())
}

/// Recomputes a user's `invite_expires_at` and `list_status` inside the caller's transaction. An
/// invitation already expired at `now` is stored as 'not-invited', as the sweeper would store it
/// (`Store::sweep_expired_invitations`), so the tally of "Invited" never counts it again.
async fn refresh_list_status(tx: &mut Tx, user_id: &str, now: Millis) -> StoreResult<()> {
    sqlx::query(
        "update users set invite_expires_at = (select max(i.expires_at) from one_time_tokens i \
         where i.user_id = users.id and i.purpose = 'invitation' and i.used_at is null and i.revoked_at is null) \
         where id = $1",
    )
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "update users set list_status = case \
         when status = 'inactive' or approval = 'rejected' then 'inactive' \
         when approval = 'pending' or email_confirmed = 0 then 'pending' \
         when password_hash is not null then 'active' \
         when invite_expires_at > $2 then 'invited' \
         else 'not-invited' end where id = $1",
    )
    .bind(user_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Creates a consumer in its organization's chosen teams (the default team when none).
    pub async fn create_user(&self, user: &NewUser<'_>, by: By<'_>) -> StoreResult<String> {
        let mut tx = self.begin_write().await?;
        let id = insert_user(&mut tx, user, by.now).await?;
        let how = if user.password_hash.is_some() {
            "with a password"
        } else {
            "without a password"
        };
        commit_user_change(tx, by, "user.created", &id, how).await?;
        Ok(id)
    }

    /// Creates a consumer without a password together with their invitation link and its email,
    /// in one transaction: a consumer admin's "Invite new user" (SPEC §8.2) never leaves a user
    /// whose invitation was lost. Answers the new user's id.
    pub async fn create_invited_user(
        &self,
        user: &NewUser<'_>,
        token_hash: &str,
        expires_at: Millis,
        email: impl FnOnce(&str) -> NewEmail,
        by: By<'_>,
    ) -> StoreResult<String> {
        let mut tx = self.begin_write().await?;
        let id = insert_user(&mut tx, user, by.now).await?;
        tx.audit(by, "user.created", Subject::User(&id), "without a password")
            .await?;
        let token_id = insert_token(
            &mut tx,
            token_hash,
            Purpose::Invitation,
            Some(&id),
            by.actor,
            by.now,
            expires_at,
        )
        .await?;
        insert_email(&mut tx, &email(&token_id), by.now).await?;
        commit_user_change(tx, by, "invitation.sent", &id, "").await?;
        Ok(id)
    }

    /// Changes a consumer's names, email, role, organization and teams. A move to another
    /// organization drops the old teams; no teams chosen means the organization's default team.
    pub async fn update_user(&self, id: &str, user: &NewUser<'_>, by: By<'_>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(&format!(
            "select u.organization_id, u.email from users u where u.id = $1 and {CONSUMER_ROLE}{}",
            self.dialect.lock_row()
        ))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let before: String = row.try_get("organization_id")?;
        let email_before: String = row.try_get("email")?;
        sqlx::query("delete from team_memberships where user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "update users set first_name = $1, last_name = $2, email = $3, role = $4, organization_id = $5, \
             updated_at = $6 where id = $7",
        )
        .bind(user.first_name)
        .bind(user.last_name)
        .bind(user.email)
        .bind(user.role.as_str())
        .bind(user.organization_id)
        .bind(by.now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let moved = before != user.organization_id;
        if moved {
            super::apps::revoke_owned(&mut tx, id, Some(user.organization_id), by.now).await?;
        }
        let team_ids: Vec<String> = if moved {
            // The old organization's teams, still chosen in a form posted without JavaScript, go
            // with the move; a team of a third organization is still refused below.
            let old: Vec<String> = sqlx::query("select id from teams where organization_id = $1")
                .bind(&before)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| r.try_get("id"))
                .collect::<Result<_, _>>()?;
            user.team_ids
                .iter()
                .filter(|t| !old.contains(t))
                .cloned()
                .collect()
        } else {
            user.team_ids.to_vec()
        };
        set_teams(&mut tx, id, user.organization_id, &team_ids, by.now).await?;
        // The old address loses every power it had: links mailed to it and sessions signed in
        // with it. (The acting admin is an admin, never this consumer, so their session stays.)
        let email_changed = email_before.to_lowercase() != user.email.to_lowercase();
        if email_changed {
            revoke_live(&mut tx, Purpose::Invitation, Some(id), by.now).await?;
            revoke_live(&mut tx, Purpose::PasswordReset, Some(id), by.now).await?;
            sqlx::query("delete from sessions where user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let detail = match (moved, email_changed) {
            (false, false) => "",
            (true, false) => "moved to another organization",
            (false, true) => "email changed: links to the old address revoked, sessions ended",
            (true, true) => {
                "moved to another organization; email changed: links to the old address revoked, \
                 sessions ended"
            }
        };
        commit_user_change(tx, by, "user.updated", id, detail).await
    }

    /// Everything the overview page shows of one consumer.
    pub async fn user_detail(&self, id: &str, now: Millis) -> StoreResult<Option<UserDetail>> {
        let row = sqlx::query(&format!(
            "select {ROW_COLUMNS}, u.role, u.organization_id, u.must_change_password \
             from users u join organizations o on o.id = u.organization_id where u.id = $1 and {CONSUMER_ROLE}"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let item = list_item(&row, now)?;
        let teams = sqlx::query(
            "select t.id, t.name from team_memberships m join teams t on t.id = m.team_id \
             where m.user_id = $1 order by lower(t.name)",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Choice {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
        let invitations = sqlx::query(
            "select i.created_at, i.expires_at, i.used_at, i.revoked_at, e.sent_at, e.status as email_status \
             from one_time_tokens i left join email_outbox e on e.related_token_id = i.id \
             where i.user_id = $1 and i.purpose = 'invitation' order by i.created_at desc, i.id desc",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(InvitationRecord {
                created_at: r.try_get("created_at")?,
                expires_at: r.try_get("expires_at")?,
                accepted_at: r.try_get("used_at")?,
                revoked_at: r.try_get("revoked_at")?,
                delivered_at: r.try_get("sent_at")?,
                email_status: r.try_get("email_status")?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
        let audit = sqlx::query(
            "select a.at, a.action, a.detail, a.via, actor.email as actor from audit_log a \
             left join users actor on actor.id = a.actor_id \
             where a.subject_type = 'user' and a.subject_id = $1 order by a.at desc, a.id desc limit 100",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(AuditRecord {
                at: r.try_get("at")?,
                action: r.try_get("action")?,
                actor: r.try_get("actor")?,
                detail: r.try_get("detail")?,
                via: r.try_get("via")?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
        Ok(Some(UserDetail {
            role: decoded(&row, "role", Role::parse)?,
            organization_id: row.try_get("organization_id")?,
            must_change_password: row.try_get::<i64, _>("must_change_password")? == 1,
            has_password: row.try_get::<i64, _>("has_password")? == 1,
            invitation_expires_at: row
                .try_get::<Option<Millis>, _>("invite_expires_at")?
                .filter(|at| *at > now),
            id: item.id,
            first_name: item.first_name,
            last_name: item.last_name,
            email: item.email,
            organization: item.organization,
            teams,
            status: item.status,
            created_at: item.created_at,
            invitations,
            audit,
        }))
    }

    /// The name and email of a consumer or an admin, for an email to them.
    pub async fn person(&self, id: &str, audience: Audience) -> StoreResult<Option<Person>> {
        let row = sqlx::query(&format!(
            "select u.first_name, u.last_name, u.email from users u where u.id = $1 and {}",
            audience.predicate()
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(person_of).transpose()
    }

    /// Activates or deactivates a consumer (see `set_status`).
    pub async fn set_user_active(
        &self,
        user_id: &str,
        active: bool,
        notice: impl FnOnce(&Person) -> NewEmail,
        by: By<'_>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        set_status(
            &mut tx,
            user_id,
            Audience::Consumers,
            active,
            notice,
            by.now,
        )
        .await?;
        let action = if active {
            "user.activated"
        } else {
            "user.deactivated"
        };
        commit_user_change(tx, by, action, user_id, "").await?;
        Ok(())
    }

    /// Deletes a consumer with their sessions, memberships and links; answers their email.
    pub async fn delete_user(&self, user_id: &str, by: By<'_>) -> StoreResult<String> {
        let mut tx = self.begin_write().await?;
        let email: String = sqlx::query(&format!(
            "select u.email from users u where u.id = $1 and {CONSUMER_ROLE}"
        ))
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?
        .try_get("email")?;
        super::apps::revoke_owned(&mut tx, user_id, None, by.now).await?;
        sqlx::query("delete from users where id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.audit(by, "user.deleted", Subject::User(user_id), &email)
            .await?;
        tx.commit().await?;
        Ok(email)
    }
}

/// The `first_name`, `last_name` and `email` columns of a row.
pub(super) fn person_of(row: &AnyRow) -> StoreResult<Person> {
    Ok(Person {
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        email: row.try_get("email")?,
    })
}

/// Sets the stored status of a user of `audience` in the caller's transaction (`NotFound` for
/// anyone else); deactivation ends their sessions and invitations. When the status changes for
/// someone who has a password (who signs in), `notice` composes the email that tells them
/// ("account activated" or "deactivated").
pub(super) async fn set_status(
    tx: &mut Tx,
    user_id: &str,
    audience: Audience,
    active: bool,
    notice: impl FnOnce(&Person) -> NewEmail,
    now: Millis,
) -> StoreResult<()> {
    let status = if active { "active" } else { "inactive" };
    let row = sqlx::query(&format!(
        "select u.first_name, u.last_name, u.email, u.status, u.password_hash from users u \
         where u.id = $1 and {}",
        audience.predicate()
    ))
    .bind(user_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    let changed = row.try_get::<String, _>("status")? != status;
    let has_password = row.try_get::<Option<String>, _>("password_hash")?.is_some();
    sqlx::query("update users set status = $1, updated_at = $2 where id = $3")
        .bind(status)
        .bind(now)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    if !active {
        sqlx::query("delete from sessions where user_id = $1")
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
        revoke_live(tx, Purpose::Invitation, Some(user_id), now).await?;
        super::apps::revoke_owned(tx, user_id, None, now).await?;
        // An admin's API tokens end with the deactivation, and do not come back with an
        // activation (SPEC §11: a token "loses" its power).
        sqlx::query(
            "update api_tokens set revoked_at = $2 where admin_id = $1 and revoked_at is null",
        )
        .bind(user_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    if changed && has_password {
        insert_email(tx, &notice(&person_of(&row)?), now).await?;
    }
    Ok(())
}

/// Inserts an active, approved consumer and their teams; answers the new id.
async fn insert_user(tx: &mut Tx, user: &NewUser<'_>, now: Millis) -> StoreResult<String> {
    let id = new_id();
    sqlx::query(
        "insert into users (id, email, first_name, last_name, role, organization_id, status, approval, \
         password_hash, must_change_password, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, 'active', 'approved', $7, $8, $9, $9)",
    )
    .bind(&id)
    .bind(user.email)
    .bind(user.first_name)
    .bind(user.last_name)
    .bind(user.role.as_str())
    .bind(user.organization_id)
    .bind(user.password_hash)
    .bind(i64::from(user.must_change_password))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    set_teams(tx, &id, user.organization_id, user.team_ids, now).await?;
    Ok(id)
}

/// Moves a consumer into `organization_id` with `role`, out of every team they were in and into
/// that organization's default team, in the caller's transaction.
pub(super) async fn move_to_organization(
    tx: &mut Tx,
    user_id: &str,
    organization_id: &str,
    role: Role,
    now: Millis,
) -> StoreResult<()> {
    super::apps::revoke_owned(tx, user_id, Some(organization_id), now).await?;
    sqlx::query("delete from team_memberships where user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("update users set organization_id = $1, role = $2, updated_at = $3 where id = $4")
        .bind(organization_id)
        .bind(role.as_str())
        .bind(now)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    set_teams(tx, user_id, organization_id, &[], now).await
}

/// Puts the user in `team_ids` (all of `organization_id`; the database refuses any other), or in
/// the organization's default team when none are given.
pub(super) async fn set_teams(
    tx: &mut Tx,
    user_id: &str,
    organization_id: &str,
    team_ids: &[String],
    now: Millis,
) -> StoreResult<()> {
    let mut teams: Vec<String> = team_ids.to_vec();
    teams.sort();
    teams.dedup();
    if teams.is_empty() {
        let default: String =
            sqlx::query("select id from teams where organization_id = $1 and is_default = 1")
                .bind(organization_id)
                .fetch_optional(&mut **tx)
                .await?
                .ok_or(StoreError::ForeignKey)?
                .try_get("id")?;
        teams.push(default);
    }
    for team in teams {
        sqlx::query("insert into team_memberships (user_id, team_id, organization_id, created_at) values ($1, $2, $3, $4)")
            .bind(user_id)
            .bind(&team)
            .bind(organization_id)
            .bind(now)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The columns `list_item` reads (`u` a user, `o` their organization).
pub(super) const ROW_COLUMNS: &str = "u.id, u.first_name, u.last_name, u.email, u.list_status, u.invite_expires_at, \
     u.created_at, case when u.password_hash is null then 0 else 1 end as has_password, o.name as organization";

/// One row of the users table.
pub(super) fn list_item(row: &AnyRow, now: Millis) -> StoreResult<UserListItem> {
    let list_status: String = row.try_get("list_status")?;
    let invite_expires: Option<Millis> = row.try_get("invite_expires_at")?;
    Ok(UserListItem {
        id: row.try_get("id")?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        email: row.try_get("email")?,
        organization: row.try_get("organization")?,
        teams: Vec::new(),
        status: status_of(&list_status, invite_expires, now),
        created_at: row.try_get("created_at")?,
    })
}
