//! API tokens in the store (SPEC §11): created, listed, revoked, and looked up by hash with the
//! admin they act as, who must still be an admin who can sign in.

use super::sessions::{ACCOUNT_COLUMNS, AccountRow, account_row};
use super::{
    ADMIN_ROLE, By, CAN_SIGN_IN, Millis, Store, StoreError, StoreResult, Subject, decoded, new_id,
};
use crate::domain::api_token::{ApiTokenRow, TokenAccess};
use sqlx::Row as _;

/// A live token and its admin, as the REST API's authentication needs them.
#[derive(Debug, Clone)]
pub struct TokenHolder {
    pub token_id: String,
    pub token_name: String,
    pub access: TokenAccess,
    pub admin: AccountRow,
}

/// A token to store: its name, the admin it acts as, what it may do, its hash and visible start,
/// and when it expires (`None`: never).
pub struct NewApiToken<'a> {
    pub name: &'a str,
    pub admin_id: &'a str,
    pub access: TokenAccess,
    pub hash: &'a str,
    pub prefix: &'a str,
    pub expires_at: Option<Millis>,
}

impl Store {
    pub async fn create_api_token(&self, new: &NewApiToken<'_>, by: By<'_>) -> StoreResult<String> {
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "insert into api_tokens (id, name, admin_id, access, hash, prefix, created_at, expires_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(new.name)
        .bind(new.admin_id)
        .bind(new.access.as_str())
        .bind(new.hash)
        .bind(new.prefix)
        .bind(by.now)
        .bind(new.expires_at)
        .execute(&mut *tx)
        .await?;
        let detail = format!("{} ({})", new.name, new.access.label());
        tx.audit(by, "api_token.created", Subject::ApiToken(&id), &detail)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The tokens of `admin_id` (`None`: every admin's), live ones first, newest first.
    pub async fn api_tokens(
        &self,
        admin_id: Option<&str>,
        now: Millis,
    ) -> StoreResult<Vec<ApiTokenRow>> {
        sqlx::query(
            "select t.id, t.name, u.email, t.access, t.prefix, t.created_at, t.expires_at, \
             t.last_used_at, t.revoked_at from api_tokens t join users u on u.id = t.admin_id \
             where $1 is null or t.admin_id = $1 \
             order by case when t.revoked_at is null then 0 else 1 end, t.created_at desc, t.id \
             limit 500",
        )
        .bind(admin_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let expires_at: Option<Millis> = r.try_get("expires_at")?;
            Ok(ApiTokenRow {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                admin_email: r.try_get("email")?,
                access: decoded(r, "access", TokenAccess::parse)?,
                prefix: r.try_get("prefix")?,
                created_at: r.try_get("created_at")?,
                expires_at,
                expired: expires_at.is_some_and(|at| at <= now),
                last_used_at: r.try_get("last_used_at")?,
                revoked_at: r.try_get("revoked_at")?,
            })
        })
        .collect()
    }

    /// "Revoke" the token `id`, if it is `admin_id`'s (`None`: anyone's); `NotFound` otherwise.
    /// Revoking one already revoked changes nothing.
    pub async fn revoke_api_token(
        &self,
        id: &str,
        admin_id: Option<&str>,
        by: By<'_>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let name: String = sqlx::query(
            "select name from api_tokens where id = $1 and ($2 is null or admin_id = $2)",
        )
        .bind(id)
        .bind(admin_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?
        .try_get("name")?;
        let changed = sqlx::query(
            "update api_tokens set revoked_at = $2 where id = $1 and revoked_at is null",
        )
        .bind(id)
        .bind(by.now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed > 0 {
            tx.audit(by, "api_token.revoked", Subject::ApiToken(id), &name)
                .await?;
        }
        tx.commit().await
    }

    /// The live token with `hash` and its admin, who must be an admin able to sign in; `None`
    /// for an unknown, revoked or expired token, or one whose admin was deactivated or demoted.
    /// Marks the token used at most once per `seen_every_ms`.
    pub async fn api_token_holder(
        &self,
        hash: &str,
        now: Millis,
        seen_every_ms: Millis,
    ) -> StoreResult<Option<TokenHolder>> {
        let sql = format!(
            "select {ACCOUNT_COLUMNS}, t.id as token_id, t.name as token_name, t.access, \
             t.last_used_at from api_tokens t join users u on u.id = t.admin_id \
             where t.hash = $1 and t.revoked_at is null and (t.expires_at is null or t.expires_at > $2) \
             and {ADMIN_ROLE} and {CAN_SIGN_IN}"
        );
        let Some(row) = sqlx::query(&sql)
            .bind(hash)
            .bind(now)
            .fetch_optional(&self.pool)
            .await?
        else {
            return Ok(None);
        };
        let holder = TokenHolder {
            token_id: row.try_get("token_id")?,
            token_name: row.try_get("token_name")?,
            access: decoded(&row, "access", TokenAccess::parse)?,
            admin: account_row(&row)?,
        };
        let used: Option<Millis> = row.try_get("last_used_at")?;
        if used.is_none_or(|at| now - at >= seen_every_ms) {
            // "Last used" is a hint: a busy database does not fail the request over it.
            if let Err(error) = sqlx::query(
                "update api_tokens set last_used_at = $1 where id = $2 \
                 and (last_used_at is null or last_used_at <= $1 - $3)",
            )
            .bind(now)
            .bind(&holder.token_id)
            .bind(seen_every_ms)
            .execute(&self.pool)
            .await
            {
                tracing::warn!(error = %error, "could not note an API token's last use");
            }
        }
        Ok(Some(holder))
    }
}
