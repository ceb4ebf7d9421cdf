//! Team memberships one at a time: adding a consumer to a team of its organization, and removing
//! one, which puts a user left without a team back in its organization's default team.

use super::users::commit_user_change;
use super::{By, CONSUMER_ROLE, Store, StoreError, StoreResult};
use sqlx::Row as _;

impl Store {
    /// The id of the consumer with this email (any case).
    pub async fn consumer_by_email(&self, email: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query(&format!(
            "select u.id from users u where lower(u.email) = $1 and {CONSUMER_ROLE}"
        ))
        .bind(email.trim().to_lowercase())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| r.try_get("id")).transpose().map_err(Into::into)
    }

    /// Adds a consumer to a team. The database refuses a team of another organization
    /// (`ForeignKey`) and a second membership (`Unique`); an unknown user or team is `NotFound`.
    pub async fn add_team_member(
        &self,
        team_id: &str,
        user_id: &str,
        by: By<'_>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let team: String = sqlx::query("select name from teams where id = $1")
            .bind(team_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?
            .try_get("name")?;
        let inserted = sqlx::query(&format!(
            "insert into team_memberships (user_id, team_id, organization_id, created_at) \
             select u.id, $2, u.organization_id, $3 from users u where u.id = $1 and {CONSUMER_ROLE}"
        ))
        .bind(user_id)
        .bind(team_id)
        .bind(by.now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Err(StoreError::NotFound);
        }
        let detail = format!("added to team {team}");
        commit_user_change(tx, by, "user.team_added", user_id, &detail).await
    }

    /// Removes a consumer from a team; one left with no team goes back to its organization's
    /// default team. Removing a user from the default team when it is its only team is refused.
    pub async fn remove_team_member(
        &self,
        team_id: &str,
        user_id: &str,
        by: By<'_>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let team = sqlx::query("select name, is_default from teams where id = $1")
            .bind(team_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let (name, is_default): (String, i64) =
            (team.try_get("name")?, team.try_get("is_default")?);
        let removed =
            sqlx::query("delete from team_memberships where team_id = $1 and user_id = $2")
                .bind(team_id)
                .bind(user_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if removed == 0 {
            return Err(StoreError::NotFound);
        }
        let left: i64 =
            sqlx::query("select count(*) as n from team_memberships where user_id = $1")
                .bind(user_id)
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
        let detail = if left > 0 {
            format!("removed from team {name}")
        } else if is_default == 1 {
            return Err(StoreError::Conflict(
                "This is the user's only team: a user always belongs to at least one team.",
            ));
        } else {
            sqlx::query(
                "insert into team_memberships (user_id, team_id, organization_id, created_at) \
                 select u.id, d.id, u.organization_id, $2 from users u \
                 join teams d on d.organization_id = u.organization_id and d.is_default = 1 \
                 where u.id = $1",
            )
            .bind(user_id)
            .bind(by.now)
            .execute(&mut *tx)
            .await?;
            format!("removed from team {name}, its last: back in the default team")
        };
        commit_user_change(tx, by, "user.team_removed", user_id, &detail).await
    }
}
