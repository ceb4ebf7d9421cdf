//! Organization requests (SPEC §8.3): asked for by a consumer of the default organization,
//! approved (the organization, its default team and the requester as its consumer admin, in one
//! transaction) or rejected by an admin. A request is decided once: the decision is a
//! conditional update of a pending row, so an approval and a rejection at once end in one.

use super::organizations::insert_organization;
use super::outbox::{NewEmail, insert_email, queue_to_admins};
use super::users::{Person, commit_user_change, move_to_organization};
use super::{
    By, CONSUMER_ROLE, DEFAULT_ORGANIZATION_ID, Store, StoreError, StoreResult, decoded, new_id,
};
use crate::domain::Role;
use crate::domain::organization_request::{
    ALREADY_DECIDED, ALREADY_PENDING, OwnRequest, PendingRequest, REQUESTER_GONE, RequestOutcome,
    RequestStatus,
};
use sqlx::Row as _;

/// A pending request as its decision needs it.
#[derive(Debug, Clone)]
pub struct RequestToDecide {
    pub name: String,
    pub requester: Person,
}

impl Store {
    /// The request of `by.actor`, a consumer of the default organization, for an organization
    /// named `name` (already checked as a name). With `auto_approve` the organization is created
    /// at once and the requester moved into it as its consumer admin; otherwise the request
    /// waits and `notice` goes to the admins (one a window, `queue_to_admins`). A taken or
    /// pending name is `Unique`; anyone else asking is `Forbidden`.
    pub async fn request_organization(
        &self,
        name: &str,
        auto_approve: bool,
        notice: &NewEmail,
        by: By<'_>,
    ) -> StoreResult<RequestOutcome> {
        let requester = by.actor.ok_or(StoreError::Forbidden)?;
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(&format!(
            "select u.organization_id, u.status from users u where u.id = $1 and {CONSUMER_ROLE}{}",
            self.dialect.lock_row()
        ))
        .bind(requester)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::Forbidden)?;
        if row.try_get::<String, _>("organization_id")? != DEFAULT_ORGANIZATION_ID
            || row.try_get::<String, _>("status")? != "active"
        {
            return Err(StoreError::Forbidden);
        }
        let pending: i64 = sqlx::query(
            "select count(*) as n from organization_requests where requester_id = $1 and status = 'pending'",
        )
        .bind(requester)
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
        if pending > 0 {
            return Err(StoreError::Conflict(ALREADY_PENDING));
        }
        let taken: i64 =
            sqlx::query("select count(*) as n from organizations where lower(name) = lower($1)")
                .bind(name)
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
        if taken > 0 {
            return Err(StoreError::Unique {
                constraint: "organizations_name_lower".into(),
            });
        }
        let id = new_id();
        if auto_approve {
            let organization_id = insert_organization(&mut tx, name, by).await?;
            move_to_organization(
                &mut tx,
                requester,
                &organization_id,
                Role::ConsumerAdmin,
                by.now,
            )
            .await?;
            sqlx::query(
                "insert into organization_requests (id, requester_id, name, status, organization_id, \
                 created_at, decided_at) values ($1, $2, $3, 'approved', $4, $5, $5)",
            )
            .bind(&id)
            .bind(requester)
            .bind(name)
            .bind(&organization_id)
            .bind(by.now)
            .execute(&mut *tx)
            .await?;
            let detail = format!("{name}: approved at once, now its consumer admin");
            commit_user_change(tx, by, "organization.requested", requester, &detail).await?;
            return Ok(RequestOutcome::Created { organization_id });
        }
        sqlx::query(
            "insert into organization_requests (id, requester_id, name, status, created_at) \
             values ($1, $2, $3, 'pending', $4)",
        )
        .bind(&id)
        .bind(requester)
        .bind(name)
        .bind(by.now)
        .execute(&mut *tx)
        .await?;
        queue_to_admins(&mut tx, notice, by.now).await?;
        commit_user_change(tx, by, "organization.requested", requester, name).await?;
        Ok(RequestOutcome::Pending)
    }

    /// The pending requests, oldest first, for Organizations.
    pub async fn pending_organization_requests(&self) -> StoreResult<Vec<PendingRequest>> {
        sqlx::query(
            "select r.id, r.name, r.requester_id, r.created_at, u.first_name, u.last_name, u.email \
             from organization_requests r join users u on u.id = r.requester_id \
             where r.status = 'pending' order by r.created_at, r.id limit 500",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let first: String = r.try_get("first_name")?;
            let last: String = r.try_get("last_name")?;
            Ok(PendingRequest {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                requester_id: r.try_get("requester_id")?,
                requester_name: format!("{first} {last}"),
                requester_email: r.try_get("email")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
    }

    /// The latest request of `user_id`, if any.
    pub async fn own_organization_request(&self, user_id: &str) -> StoreResult<Option<OwnRequest>> {
        let Some(row) = sqlx::query(
            "select name, status, reason, created_at from organization_requests \
             where requester_id = $1 order by created_at desc, id desc limit 1",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        Ok(Some(OwnRequest {
            name: row.try_get("name")?,
            status: decoded(&row, "status", RequestStatus::parse)?,
            reason: row.try_get("reason")?,
            created_at: row.try_get("created_at")?,
        }))
    }

    /// A pending request with its requester, to compose the decision's email; `NotFound` when
    /// there is none, `Conflict` when it was decided.
    pub async fn request_to_decide(&self, id: &str) -> StoreResult<RequestToDecide> {
        let row = sqlx::query(
            "select r.name, r.status, u.first_name, u.last_name, u.email \
             from organization_requests r join users u on u.id = r.requester_id where r.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        if decoded(&row, "status", RequestStatus::parse)? != RequestStatus::Pending {
            return Err(StoreError::Conflict(ALREADY_DECIDED));
        }
        Ok(RequestToDecide {
            name: row.try_get("name")?,
            requester: Person {
                first_name: row.try_get("first_name")?,
                last_name: row.try_get("last_name")?,
                email: row.try_get("email")?,
            },
        })
    }

    /// Approves a pending request under `name` (the requested one or the admin's change): the
    /// organization and its default team are created, the requester is moved into it as its
    /// consumer admin, and `email` is queued, all in one transaction. Answers the organization's
    /// id. Decided meanwhile is `Conflict`; a taken name is `Unique`.
    pub async fn approve_organization_request(
        &self,
        id: &str,
        name: &str,
        email: &NewEmail,
        by: By<'_>,
    ) -> StoreResult<String> {
        let mut tx = self.begin_write().await?;
        let requester = decide(&mut tx, id, RequestStatus::Approved, None, by).await?;
        // The requester may have been moved into a company or deactivated since they asked:
        // approving would then pull them out of it, or make a consumer admin of nobody.
        let still_asking = sqlx::query(&format!(
            "select u.id from users u where u.id = $1 and {CONSUMER_ROLE} \
             and u.organization_id = $2 and u.status = 'active'{}",
            self.dialect.lock_row()
        ))
        .bind(&requester)
        .bind(DEFAULT_ORGANIZATION_ID)
        .fetch_optional(&mut *tx)
        .await?;
        if still_asking.is_none() {
            return Err(StoreError::Conflict(REQUESTER_GONE));
        }
        let organization_id = insert_organization(&mut tx, name, by).await?;
        move_to_organization(
            &mut tx,
            &requester,
            &organization_id,
            Role::ConsumerAdmin,
            by.now,
        )
        .await?;
        sqlx::query(
            "update organization_requests set name = $1, organization_id = $2 where id = $3",
        )
        .bind(name)
        .bind(&organization_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        insert_email(&mut tx, email, by.now).await?;
        let detail = format!("{name}: approved, now its consumer admin");
        commit_user_change(tx, by, "organization.request_approved", &requester, &detail).await?;
        Ok(organization_id)
    }

    /// Rejects a pending request with an optional `reason`, queuing `email` in the same
    /// transaction. Decided meanwhile is `Conflict`.
    pub async fn reject_organization_request(
        &self,
        id: &str,
        reason: Option<&str>,
        email: &NewEmail,
        by: By<'_>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let requester = decide(&mut tx, id, RequestStatus::Rejected, reason, by).await?;
        insert_email(&mut tx, email, by.now).await?;
        commit_user_change(
            tx,
            by,
            "organization.request_rejected",
            &requester,
            reason.unwrap_or(""),
        )
        .await
    }
}

/// Marks a pending request decided, if it still is; answers its requester.
async fn decide(
    tx: &mut super::Tx,
    id: &str,
    status: RequestStatus,
    reason: Option<&str>,
    by: By<'_>,
) -> StoreResult<String> {
    let decided = sqlx::query(
        "update organization_requests set status = $1, reason = $2, decided_at = $3, decided_by = $4 \
         where id = $5 and status = 'pending'",
    )
    .bind(status.as_str())
    .bind(reason)
    .bind(by.now)
    .bind(by.actor)
    .bind(id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    let row = sqlx::query("select requester_id from organization_requests where id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    if decided == 0 {
        return Err(StoreError::Conflict(ALREADY_DECIDED));
    }
    Ok(row.try_get("requester_id")?)
}
