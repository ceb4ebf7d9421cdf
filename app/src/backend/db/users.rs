//! API consumers: creating, listing (keyset pages), the overview, invitations and status changes.

use super::outbox::{NewEmail, insert_email};
use super::query::{Bind, Sql};
use super::{Millis, Store, StoreError, StoreResult, Tx, audit, new_id};
use crate::domain::Role;
use crate::domain::user::{
    AuditRecord, Choice, InvitationRecord, TeamChoice, UserDetail, UserListItem, UserPage,
    UserSort, UserStatus,
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

/// Whom an invitation token was made for.
#[derive(Debug, Clone)]
pub struct InvitationOwner {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

/// What the users table asks for.
#[derive(Debug, Clone, Default)]
pub struct UserQuery {
    pub search: Option<String>,
    pub organization_id: Option<String>,
    pub team_id: Option<String>,
    pub status: Option<UserStatus>,
    pub sort: UserSort,
    pub cursor: Option<String>,
    pub limit: i64,
}

impl UserQuery {
    /// The search as typed, trimmed; `None` when there is nothing to search for.
    fn search_text(&self) -> Option<&str> {
        self.search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
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

/// Where the users table stops counting.
pub const COUNT_CAP: i64 = 1_000;

const CONSUMER: &str = "u.role in ('consumer-admin', 'consumer-team-member')";

/// Which kind of user a lookup may find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Consumers,
    Admins,
}

impl Audience {
    fn predicate(self) -> &'static str {
        match self {
            Self::Consumers => CONSUMER,
            Self::Admins => "u.role in ('super-admin', 'provider-admin')",
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

/// The filter for one shown status; it matches `status_of` exactly.
fn status_filter(sql: &mut Sql, status: UserStatus, now: Millis) {
    match status {
        UserStatus::Inactive => {
            sql.push(" and u.list_status = 'inactive'");
        }
        UserStatus::PendingApproval => {
            sql.push(" and u.list_status = 'pending'");
        }
        UserStatus::Active => {
            sql.push(" and u.list_status = 'active'");
        }
        UserStatus::Invited => {
            let now = sql.bind(Bind::Int(now));
            sql.push(&format!(
                " and u.list_status = 'invited' and u.invite_expires_at > {now}"
            ));
        }
        UserStatus::NotInvited => {
            let now = sql.bind(Bind::Int(now));
            sql.push(&format!(
                " and (u.list_status = 'not-invited' or (u.list_status = 'invited' and u.invite_expires_at <= {now}))"
            ));
        }
    }
}

/// Ends a change to a user: recomputes the shown status, notes `action` in the audit log and
/// commits. Every change to a user's password, status, approval or invitations ends here.
pub(super) async fn commit_user_change(
    mut tx: Tx,
    user_id: &str,
    actor_id: Option<&str>,
    action: &str,
    detail: &str,
    now: Millis,
) -> StoreResult<()> {
    refresh_list_status(&mut tx, user_id).await?;
    audit(
        &mut tx,
        now,
        actor_id,
        action,
        "user",
        Some(user_id),
        detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Recomputes a user's `invite_expires_at` and `list_status` inside the caller's transaction.
async fn refresh_list_status(tx: &mut Tx, user_id: &str) -> StoreResult<()> {
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
         when invite_expires_at is not null then 'invited' \
         else 'not-invited' end where id = $1",
    )
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

use crate::domain::cursor::{decode as decode_cursor, encode as encode_cursor};

impl Store {
    pub async fn organization_choices(&self) -> StoreResult<Vec<Choice>> {
        let rows = sqlx::query(
            "select id, name from organizations order by is_default desc, lower(name), id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Choice {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                })
            })
            .collect()
    }

    pub async fn team_choices(&self) -> StoreResult<Vec<TeamChoice>> {
        let rows = sqlx::query(
            "select id, name, organization_id, is_default from teams order by is_default desc, lower(name), id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TeamChoice {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    organization_id: r.try_get("organization_id")?,
                    is_default: r.try_get::<i64, _>("is_default")? == 1,
                })
            })
            .collect()
    }

    /// Creates a consumer in its organization's chosen teams (the default team when none).
    pub async fn create_user(
        &self,
        user: &NewUser<'_>,
        actor_id: &str,
        now: Millis,
    ) -> StoreResult<String> {
        let mut tx = self.begin_write().await?;
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
        .execute(&mut *tx)
        .await?;
        set_teams(&mut tx, &id, user.organization_id, user.team_ids, now).await?;
        let how = if user.password_hash.is_some() {
            "with a password"
        } else {
            "without a password"
        };
        commit_user_change(tx, &id, Some(actor_id), "user.created", how, now).await?;
        Ok(id)
    }

    /// Changes a consumer's names, email, role, organization and teams. A move to another
    /// organization drops the old teams; no teams chosen means the organization's default team.
    pub async fn update_user(
        &self,
        id: &str,
        user: &NewUser<'_>,
        actor_id: &str,
        now: Millis,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(&format!(
            "select u.organization_id, u.email from users u where u.id = $1 and {CONSUMER}{}",
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
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let moved = before != user.organization_id;
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
        set_teams(&mut tx, id, user.organization_id, &team_ids, now).await?;
        // The old address loses every power it had: links mailed to it and sessions signed in
        // with it. (The acting admin is an admin, never this consumer, so their session stays.)
        let email_changed = email_before.to_lowercase() != user.email.to_lowercase();
        if email_changed {
            revoke_live_invitations(&mut tx, id, now).await?;
            super::accounts::revoke_live_resets(&mut tx, id, now).await?;
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
        commit_user_change(tx, id, Some(actor_id), "user.updated", detail, now).await
    }

    /// A page of consumers, newest first unless sorted otherwise, with the total that match.
    /// Counting stops at `COUNT_CAP` (`total_is_capped`), so a page costs about the same at a
    /// million users as at ten thousand; `count_users` gives the exact total past it.
    pub async fn list_users(&self, query: &UserQuery, now: Millis) -> StoreResult<UserPage> {
        let mut count = Sql::new(&format!(
            "select count(*) as n from (select 1 from users u where {CONSUMER}"
        ));
        push_filters(&mut count, query, now, Plan::Indexed);
        let cap = count.bind(Bind::Int(COUNT_CAP + 1));
        count.push(&format!(" limit {cap}) capped"));
        let counted: i64 = count.query().fetch_one(&self.pool).await?.try_get("n")?;
        let (total, total_is_capped) = if counted > COUNT_CAP {
            (COUNT_CAP, true)
        } else {
            (counted, false)
        };

        let limit = query.limit.clamp(1, 200);
        let searching = query.search_text().is_some();
        // A search matching more than the count's cap, newest first: its first matches are almost
        // always among the most recent users, so walk those newest first before sorting every match.
        let mut rows = Vec::new();
        if total_is_capped
            && searching
            && query.sort == UserSort::Created
            && self.dialect.walks_recent_first()
        {
            rows = page_query(query, now, limit, Plan::RecentFirst)
                .query()
                .fetch_all(&self.pool)
                .await?;
        }
        if rows.len() as i64 <= limit {
            rows = page_query(query, now, limit, Plan::Indexed)
                .query()
                .fetch_all(&self.pool)
                .await?;
        }
        // The cursor holds the sort keys as the database computed them (its lower() is not
        // Rust's for every letter), so the next page starts exactly after this one.
        let next_cursor = if rows.len() as i64 > limit {
            rows.truncate(limit as usize);
            rows.last()
                .map(|row| -> StoreResult<String> {
                    let key = |column: &str| row.try_get::<String, _>(column);
                    Ok(encode_cursor(&match query.sort {
                        UserSort::Created => {
                            vec![row.try_get::<i64, _>("created_at")?.to_string(), key("id")?]
                        }
                        UserSort::Name => vec![key("key_last")?, key("key_first")?, key("id")?],
                        UserSort::Email => vec![key("key_email")?, key("id")?],
                    }))
                })
                .transpose()?
        } else {
            None
        };
        let mut users = rows
            .iter()
            .map(|r| list_item(r, now))
            .collect::<StoreResult<Vec<_>>>()?;
        self.fill_teams(&mut users).await?;
        Ok(UserPage {
            users,
            total,
            total_is_capped,
            next_cursor,
        })
    }

    /// How many consumers match the search and filters, counted to the end: the exact total the
    /// users table shows beside a capped page. It reads an index entry per match, so the table
    /// asks for it apart from its pages. Admins have no organization (a check constraint) and so
    /// no teams: with an organization or a team chosen, every match is a consumer and the role
    /// test, which would read each row, is left out.
    pub async fn count_users(&self, query: &UserQuery, now: Millis) -> StoreResult<i64> {
        let mut count = match (
            query.search_text(),
            &query.organization_id,
            &query.team_id,
            query.status,
        ) {
            (None, None, None, None) => {
                let n = sqlx::query(&format!(
                    "select (select count(*) from users) - \
                     (select count(*) from users u where {}) as n",
                    Audience::Admins.predicate()
                ))
                .fetch_one(&self.pool)
                .await?;
                return Ok(n.try_get("n")?);
            }
            (None, None, Some(team), None) => {
                let mut sql = Sql::new("select count(*) as n from team_memberships m where ");
                let team = sql.bind(Bind::Text(team.clone()));
                sql.push(&format!("m.team_id = {team}"));
                return Ok(sql.query().fetch_one(&self.pool).await?.try_get("n")?);
            }
            (_, None, None, _) => Sql::new(&format!(
                "select count(*) as n from users u where {CONSUMER}"
            )),
            _ => Sql::new("select count(*) as n from users u where 1 = 1"),
        };
        push_filters(&mut count, query, now, Plan::Indexed);
        Ok(count.query().fetch_one(&self.pool).await?.try_get("n")?)
    }

    async fn fill_teams(&self, users: &mut [UserListItem]) -> StoreResult<()> {
        if users.is_empty() {
            return Ok(());
        }
        let mut sql = Sql::new(
            "select m.user_id, t.name from team_memberships m join teams t on t.id = m.team_id where m.user_id in (",
        );
        let placeholders: Vec<String> = users
            .iter()
            .map(|u| sql.bind(Bind::Text(u.id.clone())))
            .collect();
        sql.push(&placeholders.join(", "));
        sql.push(") order by lower(t.name)");
        for row in sql.query().fetch_all(&self.pool).await? {
            let user_id: String = row.try_get("user_id")?;
            let name: String = row.try_get("name")?;
            if let Some(user) = users.iter_mut().find(|u| u.id == user_id) {
                user.teams.push(name);
            }
        }
        Ok(())
    }

    /// Everything the overview page shows of one consumer.
    pub async fn user_detail(&self, id: &str, now: Millis) -> StoreResult<Option<UserDetail>> {
        let row = sqlx::query(&format!(
            "select {ROW_COLUMNS}, u.role, u.organization_id, u.must_change_password \
             from users u join organizations o on o.id = u.organization_id where u.id = $1 and {CONSUMER}"
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
            "select a.at, a.action, a.detail, actor.email as actor from audit_log a \
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
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
        let role: String = row.try_get("role")?;
        Ok(Some(UserDetail {
            role: Role::parse(&role).unwrap_or(Role::ConsumerTeamMember),
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

    /// Replaces the user's live invitation with a new one and queues its email, in one transaction.
    /// Refused for a user who has a password.
    pub async fn send_invitation(
        &self,
        user_id: &str,
        token_hash: &str,
        expires_at: Millis,
        email: impl FnOnce(&str) -> NewEmail,
        actor_id: &str,
        now: Millis,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
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
        if row.try_get::<String, _>("status")? != "active" {
            return Err(StoreError::Conflict(
                "This user is deactivated: activate them before inviting them.",
            ));
        }
        let revoked = revoke_live_invitations(&mut tx, user_id, now).await?;
        let token_id = new_id();
        sqlx::query(
            "insert into one_time_tokens (id, token_hash, purpose, user_id, created_by, created_at, expires_at) \
             values ($1, $2, 'invitation', $3, $4, $5, $6)",
        )
        .bind(&token_id)
        .bind(token_hash)
        .bind(user_id)
        .bind(actor_id)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        insert_email(&mut tx, &email(&token_id), now).await?;
        let action = if revoked > 0 {
            "invitation.resent"
        } else {
            "invitation.sent"
        };
        commit_user_change(tx, user_id, Some(actor_id), action, "", now).await?;
        Ok(())
    }

    /// Revokes the pending invitation of a user of `audience` (`NotFound` for anyone else, so
    /// an admin's invitation is out of reach of the consumers' "Revoke invite"); answers whether
    /// there was one.
    pub async fn revoke_invitation(
        &self,
        user_id: &str,
        audience: Audience,
        actor_id: &str,
        now: Millis,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        sqlx::query(&format!(
            "select u.id from users u where u.id = $1 and {}",
            audience.predicate()
        ))
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let revoked = revoke_live_invitations(&mut tx, user_id, now).await?;
        if revoked > 0 {
            commit_user_change(tx, user_id, Some(actor_id), "invitation.revoked", "", now).await?;
        }
        Ok(revoked > 0)
    }

    /// Activates or deactivates a consumer (see `set_status`).
    pub async fn set_user_active(
        &self,
        user_id: &str,
        active: bool,
        notice: impl FnOnce(&Person) -> NewEmail,
        actor_id: &str,
        now: Millis,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        set_status(&mut tx, user_id, Audience::Consumers, active, notice, now).await?;
        let action = if active {
            "user.activated"
        } else {
            "user.deactivated"
        };
        commit_user_change(tx, user_id, Some(actor_id), action, "", now).await?;
        Ok(())
    }

    /// Deletes a consumer with their sessions, memberships and links; answers their email.
    pub async fn delete_user(
        &self,
        user_id: &str,
        actor_id: &str,
        now: Millis,
    ) -> StoreResult<String> {
        let mut tx = self.begin_write().await?;
        let email: String = sqlx::query(&format!(
            "select u.email from users u where u.id = $1 and {CONSUMER}"
        ))
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?
        .try_get("email")?;
        sqlx::query("delete from users where id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            now,
            Some(actor_id),
            "user.deleted",
            "user",
            Some(user_id),
            &email,
        )
        .await?;
        tx.commit().await?;
        Ok(email)
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
        consume_token(&mut tx, token_hash, "invitation", now).await?;
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
        commit_user_change(tx, &user_id, Some(&user_id), "invitation.accepted", "", now).await?;
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

    /// Queues a notice to every active admin (at most one of its kind a window, see
    /// `queue_to_admins`) and notes the event on `user_id`'s audit trail.
    pub async fn notify_admins(
        &self,
        user_id: &str,
        action: &str,
        email: &NewEmail,
        now: Millis,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let sent = super::outbox::queue_to_admins(&mut tx, email, now).await?;
        let detail = if sent {
            "admins emailed"
        } else {
            "admins already emailed in this window"
        };
        audit(&mut tx, now, None, action, "user", Some(user_id), detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stores a setting, noting who changed it in the audit log.
    pub async fn set_setting(
        &self,
        key: &str,
        value: &str,
        actor_id: &str,
        now: Millis,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "insert into settings (key, value, updated_at) values ($1, $2, $3) \
             on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(key)
        .bind(value)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            now,
            Some(actor_id),
            "setting.changed",
            "setting",
            Some(key),
            value,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The stored values of three settings, as (key, value) pairs (a missing one is absent).
    pub async fn settings(&self, keys: &[&str; 3]) -> StoreResult<Vec<(String, String)>> {
        sqlx::query("select key, value from settings where key in ($1, $2, $3)")
            .bind(keys[0])
            .bind(keys[1])
            .bind(keys[2])
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("key")?, r.try_get("value")?)))
            .collect()
    }

    /// A setting's stored value, if any.
    pub async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(sqlx::query("select value from settings where key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| r.try_get("value"))
            .transpose()?)
    }
}

const ROW_COLUMNS: &str = "u.id, u.first_name, u.last_name, u.email, u.list_status, u.invite_expires_at, \
     u.created_at, case when u.password_hash is null then 0 else 1 end as has_password, o.name as organization";

fn list_item(row: &AnyRow, now: Millis) -> StoreResult<UserListItem> {
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

/// The `first_name`, `last_name` and `email` columns of a row.
pub(super) fn person_of(row: &AnyRow) -> StoreResult<Person> {
    Ok(Person {
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        email: row.try_get("email")?,
    })
}

/// Marks a live, unexpired link of `purpose` used; `NotFound` when it is not (any more). Of
/// concurrent attempts exactly one gets through.
pub(super) async fn consume_token(
    tx: &mut Tx,
    token_hash: &str,
    purpose: &str,
    now: Millis,
) -> StoreResult<()> {
    let consumed = sqlx::query(
        "update one_time_tokens set used_at = $1 where token_hash = $2 and purpose = $3 \
         and used_at is null and revoked_at is null and expires_at > $1",
    )
    .bind(now)
    .bind(token_hash)
    .bind(purpose)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if consumed == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
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
        revoke_live_invitations(tx, user_id, now).await?;
    }
    if changed && has_password {
        insert_email(tx, &notice(&person_of(&row)?), now).await?;
    }
    Ok(())
}

pub(super) async fn revoke_live_invitations(
    tx: &mut Tx,
    user_id: &str,
    now: Millis,
) -> StoreResult<u64> {
    Ok(sqlx::query(
        "update one_time_tokens set revoked_at = $1 where user_id = $2 and purpose = 'invitation' \
         and used_at is null and revoked_at is null",
    )
    .bind(now)
    .bind(user_id)
    .execute(&mut **tx)
    .await?
    .rows_affected())
}

/// Puts the user in `team_ids` (all of `organization_id`; the database refuses any other), or in
/// the organization's default team when none are given.
async fn set_teams(
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

/// How many of the most recent users the newest-first search walks before it sorts every match.
pub const RECENT_WINDOW: i64 = 20_000;

/// How the users table's page is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// The search and filters on their indexes, then sorted.
    Indexed,
    /// Newest first along the creation-time index, testing the search on each row, among the
    /// `RECENT_WINDOW` newest users after the cursor only. When that yields a full page it is the
    /// page the whole table gives (every match outside the window is older), found without
    /// sorting every match: for a search matching a large share of users, a few thousand rows
    /// read in order instead of every match sorted.
    RecentFirst,
}

/// The page query of the users table.
fn page_query(query: &UserQuery, now: Millis, limit: i64, plan: Plan) -> Sql {
    let mut page = Sql::new(&format!(
        "select {ROW_COLUMNS}, lower(u.last_name) as key_last, lower(u.first_name) as key_first, \
         lower(u.email) as key_email from users u join organizations o on o.id = u.organization_id \
         where {CONSUMER}"
    ));
    let cursor = query.cursor.as_deref().and_then(decode_cursor);
    if plan == Plan::RecentFirst {
        // The creation time of the window's oldest user: a range on the creation-time index, so
        // the walk stops there. With fewer users after the cursor than the window holds it is
        // null, the page comes back empty, and the indexed plan answers.
        page.push(" and u.created_at >= (select w.created_at from users w");
        if let Some([at, id]) = cursor.as_deref() {
            let at = page.bind(Bind::Int(at.parse().unwrap_or(0)));
            let id = page.bind(Bind::Text(id.clone()));
            page.push(&format!(
                " where (w.created_at < {at} or (w.created_at = {at} and w.id < {id}))"
            ));
        }
        let offset = page.bind(Bind::Int(RECENT_WINDOW - 1));
        page.push(&format!(
            " order by w.created_at desc, w.id desc limit 1 offset {offset})"
        ));
    }
    push_filters(&mut page, query, now, plan);
    let order = match query.sort {
        UserSort::Created => {
            if let Some([at, id]) = cursor.as_deref() {
                let at = page.bind(Bind::Int(at.parse().unwrap_or(0)));
                let id = page.bind(Bind::Text(id.clone()));
                page.push(&format!(
                    " and (u.created_at < {at} or (u.created_at = {at} and u.id < {id}))"
                ));
            }
            " order by u.created_at desc, u.id desc"
        }
        UserSort::Name => {
            if let Some([last, first, id]) = cursor.as_deref() {
                let last = page.bind(Bind::Text(last.clone()));
                let first = page.bind(Bind::Text(first.clone()));
                let id = page.bind(Bind::Text(id.clone()));
                page.push(&format!(
                    " and (lower(u.last_name) > {last} or (lower(u.last_name) = {last} and \
                     (lower(u.first_name) > {first} or (lower(u.first_name) = {first} and u.id > {id}))))"
                ));
            }
            " order by lower(u.last_name), lower(u.first_name), u.id"
        }
        UserSort::Email => {
            if let Some([email, id]) = cursor.as_deref() {
                let email = page.bind(Bind::Text(email.clone()));
                let id = page.bind(Bind::Text(id.clone()));
                page.push(&format!(
                    " and (lower(u.email) > {email} or (lower(u.email) = {email} and u.id > {id}))"
                ));
            }
            " order by lower(u.email), u.id"
        }
    };
    page.push(order);
    let limit_bind = page.bind(Bind::Int(limit + 1));
    page.push(&format!(" limit {limit_bind}"));
    page
}

/// The search: a case-insensitive prefix of the email, the last name or "first last" (which
/// also covers the first name: a name that starts with it starts "first last" too).
fn push_search(sql: &mut Sql, search: &str, plan: Plan) {
    match plan {
        // Byte ranges on the expression indexes of migration 0006, in collation "binary"
        // (SQLite's own; on Postgres one the store creates from "C", so a linguistic database
        // collation changes nothing). lower() in SQL on both sides: the database's idea of lower
        // case (SQLite's changes ASCII letters only) is then the same for the keys and the search.
        Plan::Indexed => {
            let lo = sql.bind(Bind::Text(search.to_owned()));
            let hi = sql.bind(Bind::Text(format!("{search}\u{10FFFF}")));
            let ranges: Vec<String> = [
                "lower(u.email)",
                "lower(u.last_name)",
                "lower(u.first_name || ' ' || u.last_name)",
            ]
            .iter()
            .map(|key| {
                format!(
                    "({key} collate \"binary\" >= lower({lo}) and {key} collate \"binary\" < lower({hi}))"
                )
            })
            .collect();
            sql.push(&format!(" and ({})", ranges.join(" or ")));
        }
        // Tested row by row while the creation-time index is walked, which only SQLite does
        // (`Dialect::walks_recent_first`): its LIKE folds ASCII letters, as its lower() does, so
        // a LIKE on the columns themselves is the same test at a third of the cost of the ranges.
        Plan::RecentFirst => {
            let escaped: String = search
                .chars()
                .flat_map(|c| match c {
                    '%' | '_' | '\\' => vec!['\\', c],
                    c => vec![c],
                })
                .collect();
            let pattern = sql.bind(Bind::Text(format!("{escaped}%")));
            let tests: Vec<String> = [
                "u.email",
                "u.last_name",
                "(u.first_name || ' ' || u.last_name)",
            ]
            .iter()
            .map(|column| format!("{column} like {pattern} escape '\\'"))
            .collect();
            sql.push(&format!(" and ({})", tests.join(" or ")));
        }
    }
}

/// The search and filters of the users table, shared by its count and its page.
fn push_filters(sql: &mut Sql, query: &UserQuery, now: Millis, plan: Plan) {
    if let Some(search) = query.search_text() {
        push_search(sql, search, plan);
    }
    if let Some(org) = &query.organization_id {
        let org = sql.bind(Bind::Text(org.clone()));
        sql.push(&format!(" and u.organization_id = {org}"));
    }
    if let Some(team) = &query.team_id {
        let team = sql.bind(Bind::Text(team.clone()));
        sql.push(&format!(
            " and exists (select 1 from team_memberships m where m.user_id = u.id and m.team_id = {team})"
        ));
    }
    if let Some(status) = query.status {
        status_filter(sql, status, now);
    }
}
