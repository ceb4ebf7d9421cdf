//! The people a consumer shares a team with: the one query behind "My dashboard > Users".

use super::query::contains_pattern;
use super::users::status_of;
use super::{DEFAULT_ORGANIZATION_ID, Store, StoreResult, decoded};
use crate::backend::Millis;
use crate::domain::Role;
use crate::domain::colleague::{Colleague, Colleagues, LIMIT};
use crate::domain::user::Choice;
use sqlx::Row as _;
use std::collections::BTreeMap;

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
        let shared_teams = "select theirs.user_id, theirs.team_id from team_memberships mine \
             join team_memberships theirs on theirs.team_id = mine.team_id where mine.user_id = $1";
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
}
