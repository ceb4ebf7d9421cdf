//! Organizations: each created with its default team in one transaction; deleting one moves its
//! users to the default organization's default team.

use super::names::{Named, deletable};
use super::query::contains_pattern;
use super::teams::insert_team;
use super::{
    By, DEFAULT_ORGANIZATION_ID, DEFAULT_TEAM_ID, Store, StoreResult, Subject, Tx, new_id,
};
use crate::domain::organization::OrganizationRow;
use crate::domain::user::Choice;
use sqlx::Row as _;

/// An organization's columns as the list shows them (`o` is `organizations`).
const ORGANIZATION_COLUMNS: &str = "o.id, o.name, o.is_default, \
     (select count(*) from teams t where t.organization_id = o.id) as teams, \
     (select cast(coalesce(sum(c.n), 0) as bigint) from user_counts c where c.scope = 'o:' || o.id) as users";

fn organization_row(r: &sqlx::any::AnyRow) -> StoreResult<OrganizationRow> {
    Ok(OrganizationRow {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        is_default: r.try_get::<i64, _>("is_default")? == 1,
        teams: r.try_get("teams")?,
        users: r.try_get("users")?,
    })
}

impl Store {
    /// Organizations whose name contains `search` (case-insensitive), the default first.
    pub async fn list_organizations(&self, search: &str) -> StoreResult<Vec<OrganizationRow>> {
        self.organization_rows(search, "").await
    }

    /// One organization as the list shows it.
    pub async fn organization(&self, id: &str) -> StoreResult<Option<OrganizationRow>> {
        Ok(self.organization_rows("", id).await?.into_iter().next())
    }

    async fn organization_rows(&self, search: &str, id: &str) -> StoreResult<Vec<OrganizationRow>> {
        let needle = contains_pattern(search);
        let rows = sqlx::query(&format!(
            "select {ORGANIZATION_COLUMNS} from organizations o \
             where lower(o.name) like $1 escape '\\' and ($2 = '' or o.id = $2) \
             order by o.is_default desc, lower(o.name), o.id limit 500"
        ))
        .bind(needle)
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(organization_row).collect()
    }

    /// A keyset page of the organizations whose name contains `search`, in the list's order
    /// (the default first, then by name), after the row whose sort keys are `after`; each row
    /// with its own sort keys, for the next page's cursor.
    pub async fn organization_page(
        &self,
        search: &str,
        after: Option<&[String]>,
        limit: i64,
    ) -> StoreResult<Vec<(OrganizationRow, Vec<String>)>> {
        let (later, keys) = match after {
            Some([first, name, id]) => (
                "and (1 - o.is_default, lower(o.name), o.id) > ($2, $3, $4)",
                (
                    first.parse::<i64>().unwrap_or(0),
                    name.as_str(),
                    id.as_str(),
                ),
            ),
            _ => ("and $2 = 0 and $3 = '' and $4 = ''", (0, "", "")),
        };
        let rows = sqlx::query(&format!(
            "select {ORGANIZATION_COLUMNS}, 1 - o.is_default as k0, lower(o.name) as k1 \
             from organizations o where lower(o.name) like $1 escape '\\' {later} \
             order by o.is_default desc, lower(o.name), o.id limit $5"
        ))
        .bind(contains_pattern(search))
        .bind(keys.0)
        .bind(keys.1)
        .bind(keys.2)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let row = organization_row(r)?;
                let keys = vec![
                    r.try_get::<i64, _>("k0")?.to_string(),
                    r.try_get::<String, _>("k1")?,
                    row.id.clone(),
                ];
                Ok((row, keys))
            })
            .collect()
    }

    /// Creates an organization and its default team "<name> All users".
    pub async fn create_organization(&self, name: &str, by: By<'_>) -> StoreResult<String> {
        let mut tx = self.begin_write().await?;
        let id = insert_organization(&mut tx, name, by).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Deletes an organization with its teams; its users move to the default organization's
    /// default team. Answers how many users moved. The default organization cannot be deleted.
    pub async fn delete_organization(&self, id: &str, by: By<'_>) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let row = deletable(&mut tx, Named::Organization, id).await?;
        let name: String = row.try_get("name")?;
        super::apps::revoke_in_organization(&mut tx, id, by.now).await?;
        sqlx::query("delete from team_memberships where organization_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let moved = sqlx::query(
            "update users set organization_id = $1, updated_at = $2 where organization_id = $3",
        )
        .bind(DEFAULT_ORGANIZATION_ID)
        .bind(by.now)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected() as i64;
        // Every user of the default organization has a team, but the ones just moved.
        sqlx::query(
            "insert into team_memberships (user_id, team_id, organization_id, created_at) \
             select u.id, $1, $2, $3 from users u where u.organization_id = $2 \
             and not exists (select 1 from team_memberships m where m.user_id = u.id)",
        )
        .bind(DEFAULT_TEAM_ID)
        .bind(DEFAULT_ORGANIZATION_ID)
        .bind(by.now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("delete from organizations where id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let detail = format!("{name}; {moved} users moved to the default organization");
        tx.audit(
            by,
            "organization.deleted",
            Subject::Organization(id),
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(moved)
    }
}

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
}

/// Inserts an organization with its default team "<name> All users" in the caller's
/// transaction, audited; answers its id. A taken name is `Unique`.
pub(super) async fn insert_organization(
    tx: &mut Tx,
    name: &str,
    by: By<'_>,
) -> StoreResult<String> {
    let id = new_id();
    sqlx::query("insert into organizations (id, name, is_default, created_at, updated_at) values ($1, $2, 0, $3, $3)")
        .bind(&id)
        .bind(name)
        .bind(by.now)
        .execute(&mut **tx)
        .await?;
    insert_team(tx, &id, &format!("{name} All users"), true, by.now).await?;
    tx.audit(by, "organization.created", Subject::Organization(&id), name)
        .await?;
    Ok(id)
}
