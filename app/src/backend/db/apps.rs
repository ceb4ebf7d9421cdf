//! Apps, access requests, API keys and gateway tokens (SPEC §10).
//!
//! Who sees an app is [`visible_apps`] alone. A request is decided once (a conditional update of
//! a pending row); one live request per app, product and plan is a partial unique index; a key
//! is issued once per approval (a conditional update of an approved row without one). Every
//! transaction that changes what a gateway check answers calls [`gateway_changed`], which bumps
//! `gateway_state.generation` (other instances poll it) and this process's counter (on commit).

use super::catalog::terms;
use super::outbox::{NewEmail, insert_email, queue_to_admins};
use super::users::Person;
use super::{By, DEFAULT_ORGANIZATION_ID, Store, StoreError, StoreResult, Subject, Tx, new_id};
use crate::backend::Millis;
use crate::domain::apps::{
    ALREADY_DECIDED, AccessRequest, AppPage, AppSummary, AppVisibility, GatewayTokenRow,
    HAS_LIVE_KEYS, KEY_ALREADY_SHOWN, KEY_EXPIRED, NOT_LIVE, RequestFilter, RequestStatus,
    Submitted, ValidApp,
};
use crate::domain::catalog::PlanTerms;
use sqlx::Row as _;

/// The apps row `a` is visible to the user bound as `$1`: its owner; everyone of its
/// organization when it is an Organization app; whoever shares a team with its owner when it is
/// a Team app. Nobody but the owner in the default organization (it is not a company).
fn visible_apps() -> String {
    format!(
        "(a.owner_id = $1 or (a.organization_id <> '{DEFAULT_ORGANIZATION_ID}' and ( \
           (a.visibility = 'organization' and a.organization_id = \
              (select v.organization_id from users v where v.id = $1)) \
           or (a.visibility = 'team' and exists (select 1 from team_memberships mo \
              join team_memberships mv on mv.team_id = mo.team_id \
              where mo.user_id = a.owner_id and mv.user_id = $1)))))"
    )
}

/// Marks the transaction as changing what a gateway check answers: the shared counter moves
/// (its row lock also orders such transactions on Postgres), and on commit this process knows.
pub(super) async fn gateway_changed(tx: &mut Tx) -> StoreResult<()> {
    let generation: i64 = sqlx::query(
        "update gateway_state set generation = generation + 1 where id = 1 returning generation",
    )
    .fetch_one(&mut **tx)
    .await?
    .try_get("generation")?;
    tx.gateway_changed = Some(generation);
    Ok(())
}

/// Ends every live access and pending request of the apps that `apps` selects (SQL answering app
/// ids, `binds` as its `$1`…): their keys are deleted, so they answer as unknown keys do. The one
/// revocation every path that revokes in bulk uses; answers how many requests it ended (the
/// caller marks the gateway change).
async fn revoke_apps(tx: &mut Tx, apps: &str, binds: &[&str], now: Millis) -> StoreResult<u64> {
    let delete = format!(
        "delete from api_keys where request_id in \
         (select r.id from access_requests r where r.app_id in ({apps}))"
    );
    let mut query = sqlx::query(&delete);
    for value in binds {
        query = query.bind(*value);
    }
    query.execute(&mut **tx).await?;
    let update = format!(
        "update access_requests set status = 'revoked', revoked_at = ${} \
         where status in ('pending', 'approved') and app_id in ({apps})",
        binds.len() + 1
    );
    let mut query = sqlx::query(&update);
    for value in binds {
        query = query.bind(*value);
    }
    Ok(query.bind(now).execute(&mut **tx).await?.rows_affected())
}

/// Revokes every live access of the apps `owner_id` owns (and withdraws their pending
/// requests): called when a user is deactivated or deleted (`moved_to` `None`). With `moved_to`,
/// the user moves into that organization: the accesses of apps held in another company are
/// revoked (they were granted as one of it), an app of the default organization keeps its
/// accesses, and every app follows its owner as Personal.
pub(super) async fn revoke_owned(
    tx: &mut Tx,
    owner_id: &str,
    moved_to: Option<&str>,
    now: Millis,
) -> StoreResult<()> {
    let apps = format!(
        "select a.id from apps a where a.owner_id = $1 and ($2 = '' or (a.organization_id <> $2 \
         and a.organization_id <> '{DEFAULT_ORGANIZATION_ID}'))"
    );
    let changed = revoke_apps(tx, &apps, &[owner_id, moved_to.unwrap_or("")], now).await?;
    let mut moved = 0;
    if let Some(organization_id) = moved_to {
        moved = sqlx::query(
            "update apps set organization_id = $2, visibility = 'personal', updated_at = $3 \
             where owner_id = $1 and organization_id <> $2",
        )
        .bind(owner_id)
        .bind(organization_id)
        .bind(now)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    }
    // Kept keys of moved apps now answer with the new organization.
    if changed + moved > 0 {
        gateway_changed(tx).await?;
    }
    Ok(())
}

/// Before an organization is deleted: its apps' live accesses are revoked and the apps follow
/// their owners into the default organization as Personal.
pub(super) async fn revoke_in_organization(
    tx: &mut Tx,
    organization_id: &str,
    now: Millis,
) -> StoreResult<()> {
    revoke_apps(
        tx,
        "select id from apps where organization_id = $1",
        &[organization_id],
        now,
    )
    .await?;
    sqlx::query(
        "update apps set organization_id = $2, visibility = 'personal', updated_at = $3 \
         where organization_id = $1",
    )
    .bind(organization_id)
    .bind(DEFAULT_ORGANIZATION_ID)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    gateway_changed(tx).await
}

/// Refuses to delete a product or plan (`column` of access_requests is `id`) that live keys use.
pub(super) async fn refuse_if_live(tx: &mut Tx, column: &str, id: &str) -> StoreResult<()> {
    // The counter's row first: an approval takes it too, so on Postgres the two take turns and
    // the count below sees an approval that committed meanwhile.
    gateway_changed(tx).await?;
    let live: i64 = sqlx::query(&format!(
        "select count(*) as n from access_requests where {column} = $1 and status = 'approved'"
    ))
    .bind(id)
    .fetch_one(&mut **tx)
    .await?
    .try_get("n")?;
    if live > 0 {
        return Err(StoreError::Conflict(HAS_LIVE_KEYS));
    }
    Ok(())
}

/// Which app a request is for: one of the requester's, or a new one made in the same transaction.
#[derive(Debug, Clone)]
pub enum AppChoice<'a> {
    Existing(&'a str),
    New(&'a ValidApp),
}

/// What "Submit request" stores: the app, the product and plan (the caller checked that the
/// requester sees both), the comment, and whether the plan approves at once.
#[derive(Debug, Clone)]
pub struct NewRequest<'a> {
    pub app: AppChoice<'a>,
    pub product_id: &'a str,
    pub plan_id: &'a str,
    pub comment: &'a str,
    pub auto_approve: bool,
}

/// A request to be decided, with what its emails say.
#[derive(Debug, Clone)]
pub struct AccessToDecide {
    pub requester: Option<Person>,
    pub app_id: String,
    pub app_name: String,
    pub product_display_name: String,
    pub plan_display_name: String,
}

/// What a key grants, as the gateway check reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyGrant {
    pub request_id: String,
    pub app_id: String,
    pub app_name: String,
    pub organization_id: String,
    pub organization_name: String,
    pub plan_id: String,
    pub plan_name: String,
    pub product_id: String,
    pub terms: PlanTerms,
    /// The credential's expiry (`None`: never).
    pub expires_at: Option<Millis>,
    /// For a rotated key in its grace period: when it stops working.
    pub valid_until: Option<Millis>,
}

const SUMMARY_COLUMNS: &str = "a.id, a.name, a.description, a.visibility, a.owner_id, \
     u.first_name, u.last_name, u.email, o.name as organization, \
     (select count(*) from access_requests x where x.app_id = a.id and x.status = 'approved') as live, \
     (select count(*) from access_requests x where x.app_id = a.id and x.status = 'pending') as pending";
const SUMMARY_FROM: &str = "from apps a join users u on u.id = a.owner_id join organizations o on o.id = a.organization_id";

fn summary(row: &sqlx::any::AnyRow, viewer: Option<&str>) -> StoreResult<AppSummary> {
    let first: String = row.try_get("first_name")?;
    let last: String = row.try_get("last_name")?;
    let owner: String = row.try_get("owner_id")?;
    Ok(AppSummary {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        visibility: super::decoded(row, "visibility", AppVisibility::parse)?,
        owner_name: format!("{first} {last}").trim().to_owned(),
        owner_email: row.try_get("email")?,
        organization: row.try_get("organization")?,
        live: row.try_get("live")?,
        pending: row.try_get("pending")?,
        mine: viewer == Some(owner.as_str()),
    })
}

const REQUEST_COLUMNS: &str = "r.id, r.app_id, a.name as app_name, p.name as product_name, \
     p.display_name as product_display_name, pl.display_name as plan_display_name, \
     u.first_name, u.last_name, u.email, o.name as organization, r.comment, r.status, r.reason, \
     r.created_at, r.decided_at, r.key_prefix, r.issued_at, r.expires_at, \
     (select max(k.valid_until) from api_keys k where k.request_id = r.id) as old_key_until, \
     pl.rate_requests, pl.rate_seconds, pl.quota_requests, pl.quota_period, pl.key_expiry_days, \
     pl.auto_approve";
const REQUEST_FROM: &str = "from access_requests r join apps a on a.id = r.app_id \
     join api_products p on p.id = r.product_id join plans pl on pl.id = r.plan_id \
     join organizations o on o.id = a.organization_id left join users u on u.id = r.requester_id";

fn request(row: &sqlx::any::AnyRow) -> StoreResult<AccessRequest> {
    let first: Option<String> = row.try_get("first_name")?;
    let last: Option<String> = row.try_get("last_name")?;
    let email: Option<String> = row.try_get("email")?;
    Ok(AccessRequest {
        id: row.try_get("id")?,
        app_id: row.try_get("app_id")?,
        app_name: row.try_get("app_name")?,
        product_name: row.try_get("product_name")?,
        product_display_name: row.try_get("product_display_name")?,
        plan_display_name: row.try_get("plan_display_name")?,
        requester_name: format!("{} {}", first.unwrap_or_default(), last.unwrap_or_default())
            .trim()
            .to_owned(),
        requester_email: email.unwrap_or_else(|| "(deleted user)".into()),
        organization: row.try_get("organization")?,
        comment: row.try_get("comment")?,
        status: super::decoded(row, "status", RequestStatus::parse)?,
        reason: row.try_get("reason")?,
        created_at: row.try_get("created_at")?,
        decided_at: row.try_get("decided_at")?,
        key_prefix: row.try_get("key_prefix")?,
        issued_at: row.try_get("issued_at")?,
        expires_at: row.try_get("expires_at")?,
        old_key_until: row.try_get("old_key_until")?,
        terms: terms(row)?,
    })
}

/// The plan's key lifetime, from `now`.
async fn key_expiry(tx: &mut Tx, request_id: &str, now: Millis) -> StoreResult<Option<Millis>> {
    let days: Option<i64> = sqlx::query(
        "select pl.key_expiry_days from access_requests r join plans pl on pl.id = r.plan_id \
         where r.id = $1",
    )
    .bind(request_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StoreError::NotFound)?
    .try_get("key_expiry_days")?;
    Ok(days.map(|d| now + d * 24 * 60 * 60 * 1000))
}

impl Store {
    // --- Apps --------------------------------------------------------------------------------------

    /// "Create app" by `by.actor`; in the default organization an app is always Personal. A name
    /// the owner already uses is `Unique`.
    pub async fn create_app(&self, valid: &ValidApp, by: By<'_>) -> StoreResult<String> {
        let mut tx = self.begin_write().await?;
        let id = insert_app(&mut tx, valid, by, self.dialect.lock_row()).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// "Edit": name, description and visibility of an app `owner` owns (`None`: an admin).
    pub async fn update_app(
        &self,
        id: &str,
        owner: Option<&str>,
        valid: &ValidApp,
        by: By<'_>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(&format!(
            "update apps set name = $1, description = $2, updated_at = $4, visibility = \
             case when organization_id = '{DEFAULT_ORGANIZATION_ID}' then 'personal' else $3 end \
             where id = $5 and ($6 = '' or owner_id = $6)"
        ))
        .bind(&valid.name)
        .bind(&valid.description)
        .bind(valid.visibility.as_str())
        .bind(by.now)
        .bind(id)
        .bind(owner.unwrap_or(""))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        // The gateway's JSON answer names the app.
        gateway_changed(&mut tx).await?;
        tx.audit(by, "app.updated", Subject::App(id), &valid.name)
            .await?;
        tx.commit().await
    }

    /// Deletes an app `owner` owns (`None`: an admin) with its requests and keys.
    pub async fn delete_app(&self, id: &str, owner: Option<&str>, by: By<'_>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let name: String =
            sqlx::query("select name from apps where id = $1 and ($2 = '' or owner_id = $2)")
                .bind(id)
                .bind(owner.unwrap_or(""))
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?
                .try_get("name")?;
        sqlx::query("delete from apps where id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        gateway_changed(&mut tx).await?;
        tx.audit(by, "app.deleted", Subject::App(id), &name).await?;
        tx.commit().await
    }

    /// "Reassign": an admin gives the app to another consumer; its live keys are revoked (they
    /// were granted to the old owner) and it becomes Personal in the new owner's organization.
    pub async fn reassign_app(&self, id: &str, owner_id: &str, by: By<'_>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let organization: String = sqlx::query(&format!(
            "select u.organization_id from users u where u.id = $1 and {}",
            super::CONSUMER_ROLE
        ))
        .bind(owner_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::ForeignKey)?
        .try_get("organization_id")?;
        revoke_apps(&mut tx, "select id from apps where id = $1", &[id], by.now).await?;
        let changed = sqlx::query(
            "update apps set owner_id = $2, organization_id = $3, visibility = 'personal', \
             updated_at = $4 where id = $1",
        )
        .bind(id)
        .bind(owner_id)
        .bind(&organization)
        .bind(by.now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        gateway_changed(&mut tx).await?;
        tx.audit(by, "app.reassigned", Subject::App(id), owner_id)
            .await?;
        tx.commit().await
    }

    /// The name of app `id` when `owner` owns it.
    pub async fn own_app_name(&self, id: &str, owner: &str) -> StoreResult<Option<String>> {
        Ok(
            sqlx::query("select name from apps where id = $1 and owner_id = $2")
                .bind(id)
                .bind(owner)
                .fetch_optional(&self.pool)
                .await?
                .map(|r| r.try_get("name"))
                .transpose()?,
        )
    }

    /// "My apps": the apps `viewer` may see, by name.
    pub async fn apps_for(&self, viewer: &str) -> StoreResult<Vec<AppSummary>> {
        sqlx::query(&format!(
            "select {SUMMARY_COLUMNS} {SUMMARY_FROM} where {} order by lower(a.name), a.id limit 500",
            visible_apps()
        ))
        .bind(viewer)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| summary(r, Some(viewer)))
        .collect()
    }

    /// "Apps" for admins: every app (or those of `owner_id`), by name.
    pub async fn all_apps(&self, owner_id: Option<&str>) -> StoreResult<Vec<AppSummary>> {
        sqlx::query(&format!(
            "select {SUMMARY_COLUMNS} {SUMMARY_FROM} where ($1 = '' or a.owner_id = $1) \
             order by lower(a.name), a.id limit 2000"
        ))
        .bind(owner_id.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| summary(r, None))
        .collect()
    }

    /// A keyset page of "Apps" for admins (every app, or those of `owner_id`), by name, after the
    /// row whose sort keys are `after`; each row with its own sort keys.
    pub async fn app_page_rows(
        &self,
        owner_id: &str,
        after: Option<&[String]>,
        limit: i64,
    ) -> StoreResult<Vec<(AppSummary, Vec<String>)>> {
        let (later, keys) = match after {
            Some([name, id]) => (
                "and (lower(a.name), a.id) > ($2, $3)",
                (name.as_str(), id.as_str()),
            ),
            _ => ("and $2 = '' and $3 = ''", ("", "")),
        };
        sqlx::query(&format!(
            "select {SUMMARY_COLUMNS}, lower(a.name) as k0 {SUMMARY_FROM} \
             where ($1 = '' or a.owner_id = $1) {later} order by lower(a.name), a.id limit $4"
        ))
        .bind(owner_id)
        .bind(keys.0)
        .bind(keys.1)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let row = summary(r, None)?;
            let keys = vec![r.try_get::<String, _>("k0")?, row.id.clone()];
            Ok((row, keys))
        })
        .collect()
    }

    /// An app's page for `viewer` (`None`: an admin), or `None` when they may not see it.
    pub async fn app_page(&self, id: &str, viewer: Option<&str>) -> StoreResult<Option<AppPage>> {
        let mut tx = self.begin_read().await?;
        let rule = match viewer {
            Some(_) => visible_apps(),
            None => "$1 = ''".to_owned(),
        };
        let Some(row) = sqlx::query(&format!(
            "select {SUMMARY_COLUMNS} {SUMMARY_FROM} where a.id = $2 and {rule}"
        ))
        .bind(viewer.unwrap_or(""))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(None);
        };
        let app = summary(&row, viewer)?;
        let requests = sqlx::query(&format!(
            "select {REQUEST_COLUMNS} {REQUEST_FROM} where r.app_id = $1 \
             order by r.created_at desc, r.id limit 500"
        ))
        .bind(id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(request)
        .collect::<StoreResult<Vec<_>>>()?;
        Ok(Some(AppPage {
            app,
            requests,
            shown: None,
        }))
    }

    // --- Access requests ---------------------------------------------------------------------------

    /// "Submit request" by `by.actor`: approved at once with the plan's auto-approve, otherwise
    /// pending with `notice` to the admins. A live request for the same app, product and plan is
    /// `Unique`; an app the requester does not own is `NotFound`. A new app is created in the same
    /// transaction, so a refused request leaves none behind.
    pub async fn submit_request(
        &self,
        new: &NewRequest<'_>,
        notice: &NewEmail,
        by: By<'_>,
    ) -> StoreResult<Submitted> {
        let NewRequest {
            ref app,
            product_id,
            plan_id,
            comment,
            auto_approve,
        } = *new;
        let requester = by.actor.ok_or(StoreError::Forbidden)?;
        let mut tx = self.begin_write().await?;
        let app_id = match *app {
            AppChoice::New(valid) => {
                insert_app(&mut tx, valid, by, self.dialect.lock_row()).await?
            }
            // The app's and the owner's rows are held (Postgres), so a reassignment, a move or a
            // deactivation at the same moment waits, then revokes what this request made.
            AppChoice::Existing(id) => sqlx::query(&format!(
                "select a.id from apps a join users u on u.id = a.owner_id \
                 where a.id = $1 and a.owner_id = $2 and u.status = 'active'{}",
                self.dialect.lock_row()
            ))
            .bind(id)
            .bind(requester)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?
            .try_get("id")?,
        };
        let id = new_id();
        let status = if auto_approve { "approved" } else { "pending" };
        sqlx::query(
            "insert into access_requests (id, app_id, product_id, plan_id, requester_id, comment, \
             status, created_at, decided_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(&app_id)
        .bind(product_id)
        .bind(plan_id)
        .bind(requester)
        .bind(comment)
        .bind(status)
        .bind(by.now)
        .bind(auto_approve.then_some(by.now))
        .execute(&mut *tx)
        .await?;
        if !auto_approve {
            queue_to_admins(&mut tx, notice, by.now).await?;
        }
        let detail = if auto_approve {
            "approved at once by the plan"
        } else {
            "pending"
        };
        tx.audit(by, "access.requested", Subject::AccessRequest(&id), detail)
            .await?;
        tx.commit().await?;
        Ok(Submitted {
            app_id,
            request_id: id,
            approved: auto_approve,
        })
    }

    /// "Access requests": pending first, then newest, filtered.
    pub async fn access_requests(&self, filter: &RequestFilter) -> StoreResult<Vec<AccessRequest>> {
        sqlx::query(&format!(
            "select {REQUEST_COLUMNS} {REQUEST_FROM} \
             where ($1 = '' or r.status = $1) and ($2 = '' or r.product_id = $2) \
               and ($3 = '' or r.plan_id = $3) and ($4 = '' or a.organization_id = $4) \
             order by case when r.status = 'pending' then 0 else 1 end, r.created_at desc, r.id \
             limit 500"
        ))
        .bind(filter.status.trim())
        .bind(filter.product.trim())
        .bind(filter.plan.trim())
        .bind(filter.organization.trim())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(request)
        .collect()
    }

    /// A keyset page of "Access requests" in the page's order (pending first, then newest),
    /// filtered, after the row whose sort keys are `after`; each row with its own sort keys.
    pub async fn access_request_page(
        &self,
        filter: &RequestFilter,
        after: Option<&[String]>,
        limit: i64,
    ) -> StoreResult<Vec<(AccessRequest, Vec<String>)>> {
        let number = |text: &str| text.parse::<i64>().unwrap_or(0);
        let (later, keys) = match after {
            Some([decided, newest, id]) => (
                "and (case when r.status = 'pending' then 0 else 1 end, 0 - r.created_at, r.id) \
                 > ($5, $6, $7)",
                (number(decided), number(newest), id.as_str()),
            ),
            _ => ("and $5 = 0 and $6 = 0 and $7 = ''", (0, 0, "")),
        };
        sqlx::query(&format!(
            "select {REQUEST_COLUMNS}, case when r.status = 'pending' then 0 else 1 end as k0, \
             0 - r.created_at as k1 {REQUEST_FROM} \
             where ($1 = '' or r.status = $1) and ($2 = '' or r.product_id = $2) \
               and ($3 = '' or r.plan_id = $3) and ($4 = '' or a.organization_id = $4) {later} \
             order by case when r.status = 'pending' then 0 else 1 end, r.created_at desc, r.id \
             limit $8"
        ))
        .bind(filter.status.trim())
        .bind(filter.product.trim())
        .bind(filter.plan.trim())
        .bind(filter.organization.trim())
        .bind(keys.0)
        .bind(keys.1)
        .bind(keys.2)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let row = request(r)?;
            let keys = vec![
                r.try_get::<i64, _>("k0")?.to_string(),
                r.try_get::<i64, _>("k1")?.to_string(),
                row.id.clone(),
            ];
            Ok((row, keys))
        })
        .collect()
    }

    /// What the emails about request `id` say; `NotFound` when it does not exist.
    pub async fn access_to_decide(&self, id: &str) -> StoreResult<AccessToDecide> {
        let row = sqlx::query(
            "select a.id as app_id, a.name as app_name, p.display_name as product, \
             pl.display_name as plan, u.first_name, u.last_name, u.email \
             from access_requests r join apps a on a.id = r.app_id \
             join api_products p on p.id = r.product_id join plans pl on pl.id = r.plan_id \
             left join users u on u.id = r.requester_id where r.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let email: Option<String> = row.try_get("email")?;
        Ok(AccessToDecide {
            requester: match email {
                Some(email) => Some(Person {
                    first_name: row.try_get("first_name")?,
                    last_name: row.try_get("last_name")?,
                    email,
                }),
                None => None,
            },
            app_id: row.try_get("app_id")?,
            app_name: row.try_get("app_name")?,
            product_display_name: row.try_get("product")?,
            plan_display_name: row.try_get("plan")?,
        })
    }

    /// "Approve" or "Reject": decides a pending request once (a second decision, even at the
    /// same moment, is `Conflict`), and emails the requester.
    pub async fn decide_request(
        &self,
        id: &str,
        approve: bool,
        reason: &str,
        email: Option<&NewEmail>,
        by: By<'_>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        if approve {
            // Takes turns with deleting its product or plan (`refuse_if_live`).
            gateway_changed(&mut tx).await?;
        }
        let changed = sqlx::query(
            "update access_requests set status = $2, reason = $3, decided_at = $4, decided_by = $5 \
             where id = $1 and status = 'pending'",
        )
        .bind(id)
        .bind(if approve { "approved" } else { "rejected" })
        .bind(reason)
        .bind(by.now)
        .bind(by.actor)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            let exists: i64 =
                sqlx::query("select count(*) as n from access_requests where id = $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get("n")?;
            return Err(if exists > 0 {
                StoreError::Conflict(ALREADY_DECIDED)
            } else {
                StoreError::NotFound
            });
        }
        if let Some(email) = email {
            insert_email(&mut tx, email, by.now).await?;
        }
        let action = if approve {
            "access.approved"
        } else {
            "access.rejected"
        };
        tx.audit(by, action, Subject::AccessRequest(id), reason)
            .await?;
        tx.commit().await
    }

    // --- Keys --------------------------------------------------------------------------------------

    /// "Show key": stores the hash of a new key for an approved request of an app `owner` owns,
    /// once. A second call (even at the same moment) is `Conflict`; a request that is not
    /// approved, or not theirs, is `NotFound`.
    pub async fn issue_key(
        &self,
        request_id: &str,
        owner: &str,
        hash: &str,
        prefix: &str,
        now: Millis,
    ) -> StoreResult<Option<Millis>> {
        let mut tx = self.begin_write().await?;
        let expires_at = key_expiry(&mut tx, request_id, now).await?;
        let changed = sqlx::query(
            "update access_requests set issued_at = $2, key_prefix = $3, expires_at = $4 \
             where id = $1 and status = 'approved' and issued_at is null \
               and app_id in (select id from apps where owner_id = $5)",
        )
        .bind(request_id)
        .bind(now)
        .bind(prefix)
        .bind(expires_at)
        .bind(owner)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            let shown: i64 = sqlx::query(
                "select count(*) as n from access_requests r join apps a on a.id = r.app_id \
                 where r.id = $1 and r.status = 'approved' and r.issued_at is not null and a.owner_id = $2",
            )
            .bind(request_id)
            .bind(owner)
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
            return Err(if shown > 0 {
                StoreError::Conflict(KEY_ALREADY_SHOWN)
            } else {
                StoreError::NotFound
            });
        }
        insert_key(&mut tx, hash, request_id, now).await?;
        tx.audit(
            By::user(owner, now),
            "key.issued",
            Subject::AccessRequest(request_id),
            prefix,
        )
        .await?;
        tx.commit().await?;
        Ok(expires_at)
    }

    /// "Rotate": a new key for an issued access of an app `owner` owns (`None`: an admin); the
    /// current key keeps working for `grace_ms` (0: stops now), older rotated keys stop now.
    pub async fn rotate_key(
        &self,
        request_id: &str,
        owner: Option<&str>,
        hash: &str,
        prefix: &str,
        grace_ms: i64,
        by: By<'_>,
    ) -> StoreResult<Option<Millis>> {
        let mut tx = self.begin_write().await?;
        let (expires_at, issued) = self.hold_approved(&mut tx, request_id, owner).await?;
        if !issued {
            return Err(StoreError::Conflict(NOT_LIVE));
        }
        // An expired key is not renewed by rotating it: its access is requested again.
        if expires_at.is_some_and(|t| t <= by.now) {
            return Err(StoreError::Conflict(KEY_EXPIRED));
        }
        sqlx::query("delete from api_keys where request_id = $1 and valid_until is not null")
            .bind(request_id)
            .execute(&mut *tx)
            .await?;
        if grace_ms > 0 {
            // The old key's grace never outlives its own expiry.
            let until = expires_at.map_or(by.now + grace_ms, |t| t.min(by.now + grace_ms));
            sqlx::query("update api_keys set valid_until = $2 where request_id = $1")
                .bind(request_id)
                .bind(until)
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query("delete from api_keys where request_id = $1")
                .bind(request_id)
                .execute(&mut *tx)
                .await?;
        }
        let expires_at = key_expiry(&mut tx, request_id, by.now).await?;
        sqlx::query(
            "update access_requests set issued_at = $2, key_prefix = $3, expires_at = $4 where id = $1",
        )
        .bind(request_id)
        .bind(by.now)
        .bind(prefix)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        insert_key(&mut tx, hash, request_id, by.now).await?;
        gateway_changed(&mut tx).await?;
        tx.audit(
            by,
            "key.rotated",
            Subject::AccessRequest(request_id),
            prefix,
        )
        .await?;
        tx.commit().await?;
        Ok(expires_at)
    }

    /// "Revoke": ends an approved access of an app `owner` owns (`None`: an admin) and its keys.
    pub async fn revoke_access(
        &self,
        request_id: &str,
        owner: Option<&str>,
        by: By<'_>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        // Approved is enough: an access whose key was never shown is revoked too.
        self.hold_approved(&mut tx, request_id, owner).await?;
        sqlx::query("delete from api_keys where request_id = $1")
            .bind(request_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("update access_requests set status = 'revoked', revoked_at = $2 where id = $1")
            .bind(request_id)
            .bind(by.now)
            .execute(&mut *tx)
            .await?;
        gateway_changed(&mut tx).await?;
        tx.audit(by, "key.revoked", Subject::AccessRequest(request_id), "")
            .await?;
        tx.commit().await
    }

    /// Checks, inside a write, that the request is approved (not revoked) and of an app `owner`
    /// owns; answers its key's expiry (`None`: never) and whether a key was issued. The row is
    /// locked on Postgres, so a rotation and a revocation take turns.
    async fn hold_approved(
        &self,
        tx: &mut Tx,
        request_id: &str,
        owner: Option<&str>,
    ) -> StoreResult<(Option<Millis>, bool)> {
        let row = sqlx::query(&format!(
            "select r.status, r.issued_at, r.expires_at from access_requests r where r.id = $1 \
             and ($2 = '' or r.app_id in (select id from apps where owner_id = $2)){}",
            self.dialect.lock_row()
        ))
        .bind(request_id)
        .bind(owner.unwrap_or(""))
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let status: String = row.try_get("status")?;
        if status != "approved" {
            return Err(StoreError::Conflict(NOT_LIVE));
        }
        let issued: Option<i64> = row.try_get("issued_at")?;
        Ok((row.try_get("expires_at")?, issued.is_some()))
    }

    // --- The gateway check -------------------------------------------------------------------------

    /// Reads the shared change counter (every instance polls it) into what this process knows;
    /// answers it.
    pub async fn poll_gateway_generation(&self) -> StoreResult<i64> {
        let generation: i64 = sqlx::query("select generation from gateway_state where id = 1")
            .fetch_one(&self.pool)
            .await?
            .try_get("generation")?;
        self.gateway_seen
            .fetch_max(generation, std::sync::atomic::Ordering::AcqRel);
        Ok(generation)
    }

    /// The highest committed value of the change counter this process knows of.
    pub fn gateway_generation_seen(&self) -> i64 {
        self.gateway_seen.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Every product's gateway prefix, and the hashes of the live gateway tokens.
    pub async fn gateway_routes(&self) -> StoreResult<(Vec<(String, String)>, Vec<String>)> {
        let mut tx = self.begin_read().await?;
        let products = sqlx::query("select id, gateway_prefix from api_products")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("gateway_prefix")?, r.try_get("id")?)))
            .collect::<StoreResult<Vec<_>>>()?;
        let tokens = sqlx::query("select hash from gateway_tokens where revoked_at is null")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| Ok(r.try_get("hash")?))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((products, tokens))
    }

    /// What the key with this hash grants, when it belongs to an approved access of an active
    /// owner; `None` for an unknown or revoked key alike (the same one-row lookup).
    pub async fn key_grant(&self, hash: &str) -> StoreResult<Option<KeyGrant>> {
        let Some(row) = sqlx::query(
            "select r.id, r.app_id, a.name as app_name, a.organization_id, o.name as organization, \
             r.plan_id, pl.name as plan_name, r.product_id, r.expires_at, k.valid_until, \
             pl.rate_requests, pl.rate_seconds, pl.quota_requests, pl.quota_period, \
             pl.key_expiry_days, pl.auto_approve \
             from api_keys k join access_requests r on r.id = k.request_id \
             join apps a on a.id = r.app_id join users u on u.id = a.owner_id \
             join organizations o on o.id = a.organization_id join plans pl on pl.id = r.plan_id \
             where k.hash = $1 and r.status = 'approved' and u.status = 'active'",
        )
        .bind(hash)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        Ok(Some(KeyGrant {
            request_id: row.try_get("id")?,
            app_id: row.try_get("app_id")?,
            app_name: row.try_get("app_name")?,
            organization_id: row.try_get("organization_id")?,
            organization_name: row.try_get("organization")?,
            plan_id: row.try_get("plan_id")?,
            plan_name: row.try_get("plan_name")?,
            product_id: row.try_get("product_id")?,
            terms: terms(&row)?,
            expires_at: row.try_get("expires_at")?,
            valid_until: row.try_get("valid_until")?,
        }))
    }

    // --- Gateway tokens ----------------------------------------------------------------------------

    pub async fn create_gateway_token(
        &self,
        name: &str,
        hash: &str,
        prefix: &str,
        by: By<'_>,
    ) -> StoreResult<String> {
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "insert into gateway_tokens (id, name, hash, prefix, created_at, created_by) \
             values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(name)
        .bind(hash)
        .bind(prefix)
        .bind(by.now)
        .bind(by.actor)
        .execute(&mut *tx)
        .await?;
        gateway_changed(&mut tx).await?;
        tx.audit(
            by,
            "gateway_token.created",
            Subject::GatewayToken(&id),
            name,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn gateway_tokens(&self) -> StoreResult<Vec<GatewayTokenRow>> {
        sqlx::query(
            "select id, name, prefix, created_at, revoked_at from gateway_tokens \
             order by case when revoked_at is null then 0 else 1 end, created_at desc, id limit 500",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(GatewayTokenRow {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                prefix: r.try_get("prefix")?,
                created_at: r.try_get("created_at")?,
                revoked_at: r.try_get("revoked_at")?,
            })
        })
        .collect()
    }

    /// "Revoke" a gateway token; revoking one already revoked changes nothing.
    pub async fn revoke_gateway_token(&self, id: &str, by: By<'_>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let name: String = sqlx::query("select name from gateway_tokens where id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?
            .try_get("name")?;
        sqlx::query(
            "update gateway_tokens set revoked_at = $2 where id = $1 and revoked_at is null",
        )
        .bind(id)
        .bind(by.now)
        .execute(&mut *tx)
        .await?;
        gateway_changed(&mut tx).await?;
        tx.audit(
            by,
            "gateway_token.revoked",
            Subject::GatewayToken(id),
            &name,
        )
        .await?;
        tx.commit().await
    }
}

async fn insert_key(tx: &mut Tx, hash: &str, request_id: &str, now: Millis) -> StoreResult<()> {
    sqlx::query("insert into api_keys (hash, request_id, created_at) values ($1, $2, $3)")
        .bind(hash)
        .bind(request_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Inserts an app owned by `by.actor`, an active consumer, in their organization. `lock` is the
/// dialect's row lock: on Postgres the owner's row is held, so a move out of their organization
/// or a deactivation waits for this transaction (and then revokes what it made).
async fn insert_app(tx: &mut Tx, valid: &ValidApp, by: By<'_>, lock: &str) -> StoreResult<String> {
    let owner = by.actor.ok_or(StoreError::Forbidden)?;
    let organization: String = sqlx::query(&format!(
        "select u.organization_id from users u where u.id = $1 and u.status = 'active' and {}{lock}",
        super::CONSUMER_ROLE
    ))
    .bind(owner)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StoreError::Forbidden)?
    .try_get("organization_id")?;
    let visibility = if organization == DEFAULT_ORGANIZATION_ID {
        AppVisibility::Personal
    } else {
        valid.visibility
    };
    let id = new_id();
    sqlx::query(
        "insert into apps (id, name, description, visibility, owner_id, organization_id, \
         created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(&id)
    .bind(&valid.name)
    .bind(&valid.description)
    .bind(visibility.as_str())
    .bind(owner)
    .bind(&organization)
    .bind(by.now)
    .execute(&mut **tx)
    .await?;
    tx.audit(by, "app.created", Subject::App(&id), &valid.name)
        .await?;
    Ok(id)
}
