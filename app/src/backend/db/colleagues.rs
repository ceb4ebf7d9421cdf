//! The people a consumer shares a team with: the one query behind "My dashboard > Users", and
//! the one check of a consumer admin's reach over a person (`Store::hold_colleague`), which every
//! change they make goes through inside its transaction (SPEC §8.2).

use super::query::contains_pattern;
use super::users::{commit_user_change, move_to_organization, set_teams, status_of};
use super::{
    Audience, By, CONSUMER_ROLE, DEFAULT_ORGANIZATION_ID, Store, StoreError, StoreResult, Tx,
    decoded,
};
use crate::backend::Millis;
use crate::domain::Role;
use crate::domain::colleague::{
    Colleague, ColleagueDetail, ColleagueEdit, Colleagues, LAST_CONSUMER_ADMIN, LIMIT,
    NOT_OWN_TEAMS, TeamMembership,
};
use crate::domain::user::Choice;
use crate::error::AppError;
use sqlx::Row as _;
use std::collections::BTreeMap;

/// The memberships `(user_id, team_id)` of everyone in a team with the user bound as `$1`.
const SHARED_TEAMS: &str = "select theirs.user_id, theirs.team_id from team_memberships mine \
     join team_memberships theirs on theirs.team_id = mine.team_id where mine.user_id = $1";

/// Who may act on a user in a write: an admin (whose role the caller checked) on a user of an
/// audience, or a consumer admin (`By::actor`) on a person within their reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    Admin(Audience),
    Colleague,
}

/// A consumer admin's hold on one person of their organization, inside a write transaction.
#[derive(Debug, Clone)]
pub(super) struct Held {
    pub organization_id: String,
    pub organization: String,
    pub actor_teams: Vec<String>,
    pub role: Role,
}

/// What a consumer acts within: their organization and their own teams.
#[derive(Debug, Clone)]
pub struct ConsumerScope {
    pub role: Role,
    pub organization_id: String,
    pub organization: String,
    pub teams: Vec<Choice>,
}

impl ConsumerScope {
    /// The default organization is not a company: nobody acts for it.
    pub fn in_company(&self) -> bool {
        self.organization_id != DEFAULT_ORGANIZATION_ID
    }

    /// Refuses, as a field error, a team that is not one of the consumer's own.
    pub fn own_teams(&self, team_ids: &[String]) -> Result<(), AppError> {
        if team_ids
            .iter()
            .any(|id| !self.teams.iter().any(|t| &t.id == id))
        {
            return Err(AppError::validation("team_ids", NOT_OWN_TEAMS));
        }
        Ok(())
    }
}

impl Store {
    /// The organization and teams of the consumer `user_id`; `None` for anyone else.
    pub async fn consumer_scope(&self, user_id: &str) -> StoreResult<Option<ConsumerScope>> {
        let Some(row) = sqlx::query(
            "select u.role, u.organization_id, o.name from users u \
             join organizations o on o.id = u.organization_id where u.id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let teams = sqlx::query(
            "select t.id, t.name from team_memberships m join teams t on t.id = m.team_id \
             where m.user_id = $1 order by t.is_default desc, lower(t.name), t.id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Choice {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
            })
        })
        .collect::<StoreResult<_>>()?;
        Ok(Some(ConsumerScope {
            role: decoded(&row, "role", Role::parse)?,
            organization_id: row.try_get("organization_id")?,
            organization: row.try_get("name")?,
            teams,
        }))
    }

    /// The consumers who share at least one team with `viewer_id` (the viewer included), each
    /// with the teams they share, sorted by last name; `search` keeps those whose email, last
    /// name or "first last" contains it. In the default organization, which is not a company,
    /// nobody is listed. `None` when the viewer is no consumer.
    pub async fn colleagues(
        &self,
        viewer_id: &str,
        search: &str,
        now: Millis,
    ) -> StoreResult<Option<Colleagues>> {
        let Some(scope) = self.consumer_scope(viewer_id).await? else {
            return Ok(None);
        };
        let mut list = Colleagues {
            organization: None,
            viewer_is_admin: scope.role == Role::ConsumerAdmin,
            viewer_teams: Vec::new(),
            people: Vec::new(),
            more: false,
        };
        if !scope.in_company() {
            return Ok(Some(list));
        }
        let organization_id = scope.organization_id;
        list.organization = Some(scope.organization);
        list.viewer_teams = scope.teams;
        let shared_teams = SHARED_TEAMS;
        let rows = sqlx::query(&format!(
            "select u.id, u.first_name, u.last_name, u.email, u.role, u.list_status, \
             u.invite_expires_at from users u \
             where u.organization_id = $2 and u.id in (select user_id from ({shared_teams}) s) \
             and ($3 = '%%' or lower(u.email) like $3 escape '\\' \
               or lower(u.last_name) like $3 escape '\\' \
               or lower(u.first_name || ' ' || u.last_name) like $3 escape '\\') \
             order by lower(u.last_name), lower(u.first_name), u.id limit $4"
        ))
        .bind(viewer_id)
        .bind(&organization_id)
        .bind(contains_pattern(search))
        .bind(LIMIT as i64 + 1)
        .fetch_all(&self.pool)
        .await?;
        list.more = rows.len() > LIMIT;
        let mut teams: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for row in sqlx::query(&format!(
            "select s.user_id, t.name from ({shared_teams}) s join teams t on t.id = s.team_id \
             order by t.is_default desc, lower(t.name), t.id"
        ))
        .bind(viewer_id)
        .fetch_all(&self.pool)
        .await?
        {
            teams
                .entry(row.try_get("user_id")?)
                .or_default()
                .push(row.try_get("name")?);
        }
        for row in rows.iter().take(LIMIT) {
            let id: String = row.try_get("id")?;
            let list_status: String = row.try_get("list_status")?;
            list.people.push(Colleague {
                teams: teams.remove(&id).unwrap_or_default(),
                first_name: row.try_get("first_name")?,
                last_name: row.try_get("last_name")?,
                email: row.try_get("email")?,
                role: decoded(row, "role", Role::parse)?,
                status: status_of(&list_status, row.try_get("invite_expires_at")?, now),
                id,
            });
        }
        Ok(Some(list))
    }

    /// Checks, inside `tx`, that `by.actor` is a consumer admin of a company and `target_id` a
    /// consumer of it who shares a team with them; `Forbidden` otherwise. The organization's row
    /// is locked first (Postgres; SQLite's write transactions take turns anyway), so that two
    /// consumer admins of one organization never both demote the other.
    pub(super) async fn hold_colleague(
        &self,
        tx: &mut Tx,
        by: By<'_>,
        target_id: &str,
    ) -> StoreResult<Held> {
        self.reach_colleague(tx, by, target_id, true).await
    }

    /// The check of `hold_colleague`; `lock` takes the organization's row (writes), a read
    /// does not. The row lock is Postgres's "no key update", which new users and memberships
    /// pointing at the organization do not wait for.
    async fn reach_colleague(
        &self,
        tx: &mut Tx,
        by: By<'_>,
        target_id: &str,
        lock: bool,
    ) -> StoreResult<Held> {
        let actor_id = by.actor.ok_or(StoreError::Forbidden)?;
        let organization = sqlx::query(&format!(
            "select o.id, o.name from organizations o where o.id = \
             (select organization_id from users where id = $1){}",
            if lock {
                self.dialect.lock_row_no_key()
            } else {
                ""
            }
        ))
        .bind(actor_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::Forbidden)?;
        let organization_id: String = organization.try_get("id")?;
        let actor = sqlx::query("select role, organization_id, status from users where id = $1")
            .bind(actor_id)
            .fetch_one(&mut **tx)
            .await?;
        let still_there = actor.try_get::<String, _>("organization_id")? == organization_id;
        if !still_there
            || organization_id == DEFAULT_ORGANIZATION_ID
            || decoded(&actor, "role", Role::parse)? != Role::ConsumerAdmin
            || actor.try_get::<String, _>("status")? != "active"
        {
            return Err(StoreError::Forbidden);
        }
        let target = sqlx::query(&format!(
            "select u.role from users u where u.id = $2 and u.organization_id = $3 and {CONSUMER_ROLE} \
             and u.id in (select s.user_id from ({SHARED_TEAMS}) s)"
        ))
        .bind(actor_id)
        .bind(target_id)
        .bind(&organization_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::Forbidden)?;
        let actor_teams = sqlx::query("select team_id from team_memberships where user_id = $1")
            .bind(actor_id)
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|r| r.try_get("team_id"))
            .collect::<Result<_, _>>()?;
        Ok(Held {
            organization_id,
            organization: organization.try_get("name")?,
            actor_teams,
            role: decoded(&target, "role", Role::parse)?,
        })
    }

    /// `target_id` as the consumer admin `actor_id` manages them; `Forbidden` outside their reach.
    pub async fn colleague(
        &self,
        actor_id: &str,
        target_id: &str,
        now: Millis,
    ) -> StoreResult<ColleagueDetail> {
        // A read takes the same check as a change, in a read transaction of its own.
        let mut tx = self.begin_read().await?;
        self.reach_colleague(&mut tx, By::user(actor_id, now), target_id, false)
            .await?;
        let row = sqlx::query(
            "select id, first_name, last_name, email, role, list_status, invite_expires_at, \
             case when password_hash is null then 0 else 1 end as has_password from users where id = $1",
        )
        .bind(target_id)
        .fetch_one(&mut *tx)
        .await?;
        let teams = sqlx::query(
            "select t.id, t.name, case when exists (select 1 from team_memberships theirs \
               where theirs.team_id = t.id and theirs.user_id = $2) then 1 else 0 end as member \
             from team_memberships m join teams t on t.id = m.team_id where m.user_id = $1 \
             order by t.is_default desc, lower(t.name), t.id",
        )
        .bind(actor_id)
        .bind(target_id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| {
            Ok(TeamMembership {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                member: r.try_get::<i64, _>("member")? == 1,
            })
        })
        .collect::<StoreResult<_>>()?;
        tx.commit().await?;
        let invite_expires_at: Option<Millis> = row.try_get("invite_expires_at")?;
        let list_status: String = row.try_get("list_status")?;
        Ok(ColleagueDetail {
            id: row.try_get("id")?,
            first_name: row.try_get("first_name")?,
            last_name: row.try_get("last_name")?,
            email: row.try_get("email")?,
            role: decoded(&row, "role", Role::parse)?,
            status: status_of(&list_status, invite_expires_at, now),
            has_password: row.try_get::<i64, _>("has_password")? == 1,
            invitation_pending: invite_expires_at.is_some_and(|at| at > now),
            teams,
            is_viewer: actor_id == target_id,
        })
    }

    /// A consumer admin's "Edit": names, role, and membership of the admin's own teams (the
    /// person's other teams stay; another team is `ForeignKey`). One left in no team is put in the organization's default
    /// team; the organization's last consumer admin is not demoted.
    pub async fn edit_colleague(
        &self,
        target_id: &str,
        edit: &ColleagueEdit,
        by: By<'_>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let held = self.hold_colleague(&mut tx, by, target_id).await?;
        if edit.team_ids.iter().any(|t| !held.actor_teams.contains(t)) {
            return Err(StoreError::ForeignKey);
        }
        if held.role == Role::ConsumerAdmin && edit.role != Role::ConsumerAdmin {
            keeps_a_consumer_admin(&mut tx, &held.organization_id, target_id).await?;
        }
        sqlx::query(
            "update users set first_name = $1, last_name = $2, role = $3, updated_at = $4 where id = $5",
        )
        .bind(edit.first_name.as_str())
        .bind(edit.last_name.as_str())
        .bind(edit.role.as_str())
        .bind(by.now)
        .bind(target_id)
        .execute(&mut *tx)
        .await?;
        for team in &held.actor_teams {
            sqlx::query("delete from team_memberships where user_id = $1 and team_id = $2")
                .bind(target_id)
                .bind(team)
                .execute(&mut *tx)
                .await?;
        }
        let left: i64 =
            sqlx::query("select count(*) as n from team_memberships where user_id = $1")
                .bind(target_id)
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
        if left == 0 || !edit.team_ids.is_empty() {
            set_teams(
                &mut tx,
                target_id,
                &held.organization_id,
                &edit.team_ids,
                by.now,
            )
            .await?;
        }
        commit_user_change(tx, by, "user.updated", target_id, "by their consumer admin").await
    }

    /// A consumer admin's "Remove from organization": the person leaves every team of it and
    /// joins the default organization's default team as a team member; nothing is deleted. The
    /// organization's last consumer admin is not removed.
    pub async fn remove_colleague(&self, target_id: &str, by: By<'_>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let held = self.hold_colleague(&mut tx, by, target_id).await?;
        if held.role == Role::ConsumerAdmin {
            keeps_a_consumer_admin(&mut tx, &held.organization_id, target_id).await?;
        }
        move_to_organization(
            &mut tx,
            target_id,
            DEFAULT_ORGANIZATION_ID,
            Role::ConsumerTeamMember,
            by.now,
        )
        .await?;
        let detail = format!("removed from {}", held.organization);
        commit_user_change(tx, by, "user.removed_from_organization", target_id, &detail).await
    }

    /// Checks, inside a write, that `reach` covers `user_id`: a user of the audience for an
    /// admin, a person within a consumer admin's reach for them.
    pub(super) async fn check_reach(
        &self,
        tx: &mut Tx,
        reach: Reach,
        user_id: &str,
        by: By<'_>,
    ) -> StoreResult<()> {
        match reach {
            Reach::Admin(audience) => {
                sqlx::query(&format!(
                    "select u.id from users u where u.id = $1 and {}",
                    audience.predicate()
                ))
                .bind(user_id)
                .fetch_optional(&mut **tx)
                .await?
                .ok_or(StoreError::NotFound)?;
            }
            Reach::Colleague => {
                self.hold_colleague(tx, by, user_id).await?;
                // Only invitations they sent (SPEC 8.2): the person's latest invitation is theirs.
                let latest = sqlx::query(
                    "select created_by from one_time_tokens where user_id = $1 and purpose = 'invitation' \
                     order by created_at desc, id desc limit 1",
                )
                .bind(user_id)
                .fetch_optional(&mut **tx)
                .await?;
                let sent_by: Option<String> = match &latest {
                    Some(row) => row.try_get("created_by")?,
                    None => None,
                };
                if sent_by.as_deref() != by.actor {
                    return Err(StoreError::Conflict(NOT_THEIR_INVITATION));
                }
            }
        }
        Ok(())
    }
}

/// The refusal of a consumer admin's "Resend invite" or "Revoke invite" of an invitation someone
/// else sent.
pub const NOT_THEIR_INVITATION: &str =
    "Only the invitations you sent can be resent or revoked here; ask an admin of the portal.";

/// Refuses (a `Conflict`) a change that would leave the organization without an active consumer
/// admin besides `target_id` who can sign in (an invited one may never accept).
async fn keeps_a_consumer_admin(
    tx: &mut Tx,
    organization_id: &str,
    target_id: &str,
) -> StoreResult<()> {
    let others: i64 = sqlx::query(
        "select count(*) as n from users where organization_id = $1 and role = 'consumer-admin' \
         and status = 'active' and password_hash is not null and id <> $2",
    )
    .bind(organization_id)
    .bind(target_id)
    .fetch_one(&mut **tx)
    .await?
    .try_get("n")?;
    if others == 0 {
        return Err(StoreError::Conflict(LAST_CONSUMER_ADMIN));
    }
    Ok(())
}
