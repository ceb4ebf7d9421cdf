//! Invite codes: created by admins for a team, used by registrations up to their quota.

use super::{By, Millis, Store, StoreError, StoreResult, Subject, new_id};
use crate::domain::invite_code::InviteCodeRow;
use sqlx::Row as _;

/// A code to create; validation already happened.
pub struct NewInviteCode<'a> {
    pub code: &'a str,
    pub team_id: &'a str,
    pub quota: i64,
    pub expires_at: Millis,
    pub active: bool,
}

/// The refusal of a quota below what a code has already been used for.
pub const QUOTA_BELOW_USED: &str =
    "The quota cannot be less than the accounts already made with this code.";

/// A code's columns as the list shows them, and what they are read from.
const INVITE_CODE_COLUMNS: &str = "c.id, c.code, c.team_id, t.name as team, o.name as organization, \
     c.quota, c.used, c.expires_at, c.active, c.created_at from invite_codes c \
     join teams t on t.id = c.team_id join organizations o on o.id = c.organization_id";

fn invite_code_row(r: &sqlx::any::AnyRow) -> StoreResult<InviteCodeRow> {
    Ok(InviteCodeRow {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        team_id: r.try_get("team_id")?,
        team: r.try_get("team")?,
        organization: r.try_get("organization")?,
        quota: r.try_get("quota")?,
        used: r.try_get("used")?,
        expires_at: r.try_get("expires_at")?,
        active: r.try_get::<i64, _>("active")? == 1,
        created_at: r.try_get("created_at")?,
    })
}

impl Store {
    /// Every code, newest first, with its team and organization (at most 1,000).
    pub async fn list_invite_codes(&self) -> StoreResult<Vec<InviteCodeRow>> {
        self.invite_code_rows("").await
    }

    /// One code as the list shows it.
    pub async fn invite_code(&self, id: &str) -> StoreResult<Option<InviteCodeRow>> {
        Ok(self.invite_code_rows(id).await?.into_iter().next())
    }

    /// A keyset page of the codes, newest first, after the row whose sort keys are `after`;
    /// each row with its own sort keys.
    pub async fn invite_code_page(
        &self,
        after: Option<&[String]>,
        limit: i64,
    ) -> StoreResult<Vec<(InviteCodeRow, Vec<String>)>> {
        let (older, keys) = match after {
            Some([at, id]) => (
                "(c.created_at < $1 or (c.created_at = $1 and c.id < $2))",
                (at.parse::<i64>().unwrap_or(0), id.as_str()),
            ),
            _ => ("$1 = 0 and $2 = ''", (0, "")),
        };
        let rows = sqlx::query(&format!(
            "select {INVITE_CODE_COLUMNS} where {older} \
             order by c.created_at desc, c.id desc limit $3"
        ))
        .bind(keys.0)
        .bind(keys.1)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let row = invite_code_row(r)?;
                let keys = vec![row.created_at.to_string(), row.id.clone()];
                Ok((row, keys))
            })
            .collect()
    }

    async fn invite_code_rows(&self, id: &str) -> StoreResult<Vec<InviteCodeRow>> {
        let rows = sqlx::query(&format!(
            "select {INVITE_CODE_COLUMNS} where ($1 = '' or c.id = $1) \
             order by c.created_at desc, c.id desc limit 1000"
        ))
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(invite_code_row).collect()
    }

    /// Creates a code for a team (its organization comes with it). `ForeignKey` for an unknown team.
    pub async fn create_invite_code(
        &self,
        code: &NewInviteCode<'_>,
        by: By<'_>,
    ) -> StoreResult<String> {
        let mut tx = self.begin_write().await?;
        let organization_id: String =
            sqlx::query("select organization_id from teams where id = $1")
                .bind(code.team_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::ForeignKey)?
                .try_get("organization_id")?;
        let id = new_id();
        sqlx::query(
            "insert into invite_codes (id, code, team_id, organization_id, quota, used, expires_at, active, \
             created_by, created_at) values ($1, $2, $3, $4, $5, 0, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(code.code)
        .bind(code.team_id)
        .bind(&organization_id)
        .bind(code.quota)
        .bind(code.expires_at)
        .bind(i64::from(code.active))
        .bind(by.actor)
        .bind(by.now)
        .execute(&mut *tx)
        .await?;
        tx.audit(by, "invite_code.created", Subject::InviteCode(&id), "")
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// "Edit": a code's quota, expiry and whether it is active; its team stays. A quota below
    /// the accounts already made with the code is refused (`Conflict`), in the same statement
    /// that a registration using the code counts against, so the two cannot cross.
    pub async fn update_invite_code(
        &self,
        id: &str,
        (quota, expires_at, active): (i64, Millis, bool),
        by: By<'_>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "update invite_codes set quota = $1, expires_at = $2, active = $3 where id = $4 and used <= $1",
        )
        .bind(quota)
        .bind(expires_at)
        .bind(i64::from(active))
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            sqlx::query("select id from invite_codes where id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
            return Err(StoreError::Conflict(QUOTA_BELOW_USED));
        }
        let detail = format!(
            "quota {quota}, {}",
            if active { "active" } else { "inactive" }
        );
        tx.audit(by, "invite_code.updated", Subject::InviteCode(id), &detail)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Turns a code on or off.
    pub async fn set_invite_code_active(
        &self,
        id: &str,
        active: bool,
        by: By<'_>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query("update invite_codes set active = $1 where id = $2")
            .bind(i64::from(active))
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        let action = if active {
            "invite_code.activated"
        } else {
            "invite_code.deactivated"
        };
        tx.audit(by, action, Subject::InviteCode(id), "").await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a code; accounts made with it stay.
    pub async fn delete_invite_code(&self, id: &str, by: By<'_>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let deleted = sqlx::query("delete from invite_codes where id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if deleted == 0 {
            return Err(StoreError::NotFound);
        }
        tx.audit(by, "invite_code.deleted", Subject::InviteCode(id), "")
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
