//! `/api/v1/admins`: Settings > Admins over JSON, through `app::backend::admins` with the token's
//! admin as the one acting, so the same role rule answers: a provider admin's token gets 403 on
//! anything that adds, changes, invites or removes a super admin.

use super::{
    Answer, Body, Caller, Id, Invalid, Missing, Params, Problem, Reads, RestState, Writes, done,
};
use app::backend::admins;
use app::backend::db::AdminChange;
use app::domain::Role;
use app::domain::admin::AdminRow;
use app::domain::user::{UserForm, UserStatus};
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<RestState> {
    Router::new()
        .route("/api/v1/admins", get(list).post(create))
        .route("/api/v1/admins/{id}", get(read).put(update).delete(delete))
        .route("/api/v1/admins/{id}/activate", post(activate))
        .route("/api/v1/admins/{id}/deactivate", post(deactivate))
        .route("/api/v1/admins/{id}/invitation", post(invite))
}

#[derive(OpenApi)]
#[openapi(paths(list, create, read, update, delete, activate, deactivate, invite))]
pub struct AdminsApi;

/// An admin's role.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AdminRole {
    SuperAdmin,
    ProviderAdmin,
}

impl AdminRole {
    fn key(self) -> &'static str {
        match self {
            Self::SuperAdmin => "super-admin",
            Self::ProviderAdmin => "provider-admin",
        }
    }
}

/// Whether an admin can sign in.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AdminStatus {
    Active,
    Inactive,
    Invited,
    NotInvited,
}

/// An admin.
#[derive(Debug, Serialize, ToSchema)]
pub struct Admin {
    id: String,
    first_name: String,
    last_name: String,
    email: String,
    role: AdminRole,
    status: AdminStatus,
    created_at: i64,
}

impl From<AdminRow> for Admin {
    fn from(a: AdminRow) -> Self {
        Self {
            id: a.id,
            first_name: a.first_name,
            last_name: a.last_name,
            email: a.email,
            role: match a.role {
                Role::SuperAdmin => AdminRole::SuperAdmin,
                _ => AdminRole::ProviderAdmin,
            },
            status: match a.status {
                UserStatus::Active => AdminStatus::Active,
                UserStatus::Invited => AdminStatus::Invited,
                UserStatus::NotInvited => AdminStatus::NotInvited,
                UserStatus::Inactive | UserStatus::PendingApproval => AdminStatus::Inactive,
            },
            created_at: a.created_at,
        }
    }
}

/// A page of admins.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminList {
    items: Vec<Admin>,
    /// Pass as `cursor` for the next page; `null` on the last.
    next_cursor: Option<String>,
}

/// "Add new admin user".
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewAdmin {
    #[schema(example = "Grace")]
    first_name: String,
    #[schema(example = "Hopper")]
    last_name: String,
    #[schema(example = "grace@example.com")]
    email: String,
    /// Default `provider-admin`; only a super admin's token adds a super admin.
    role: Option<AdminRole>,
    /// Send the invitation email at once. An admin added through the API sets their own
    /// password from the invitation: a token never makes a login of its own.
    #[serde(default)]
    invite: bool,
}

/// "Edit": every field is replaced.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AdminChangeBody {
    first_name: String,
    last_name: String,
    email: String,
    role: AdminRole,
}

async fn one(state: &RestState, id: &str) -> Answer<Admin> {
    Ok(admins::admin(&state.app, id).await?.into())
}

/// List admins.
#[utoipa::path(
    get, path = "/api/v1/admins", tag = "admins", operation_id = "listAdmins",
    params(super::PageQuery),
    responses((status = 200, description = "A page of admins.", body = AdminList), Reads)
)]
async fn list(
    State(state): State<RestState>,
    Caller(_caller): Caller,
    Params(query): Params<super::PageQuery>,
) -> Answer<axum::Json<AdminList>> {
    let limit = super::limit(query.limit)?;
    let rows = admins::list(&state.app).await?;
    let (rows, next_cursor) = super::page_of(
        rows,
        |a| {
            (
                a.last_name.to_lowercase(),
                a.first_name.to_lowercase(),
                a.id.clone(),
            )
        },
        query.cursor.as_deref(),
        limit,
    )?;
    Ok(axum::Json(AdminList {
        items: rows.into_iter().map(Admin::from).collect(),
        next_cursor,
    }))
}

/// Add an admin, and invite them at once with `invite`.
#[utoipa::path(
    post, path = "/api/v1/admins", tag = "admins", operation_id = "createAdmin",
    request_body = NewAdmin,
    responses(
        (status = 201, description = "Added; `Location` names the admin.", body = Admin),
        Writes, Invalid
    )
)]
async fn create(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Body(body): Body<NewAdmin>,
) -> Answer<Response> {
    caller.may_write()?;
    let form = UserForm {
        first_name: body.first_name,
        last_name: body.last_name,
        email: body.email,
        role: body.role.map(|r| r.key().to_owned()).unwrap_or_default(),
        ..UserForm::default()
    };
    let by = caller.by(&state.app);
    let id = admins::add(&state.app, &caller.admin, &form, by).await?;
    if body.invite {
        admins::send_invite(&state.app, &caller.admin, &id, by).await?;
    }
    Ok(super::created(
        format!("/api/v1/admins/{id}"),
        one(&state, &id).await?,
    ))
}

/// Read one admin.
#[utoipa::path(
    get, path = "/api/v1/admins/{id}", tag = "admins", operation_id = "getAdmin",
    params(("id" = String, Path, description = "The admin's id.")),
    responses((status = 200, description = "The admin.", body = Admin), Reads, Missing)
)]
async fn read(
    State(state): State<RestState>,
    Caller(_caller): Caller,
    Id(id): Id,
) -> Answer<axum::Json<Admin>> {
    Ok(axum::Json(one(&state, &id).await?))
}

/// Change an admin's names, email and role.
#[utoipa::path(
    put, path = "/api/v1/admins/{id}", tag = "admins", operation_id = "updateAdmin",
    params(("id" = String, Path, description = "The admin's id.")),
    request_body = AdminChangeBody,
    responses(
        (status = 200, description = "The admin as changed.", body = Admin),
        (status = 409, description = "Not allowed as asked: the last active super admin stays one; only a super admin changes another admin's email; a token never changes its own admin's email.", body = Problem, content_type = "application/problem+json"),
        Writes, Missing, Invalid
    )
)]
async fn update(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Id(id): Id,
    Body(body): Body<AdminChangeBody>,
) -> Answer<axum::Json<Admin>> {
    caller.may_write()?;
    let form = UserForm {
        first_name: body.first_name,
        last_name: body.last_name,
        email: body.email,
        role: body.role.key().to_owned(),
        ..UserForm::default()
    };
    admins::update(&state.app, &caller.admin, &id, &form, caller.by(&state.app)).await?;
    Ok(axum::Json(one(&state, &id).await?))
}

async fn change(
    state: &RestState,
    caller: &Caller,
    id: &str,
    what: AdminChange,
) -> Answer<Response> {
    caller.0.may_write()?;
    admins::change(
        &state.app,
        &caller.0.admin,
        id,
        what,
        caller.0.by(&state.app),
    )
    .await?;
    Ok(done())
}

/// Delete an admin.
#[utoipa::path(
    delete, path = "/api/v1/admins/{id}", tag = "admins", operation_id = "deleteAdmin",
    params(("id" = String, Path, description = "The admin's id.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 409, description = "The last active super admin stays, and nobody deactivates or deletes themselves.", body = Problem, content_type = "application/problem+json"),
        Writes, Missing
    )
)]
async fn delete(State(state): State<RestState>, caller: Caller, Id(id): Id) -> Answer<Response> {
    change(&state, &caller, &id, AdminChange::Delete).await
}

/// Activate an admin (they are told by email).
#[utoipa::path(
    post, path = "/api/v1/admins/{id}/activate", tag = "admins", operation_id = "activateAdmin",
    params(("id" = String, Path, description = "The admin's id.")),
    responses((status = 204, description = "Active."), Writes, Missing)
)]
async fn activate(State(state): State<RestState>, caller: Caller, Id(id): Id) -> Answer<Response> {
    change(&state, &caller, &id, AdminChange::Activate).await
}

/// Deactivate an admin: their sessions, invitations and API tokens end.
#[utoipa::path(
    post, path = "/api/v1/admins/{id}/deactivate", tag = "admins", operation_id = "deactivateAdmin",
    params(("id" = String, Path, description = "The admin's id.")),
    responses(
        (status = 204, description = "Inactive."),
        (status = 409, description = "The last active super admin stays, and nobody deactivates or deletes themselves.", body = Problem, content_type = "application/problem+json"),
        Writes, Missing
    )
)]
async fn deactivate(
    State(state): State<RestState>,
    caller: Caller,
    Id(id): Id,
) -> Answer<Response> {
    change(&state, &caller, &id, AdminChange::Deactivate).await
}

/// Send (or resend) the invitation email to an admin without a password.
#[utoipa::path(
    post, path = "/api/v1/admins/{id}/invitation", tag = "admins", operation_id = "inviteAdmin",
    params(("id" = String, Path, description = "The admin's id.")),
    responses(
        (status = 204, description = "Queued in the outbox."),
        (status = 409, description = "The admin cannot be invited (they have a password, or are deactivated).", body = Problem, content_type = "application/problem+json"),
        Writes, Missing
    )
)]
async fn invite(State(state): State<RestState>, caller: Caller, Id(id): Id) -> Answer<Response> {
    caller.0.may_write()?;
    admins::send_invite(&state.app, &caller.0.admin, &id, caller.0.by(&state.app)).await?;
    Ok(done())
}
