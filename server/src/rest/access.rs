//! `/api/v1/apps`, `/api/v1/access-requests` and `/api/v1/credentials`: the admin side of apps
//! and API keys (SPEC §10) as the Apps and Access requests pages work, through
//! `app::backend::apps`: every app and its reassignment, requests approved or rejected (the
//! requester is emailed), and an access's credentials (its API keys) revoked.

use super::{
    Answer, Body, Caller, Id, Invalid, Missing, Params, Problem, Reads, RestState, Writes, done,
};
use app::backend::apps;
use app::domain::apps::{AccessRequest, AppSummary, AppVisibility, RequestFilter, RequestStatus};
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<RestState> {
    Router::new()
        .route("/api/v1/apps", get(list_apps))
        .route("/api/v1/apps/{id}/reassign", post(reassign_app))
        .route("/api/v1/access-requests", get(list_requests))
        .route("/api/v1/access-requests/{id}/approve", post(approve))
        .route("/api/v1/access-requests/{id}/reject", post(reject))
        .route("/api/v1/credentials/{id}/revoke", post(revoke))
}

#[derive(OpenApi)]
#[openapi(paths(list_apps, reassign_app, list_requests, approve, reject, revoke))]
pub struct AccessApi;

/// The owner filter and paging of the Apps page.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AppQuery {
    /// Rows to answer, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// `next_cursor` of the previous page; absent for the first.
    cursor: Option<String>,
    /// Only this consumer's apps.
    owner_id: Option<String>,
}

/// Who in the owner's organization sees an app.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Its owner only.
    Personal,
    /// The members of the owner's teams.
    Team,
    /// Everyone in the owner's organization.
    Organization,
}

/// An app.
#[derive(Debug, Serialize, ToSchema)]
pub struct App {
    id: String,
    name: String,
    description: String,
    visibility: Visibility,
    owner_name: String,
    owner_email: String,
    organization: String,
    /// Approved, unrevoked accesses.
    live: i64,
    /// Requests waiting for a decision.
    pending: i64,
}

impl From<AppSummary> for App {
    fn from(a: AppSummary) -> Self {
        Self {
            id: a.id,
            name: a.name,
            description: a.description,
            visibility: match a.visibility {
                AppVisibility::Personal => Visibility::Personal,
                AppVisibility::Team => Visibility::Team,
                AppVisibility::Organization => Visibility::Organization,
            },
            owner_name: a.owner_name,
            owner_email: a.owner_email,
            organization: a.organization,
            live: a.live,
            pending: a.pending,
        }
    }
}

/// A page of apps, by name.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppList {
    items: Vec<App>,
    /// Pass as `cursor` for the next page; `null` on the last.
    next_cursor: Option<String>,
}

/// "Reassign": the consumer who gets the app.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Reassignment {
    #[schema(example = "ada@example.com")]
    owner_email: String,
}

/// Where an access request is.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AccessStatus {
    Pending,
    /// Approved: its credential exists.
    Approved,
    Rejected,
    /// Approved once, then revoked.
    Revoked,
}

impl AccessStatus {
    fn key(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Revoked => "revoked",
        }
    }
}

/// The filters and paging of the Access requests page.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestQuery {
    /// Rows to answer, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// `next_cursor` of the previous page; absent for the first.
    cursor: Option<String>,
    status: Option<AccessStatus>,
    product_id: Option<String>,
    plan_id: Option<String>,
    organization_id: Option<String>,
}

/// An app's request for a product under a plan, and once approved its credential.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessRequestItem {
    /// The request's id, which is also its credential's.
    id: String,
    app_id: String,
    app_name: String,
    /// The product's name in URLs.
    product_name: String,
    product_display_name: String,
    plan_display_name: String,
    requester_name: String,
    requester_email: String,
    organization: String,
    /// The requester's words.
    comment: String,
    status: AccessStatus,
    /// The admin's reason for the decision.
    reason: String,
    created_at: i64,
    decided_at: Option<i64>,
    /// The visible start of the key ("" until the key was shown to its owner).
    key_prefix: String,
    issued_at: Option<i64>,
    /// When the key stops (`null`: never).
    expires_at: Option<i64>,
    /// After a rotation with a grace period: when the old key stops.
    old_key_until: Option<i64>,
}

impl From<AccessRequest> for AccessRequestItem {
    fn from(r: AccessRequest) -> Self {
        Self {
            id: r.id,
            app_id: r.app_id,
            app_name: r.app_name,
            product_name: r.product_name,
            product_display_name: r.product_display_name,
            plan_display_name: r.plan_display_name,
            requester_name: r.requester_name,
            requester_email: r.requester_email,
            organization: r.organization,
            comment: r.comment,
            status: match r.status {
                RequestStatus::Pending => AccessStatus::Pending,
                RequestStatus::Approved => AccessStatus::Approved,
                RequestStatus::Rejected => AccessStatus::Rejected,
                RequestStatus::Revoked => AccessStatus::Revoked,
            },
            reason: r.reason,
            created_at: r.created_at,
            decided_at: r.decided_at,
            key_prefix: r.key_prefix,
            issued_at: r.issued_at,
            expires_at: r.expires_at,
            old_key_until: r.old_key_until,
        }
    }
}

/// A page of access requests: pending first, then newest.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessRequestList {
    items: Vec<AccessRequestItem>,
    /// Pass as `cursor` for the next page; `null` on the last.
    next_cursor: Option<String>,
}

/// A decision's reason, which the requester reads in the email.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct Decision {
    /// At most 1,000 characters.
    #[serde(default)]
    reason: String,
}

/// Every app, or one consumer's.
#[utoipa::path(
    get, path = "/api/v1/apps", tag = "access", operation_id = "listApps",
    params(AppQuery),
    responses((status = 200, description = "A page of apps.", body = AppList), Reads)
)]
async fn list_apps(
    State(state): State<RestState>,
    Caller(_caller): Caller,
    Params(query): Params<AppQuery>,
) -> Answer<axum::Json<AppList>> {
    let limit = super::limit(query.limit)?;
    let owner = query.owner_id.as_deref().map(str::trim).unwrap_or("");
    let cursor = query.cursor.unwrap_or_default();
    let page = apps::all_apps_page(&state.app, owner, &cursor, limit).await?;
    Ok(axum::Json(AppList {
        items: page.items.into_iter().map(App::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Give an app to another consumer of its organization; its keys are revoked.
#[utoipa::path(
    post, path = "/api/v1/apps/{id}/reassign", tag = "access", operation_id = "reassignApp",
    params(("id" = String, Path, description = "The app's id.")),
    request_body = Reassignment,
    responses((status = 204, description = "Reassigned."), Writes, Missing, Invalid)
)]
async fn reassign_app(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Id(id): Id,
    Body(body): Body<Reassignment>,
) -> Answer<Response> {
    caller.may_write()?;
    apps::reassign_app(&state.app, &id, &body.owner_email, caller.by(&state.app)).await?;
    Ok(done())
}

/// Access requests, with the Access requests page's filters.
#[utoipa::path(
    get, path = "/api/v1/access-requests", tag = "access", operation_id = "listAccessRequests",
    params(RequestQuery),
    responses((status = 200, description = "A page of access requests.", body = AccessRequestList), Reads)
)]
async fn list_requests(
    State(state): State<RestState>,
    Caller(_caller): Caller,
    Params(query): Params<RequestQuery>,
) -> Answer<axum::Json<AccessRequestList>> {
    let limit = super::limit(query.limit)?;
    let filter = RequestFilter {
        status: query.status.map(|s| s.key().to_owned()).unwrap_or_default(),
        product: query.product_id.unwrap_or_default(),
        plan: query.plan_id.unwrap_or_default(),
        organization: query.organization_id.unwrap_or_default(),
    };
    let cursor = query.cursor.unwrap_or_default();
    let page = apps::request_page(&state.app, &filter, &cursor, limit).await?;
    Ok(axum::Json(AccessRequestList {
        items: page
            .items
            .into_iter()
            .map(AccessRequestItem::from)
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

async fn decide(
    state: &RestState,
    caller: &Caller,
    id: &str,
    approve: bool,
    reason: &str,
) -> Answer<Response> {
    caller.0.may_write()?;
    apps::decide(&state.app, id, approve, reason, caller.0.by(&state.app)).await?;
    Ok(done())
}

/// Approve an access request (its credential can then be shown to the app's owner); the
/// requester is emailed.
#[utoipa::path(
    post, path = "/api/v1/access-requests/{id}/approve", tag = "access", operation_id = "approveAccessRequest",
    params(("id" = String, Path, description = "The request's id.")),
    request_body = Decision,
    responses(
        (status = 204, description = "Approved."),
        (status = 409, description = "Decided already.", body = Problem, content_type = "application/problem+json"),
        Writes, Missing, Invalid
    )
)]
async fn approve(
    State(state): State<RestState>,
    caller: Caller,
    Id(id): Id,
    Body(body): Body<Decision>,
) -> Answer<Response> {
    decide(&state, &caller, &id, true, &body.reason).await
}

/// Reject an access request; the requester is emailed.
#[utoipa::path(
    post, path = "/api/v1/access-requests/{id}/reject", tag = "access", operation_id = "rejectAccessRequest",
    params(("id" = String, Path, description = "The request's id.")),
    request_body = Decision,
    responses(
        (status = 204, description = "Rejected."),
        (status = 409, description = "Decided already.", body = Problem, content_type = "application/problem+json"),
        Writes, Missing, Invalid
    )
)]
async fn reject(
    State(state): State<RestState>,
    caller: Caller,
    Id(id): Id,
    Body(body): Body<Decision>,
) -> Answer<Response> {
    decide(&state, &caller, &id, false, &body.reason).await
}

/// Revoke an access's credentials: its API keys stop at once (gateways answer 401).
#[utoipa::path(
    post, path = "/api/v1/credentials/{id}/revoke", tag = "access", operation_id = "revokeCredentials",
    params(("id" = String, Path, description = "The access (approved request) id.")),
    responses(
        (status = 204, description = "Revoked."),
        (status = 409, description = "The access is not live (not approved, or revoked already).", body = Problem, content_type = "application/problem+json"),
        Writes, Missing
    )
)]
async fn revoke(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> Answer<Response> {
    caller.may_write()?;
    apps::revoke_access(&state.app, &caller.admin, &id, caller.by(&state.app)).await?;
    Ok(done())
}
