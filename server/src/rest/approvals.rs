//! `/api/v1/approvals` (self-registrations waiting for an admin) and
//! `/api/v1/organization-requests` (consumers asking for an organization): listed, approved and
//! rejected as the Approvals and Organizations pages do, through `app::backend::self_service`
//! and `app::backend::organization_requests`. Each decision emails the person it is about.

use super::{Answer, Body, Caller, Id, Invalid, Missing, Params, Reads, RestState, Writes, done};
use app::backend::{organization_requests, self_service};
use app::domain::account::Registrant;
use app::domain::organization_request::PendingRequest;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<RestState> {
    Router::new()
        .route("/api/v1/approvals", get(list_registrations))
        .route("/api/v1/approvals/{id}/approve", post(approve_registration))
        .route("/api/v1/approvals/{id}/reject", post(reject_registration))
        .route("/api/v1/organization-requests", get(list_requests))
        .route(
            "/api/v1/organization-requests/{id}/approve",
            post(approve_request),
        )
        .route(
            "/api/v1/organization-requests/{id}/reject",
            post(reject_request),
        )
}

#[derive(OpenApi)]
#[openapi(paths(
    list_registrations,
    approve_registration,
    reject_registration,
    list_requests,
    approve_request,
    reject_request
))]
pub struct ApprovalsApi;

/// Someone who registered and waits for (or was refused) an admin's approval.
#[derive(Debug, Serialize, ToSchema)]
pub struct Registration {
    /// The user's id.
    id: String,
    first_name: String,
    last_name: String,
    email: String,
    /// Declined already (they may still be approved).
    rejected: bool,
    created_at: i64,
}

impl From<Registrant> for Registration {
    fn from(r: Registrant) -> Self {
        Self {
            id: r.id,
            first_name: r.first_name,
            last_name: r.last_name,
            email: r.email,
            rejected: r.rejected,
            created_at: r.created_at,
        }
    }
}

/// A page of registrations: pending ones first, oldest first, then declined ones.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationList {
    items: Vec<Registration>,
    /// Pass as `cursor` for the next page; `null` on the last.
    next_cursor: Option<String>,
}

/// A consumer's request for an organization of their own.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationRequest {
    id: String,
    /// The name asked for.
    name: String,
    requester_id: String,
    requester_name: String,
    requester_email: String,
    created_at: i64,
}

impl From<PendingRequest> for OrganizationRequest {
    fn from(r: PendingRequest) -> Self {
        Self {
            id: r.id,
            name: r.name,
            requester_id: r.requester_id,
            requester_name: r.requester_name,
            requester_email: r.requester_email,
            created_at: r.created_at,
        }
    }
}

/// A page of pending organization requests, oldest first (at most 500).
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationRequestList {
    items: Vec<OrganizationRequest>,
    /// Pass as `cursor` for the next page; `null` on the last.
    next_cursor: Option<String>,
}

/// "Approve", under the name asked for or another.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RequestApproval {
    /// The organization's name; absent: the one asked for.
    #[serde(default)]
    name: Option<String>,
}

/// The organization an approval made.
#[derive(Debug, Serialize, ToSchema)]
pub struct Approved {
    organization_id: String,
}

/// "Reject", with a reason the person reads in the email.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct Rejection {
    /// At most 1,000 characters.
    #[serde(default)]
    reason: String,
}

/// Self-registrations waiting for an admin (and those declined).
#[utoipa::path(
    get, path = "/api/v1/approvals", tag = "approvals", operation_id = "listRegistrations",
    params(super::PageQuery),
    responses((status = 200, description = "A page of registrations.", body = RegistrationList), Reads)
)]
async fn list_registrations(
    State(state): State<RestState>,
    Caller(_caller): Caller,
    Params(query): Params<super::PageQuery>,
) -> Answer<axum::Json<RegistrationList>> {
    let limit = super::limit(query.limit)?;
    let cursor = query.cursor.unwrap_or_default();
    let page = self_service::registrant_page(&state.app, &cursor, limit).await?;
    Ok(axum::Json(RegistrationList {
        items: page.items.into_iter().map(Registration::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

async fn decide(state: &RestState, caller: &Caller, id: &str, approve: bool) -> Answer<Response> {
    caller.0.may_write()?;
    self_service::decide(&state.app, id, approve, caller.0.by(&state.app)).await?;
    Ok(done())
}

/// Approve a registration (pending or declined): they may sign in, and are emailed.
#[utoipa::path(
    post, path = "/api/v1/approvals/{id}/approve", tag = "approvals", operation_id = "approveRegistration",
    params(("id" = String, Path, description = "The registrant's (user's) id.")),
    responses(
        (status = 204, description = "Approved."),
        (status = 409, description = "Decided already, or no registration with this id.", body = super::Problem, content_type = "application/problem+json"),
        Writes
    )
)]
async fn approve_registration(
    State(state): State<RestState>,
    caller: Caller,
    Id(id): Id,
) -> Answer<Response> {
    decide(&state, &caller, &id, true).await
}

/// Decline a pending registration: they cannot sign in, and are emailed.
#[utoipa::path(
    post, path = "/api/v1/approvals/{id}/reject", tag = "approvals", operation_id = "rejectRegistration",
    params(("id" = String, Path, description = "The registrant's (user's) id.")),
    responses(
        (status = 204, description = "Declined."),
        (status = 409, description = "Decided already, or no registration with this id.", body = super::Problem, content_type = "application/problem+json"),
        Writes
    )
)]
async fn reject_registration(
    State(state): State<RestState>,
    caller: Caller,
    Id(id): Id,
) -> Answer<Response> {
    decide(&state, &caller, &id, false).await
}

/// Pending organization requests.
#[utoipa::path(
    get, path = "/api/v1/organization-requests", tag = "approvals", operation_id = "listOrganizationRequests",
    params(super::PageQuery),
    responses((status = 200, description = "A page of requests.", body = OrganizationRequestList), Reads)
)]
async fn list_requests(
    State(state): State<RestState>,
    Caller(_caller): Caller,
    Params(query): Params<super::PageQuery>,
) -> Answer<axum::Json<OrganizationRequestList>> {
    let limit = super::limit(query.limit)?;
    let rows = organization_requests::pending(&state.app).await?;
    let (rows, next_cursor) = super::page_of(
        rows,
        |r| (r.created_at, r.id.clone()),
        query.cursor.as_deref(),
        limit,
    )?;
    Ok(axum::Json(OrganizationRequestList {
        items: rows.into_iter().map(OrganizationRequest::from).collect(),
        next_cursor,
    }))
}

/// Approve an organization request: the organization is made (the requester becomes its
/// consumer admin) and they are emailed.
#[utoipa::path(
    post, path = "/api/v1/organization-requests/{id}/approve", tag = "approvals", operation_id = "approveOrganizationRequest",
    params(("id" = String, Path, description = "The request's id.")),
    request_body = RequestApproval,
    responses(
        (status = 200, description = "Approved.", body = Approved),
        (status = 409, description = "The request was decided already.", body = super::Problem, content_type = "application/problem+json"),
        Writes, Missing, Invalid
    )
)]
async fn approve_request(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Id(id): Id,
    Body(body): Body<RequestApproval>,
) -> Answer<axum::Json<Approved>> {
    caller.may_write()?;
    let by = caller.by(&state.app);
    let organization_id =
        organization_requests::approve(&state.app, &id, body.name.as_deref(), by).await?;
    Ok(axum::Json(Approved { organization_id }))
}

/// Reject an organization request, with an optional reason; the requester is emailed.
#[utoipa::path(
    post, path = "/api/v1/organization-requests/{id}/reject", tag = "approvals", operation_id = "rejectOrganizationRequest",
    params(("id" = String, Path, description = "The request's id.")),
    request_body = Rejection,
    responses(
        (status = 204, description = "Rejected."),
        (status = 409, description = "The request was decided already.", body = super::Problem, content_type = "application/problem+json"),
        Writes, Missing, Invalid
    )
)]
async fn reject_request(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Id(id): Id,
    Body(body): Body<Rejection>,
) -> Answer<Response> {
    caller.may_write()?;
    organization_requests::reject(&state.app, &id, &body.reason, caller.by(&state.app)).await?;
    Ok(done())
}
