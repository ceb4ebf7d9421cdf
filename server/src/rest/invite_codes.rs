//! `/api/v1/invite-codes`: as the Invite codes page lists, adds, edits, turns on and off and
//! deletes them, through `app::backend::invite_codes`.

use super::{Answer, Body, Caller, Id, Invalid, Missing, Params, Reads, RestState, Writes, done};
use app::backend::invite_codes;
use app::domain::invite_code::{InviteCodeForm, InviteCodeRow};
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<RestState> {
    Router::new()
        .route("/api/v1/invite-codes", get(list).post(create))
        .route(
            "/api/v1/invite-codes/{id}",
            get(read).put(update).delete(delete),
        )
}

#[derive(OpenApi)]
#[openapi(paths(list, create, read, update, delete))]
pub struct InviteCodesApi;

/// An invite code: people who register with it join its team.
#[derive(Debug, Serialize, ToSchema)]
pub struct InviteCode {
    id: String,
    /// What people type when they register.
    code: String,
    team_id: String,
    team: String,
    organization: String,
    /// How many accounts it may make.
    quota: i64,
    /// How many it made.
    used: i64,
    /// The end of the `expires_on` day (UTC), in milliseconds since the Unix epoch.
    expires_at: i64,
    active: bool,
    /// "Active", "Inactive", "Expired" or "Used up", as the page shows it now.
    state: String,
    created_at: i64,
}

impl InviteCode {
    fn new(row: InviteCodeRow, now: i64) -> Self {
        Self {
            state: row.state(now).to_owned(),
            id: row.id,
            code: row.code,
            team_id: row.team_id,
            team: row.team,
            organization: row.organization,
            quota: row.quota,
            used: row.used,
            expires_at: row.expires_at,
            active: row.active,
            created_at: row.created_at,
        }
    }
}

/// A page of invite codes, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct InviteCodeList {
    items: Vec<InviteCode>,
    /// Pass as `cursor` for the next page; `null` on the last.
    next_cursor: Option<String>,
}

/// "Add new invite code".
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewInviteCode {
    team_id: String,
    /// Accounts it may make, 1 to 100,000.
    #[schema(example = 25)]
    quota: i64,
    /// The last day it works (UTC), `YYYY-MM-DD`.
    #[schema(example = "2030-12-31")]
    expires_on: String,
    /// Default `true`.
    #[serde(default)]
    active: Option<bool>,
}

/// "Edit": every field is replaced; the team stays.
#[derive(Debug, Deserialize, ToSchema)]
pub struct InviteCodeChange {
    /// Never below the accounts already made with it.
    #[schema(example = 50)]
    quota: i64,
    #[schema(example = "2031-06-30")]
    expires_on: String,
    active: bool,
}

fn form(team_id: String, quota: i64, expires_on: String, active: bool) -> InviteCodeForm {
    InviteCodeForm {
        team_id,
        quota: quota.to_string(),
        expires_on,
        active: active.then(|| "on".to_owned()),
    }
}

async fn one(state: &RestState, id: &str) -> Answer<InviteCode> {
    let code = invite_codes::code(&state.app, id).await?;
    Ok(InviteCode::new(code, state.app.clock.now()))
}

/// List invite codes, newest first.
#[utoipa::path(
    get, path = "/api/v1/invite-codes", tag = "invite codes", operation_id = "listInviteCodes",
    params(super::PageQuery),
    responses((status = 200, description = "A page of invite codes.", body = InviteCodeList), Reads)
)]
async fn list(
    State(state): State<RestState>,
    Caller(_caller): Caller,
    Params(query): Params<super::PageQuery>,
) -> Answer<axum::Json<InviteCodeList>> {
    let limit = super::limit(query.limit)?;
    let now = state.app.clock.now();
    let cursor = query.cursor.unwrap_or_default();
    let page = invite_codes::page_after(&state.app, &cursor, limit).await?;
    Ok(axum::Json(InviteCodeList {
        items: page
            .items
            .into_iter()
            .map(|c| InviteCode::new(c, now))
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Add an invite code of 128 random bits for a team.
#[utoipa::path(
    post, path = "/api/v1/invite-codes", tag = "invite codes", operation_id = "createInviteCode",
    request_body = NewInviteCode,
    responses(
        (status = 201, description = "Added; `Location` names it.", body = InviteCode),
        Writes, Invalid
    )
)]
async fn create(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Body(body): Body<NewInviteCode>,
) -> Answer<Response> {
    caller.may_write()?;
    let form = form(
        body.team_id,
        body.quota,
        body.expires_on,
        body.active.unwrap_or(true),
    );
    let (id, _) = invite_codes::create(&state.app, &form, caller.by(&state.app)).await?;
    let code = one(&state, &id).await?;
    Ok(super::created(format!("/api/v1/invite-codes/{id}"), code))
}

/// Read one invite code.
#[utoipa::path(
    get, path = "/api/v1/invite-codes/{id}", tag = "invite codes", operation_id = "getInviteCode",
    params(("id" = String, Path, description = "The invite code's id.")),
    responses((status = 200, description = "The invite code.", body = InviteCode), Reads, Missing)
)]
async fn read(
    State(state): State<RestState>,
    Caller(_caller): Caller,
    Id(id): Id,
) -> Answer<axum::Json<InviteCode>> {
    Ok(axum::Json(one(&state, &id).await?))
}

/// Change an invite code's quota, last day and whether it is active.
#[utoipa::path(
    put, path = "/api/v1/invite-codes/{id}", tag = "invite codes", operation_id = "updateInviteCode",
    params(("id" = String, Path, description = "The invite code's id.")),
    request_body = InviteCodeChange,
    responses(
        (status = 200, description = "The invite code as changed.", body = InviteCode),
        Writes, Missing, Invalid
    )
)]
async fn update(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Id(id): Id,
    Body(body): Body<InviteCodeChange>,
) -> Answer<axum::Json<InviteCode>> {
    caller.may_write()?;
    let form = form(String::new(), body.quota, body.expires_on, body.active);
    invite_codes::update(&state.app, &id, &form, caller.by(&state.app)).await?;
    Ok(axum::Json(one(&state, &id).await?))
}

/// Delete an invite code; the accounts made with it stay.
#[utoipa::path(
    delete, path = "/api/v1/invite-codes/{id}", tag = "invite codes", operation_id = "deleteInviteCode",
    params(("id" = String, Path, description = "The invite code's id.")),
    responses((status = 204, description = "Deleted."), Writes, Missing)
)]
async fn delete(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> Answer<Response> {
    caller.may_write()?;
    invite_codes::delete(&state.app, &id, caller.by(&state.app)).await?;
    Ok(done())
}
