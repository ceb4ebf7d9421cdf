//! Teams: created in an organization, renamed, deleted (never the default one) with their members
//! moved to the organization's default team.

use super::names::{Named, deletable};
use super::query::contains_pattern;
use super::{By, Millis, Store, StoreResult, Subject, Tx, new_id};
use crate::domain::team::TeamRow;
use crate::domain::user::{Choice, TeamChoice};
use sqlx::Row as _;

/// A team's columns as the list shows them (`t` is `teams`, `o` its organization).
const TEAM_COLUMNS: &str = "t.id, t.name, t.organization_id, o.name as organization, t.is_default, \
     (select cast(coalesce(sum(c.n), 0) as bigint) from user_counts c where c.scope = 't:' || t.id) as members";

fn team_row(r: &sqlx::any::AnyRow) -> StoreResult<TeamRow> {
    Ok(TeamRow {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        organization_id: r.try_get("organization_id")?,
        organization: r.try_get("organization")?,
        is_default: r.try_get::<i64, _>("is_default")? == 1,
        members: r.try_get("members")?,
    })
}

impl Store {
    /// Teams whose name contains `search`, optionally of one organization.
    pub async fn list_teams(
        &self,
        search: &str,
        organization_id: Option<&str>,
    ) -> StoreResult<Vec<TeamRow>> {
        self.team_rows(search, organization_id.unwrap_or(""), "")
            .await
    }

    /// One team as the list shows it.
    pub async fn team(&self, id: &str) -> StoreResult<Option<TeamRow>> {
        Ok(self.team_rows("", "", id).await?.into_iter().next())
    }

    /// Teams matching a name search, an organization and an id ("" means any).
    async fn team_rows(
        &self,
        search: &str,
        organization_id: &str,
        id: &str,
    ) -> StoreResult<Vec<TeamRow>> {
        let needle = contains_pattern(search);
        let rows = sqlx::query(&format!(
            "select {TEAM_COLUMNS} from teams t join organizations o on o.id = t.organization_id \
             where lower(t.name) like $1 escape '\\' and ($2 = '' or t.organization_id = $2) \
             and ($3 = '' or t.id = $3) \
             order by o.is_default desc, lower(o.name), t.is_default desc, lower(t.name), t.id limit 500"
        ))
        .bind(needle)
        .bind(organization_id)
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(team_row).collect()
    }

    /// A keyset page of the teams whose name contains `search` (of one organization when
    /// `organization_id` is not empty), in the list's order, after the row whose sort keys are
    /// `after`; each row with its own sort keys, for the next page's cursor.
    pub async fn team_page(
        &self,
        search: &str,
        organization_id: &str,
        after: Option<&[String]>,
        limit: i64,
    ) -> StoreResult<Vec<(TeamRow, Vec<String>)>> {
        let number = |text: &str| text.parse::<i64>().unwrap_or(0);
        let (later, keys) = match after {
            Some([org_first, org_name, team_first, team_name, id]) => (
                "and (1 - o.is_default, lower(o.name), 1 - t.is_default, lower(t.name), t.id) \
                 > ($3, $4, $5, $6, $7)",
                (
                    number(org_first),
                    org_name.as_str(),
                    number(team_first),
                    team_name.as_str(),
                    id.as_str(),
                ),
            ),
            _ => (
                "and $3 = 0 and $4 = '' and $5 = 0 and $6 = '' and $7 = ''",
                (0, "", 0, "", ""),
            ),
        };
        let rows = sqlx::query(&format!(
            "select {TEAM_COLUMNS}, 1 - o.is_default as k0, lower(o.name) as k1, \
             1 - t.is_default as k2, lower(t.name) as k3 \
             from teams t join organizations o on o.id = t.organization_id \
             where lower(t.name) like $1 escape '\\' and ($2 = '' or t.organization_id = $2) {later} \
             order by o.is_default desc, lower(o.name), t.is_default desc, lower(t.name), t.id limit $8"
        ))
        .bind(contains_pattern(search))
        .bind(organization_id)
        .bind(keys.0)
        .bind(keys.1)
        .bind(keys.2)
        .bind(keys.3)
        .bind(keys.4)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let row = team_row(r)?;
                let keys = vec![
                    r.try_get::<i64, _>("k0")?.to_string(),
                    r.try_get::<String, _>("k1")?,
                    r.try_get::<i64, _>("k2")?.to_string(),
                    r.try_get::<String, _>("k3")?,
                    row.id.clone(),
                ];
                Ok((row, keys))
            })
            .collect()
    }

    /// Adds a team to an organization; `ForeignKey` when there is no such organization.
    pub async fn create_team(
        &self,
        organization_id: &str,
        name: &str,
        by: By<'_>,
    ) -> StoreResult<String> {
        let mut tx = self.begin_write().await?;
        let id = insert_team(&mut tx, organization_id, name, false, by.now).await?;
        tx.audit(by, "team.created", Subject::Team(&id), name)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Deletes a team that is not its organization's default; members left with no team go to
    /// the default team. Answers how many members it had.
    pub async fn delete_team(&self, id: &str, by: By<'_>) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let row = deletable(&mut tx, Named::Team, id).await?;
        let organization_id: String = row.try_get("organization_id")?;
        let name: String = row.try_get("name")?;
        let members: i64 =
            sqlx::query("select count(*) as n from team_memberships where team_id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
        sqlx::query("delete from team_memberships where team_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "insert into team_memberships (user_id, team_id, organization_id, created_at) \
             select u.id, d.id, u.organization_id, $2 from users u \
             join teams d on d.organization_id = u.organization_id and d.is_default = 1 \
             where u.organization_id = $1 and not exists (select 1 from team_memberships m where m.user_id = u.id)",
        )
        .bind(&organization_id)
        .bind(by.now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("delete from teams where id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let detail = format!("{name}; {members} members");
        tx.audit(by, "team.deleted", Subject::Team(id), &detail)
            .await?;
        tx.commit().await?;
        Ok(members)
    }
}

/// Inserts a team in the caller's transaction.
pub(super) async fn insert_team(
    tx: &mut Tx,
    organization_id: &str,
    name: &str,
    is_default: bool,
    now: Millis,
) -> StoreResult<String> {
    let id = new_id();
    sqlx::query(
        "insert into teams (id, organization_id, name, is_default, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $5)",
    )
    .bind(&id)
    .bind(organization_id)
    .bind(name)
    .bind(i64::from(is_default))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

impl Store {
    /// The organizations and the teams a placement can choose, each list with the default first
    /// and then by name: one query, since the users page and the catalog and invite-code editors
    /// read both on every render.
    pub async fn placement_choices(&self) -> StoreResult<(Vec<Choice>, Vec<TeamChoice>)> {
        let rows = sqlx::query(
            "select 0 as kind, id, name, null as organization_id, is_default, lower(name) as sort_name \
             from organizations \
             union all select 1, id, name, organization_id, is_default, lower(name) from teams \
             order by kind, is_default desc, sort_name, id",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut organizations = Vec::new();
        let mut teams = Vec::new();
        for r in &rows {
            if r.try_get::<i64, _>("kind")? == 0 {
                organizations.push(Choice {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                });
            } else {
                teams.push(TeamChoice {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    organization_id: r.try_get("organization_id")?,
                    is_default: r.try_get::<i64, _>("is_default")? == 1,
                });
            }
        }
        Ok((organizations, teams))
    }
}
