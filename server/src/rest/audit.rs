//! `/api/v1/audit-log`: who changed what, when, and through which API token; newest first, page
//! by page, through `app::backend::audit`.

use super::{Answer, Caller, Params, Reads, RestState};
use app::backend::audit;
use app::domain::audit::{AuditEntry, AuditFilter};
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<RestState> {
    Router::new().route("/api/v1/audit-log", get(list))
}

#[derive(OpenApi)]
#[openapi(paths(list))]
pub struct AuditApi;

/// Filters and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Rows to answer, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// `next_cursor` of the previous page; absent for the first.
    cursor: Option<String>,
    /// "user", "organization", "team", "invite_code", "api_product", "plan", "catalog", "app",
    /// "access_request", "gateway_token", "api_token", "email_template", "setting", "login".
    subject_type: Option<String>,
    /// Only entries about this id.
    subject_id: Option<String>,
    /// Only entries by this user (an admin, or a consumer acting for themselves).
    actor_id: Option<String>,
}

/// One change.
#[derive(Debug, Serialize, ToSchema)]
pub struct Entry {
    id: String,
    /// Milliseconds since the Unix epoch.
    at: i64,
    /// Who made it; `null` for Portico itself (or someone since deleted).
    actor_id: Option<String>,
    actor_email: Option<String>,
    /// The API token's name when the change came through this API.
    via: Option<String>,
    /// What was done, as `subject.verb`: "user.created", "team.renamed" …
    action: String,
    subject_type: String,
    subject_id: Option<String>,
    detail: String,
}

impl From<AuditEntry> for Entry {
    fn from(e: AuditEntry) -> Self {
        Self {
            id: e.id,
            at: e.at,
            actor_id: e.actor_id,
            actor_email: e.actor_email,
            via: e.via,
            action: e.action,
            subject_type: e.subject_type,
            subject_id: e.subject_id,
            detail: e.detail,
        }
    }
}

/// A page of the audit log, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditLog {
    items: Vec<Entry>,
    /// Pass as `cursor` for the next page; `null` on the last.
    next_cursor: Option<String>,
}

/// Read the audit log, newest first.
#[utoipa::path(
    get, path = "/api/v1/audit-log", tag = "audit log", operation_id = "listAuditLog",
    params(AuditQuery),
    responses((status = 200, description = "A page of the audit log.", body = AuditLog), Reads)
)]
async fn list(
    State(state): State<RestState>,
    Caller(_caller): Caller,
    Params(query): Params<AuditQuery>,
) -> Answer<axum::Json<AuditLog>> {
    let limit = super::limit(query.limit)?;
    let filter = AuditFilter {
        subject_type: query.subject_type.unwrap_or_default(),
        subject_id: query.subject_id.unwrap_or_default(),
        actor_id: query.actor_id.unwrap_or_default(),
    };
    let cursor = query.cursor.unwrap_or_default();
    let page = audit::entries(&state.app, &filter, &cursor, limit).await?;
    Ok(axum::Json(AuditLog {
        items: page.items.into_iter().map(Entry::from).collect(),
        next_cursor: page.next_cursor,
    }))
}
