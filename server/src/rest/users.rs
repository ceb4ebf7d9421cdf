//! `/api/v1/users`: API consumers, as the users menu shows and changes them (list with search and
//! filters, add, read, edit, delete, activate and deactivate, invitations, password reset). Each
//! operation reads the request and calls `app::backend::users`, as the menu's server functions do.

use super::{
    Answer, Body, Caller, Id, Invalid, Missing, Params, Problem, Reads, RestState, Writes, done,
};
use app::backend::users::{self as backend, ListParams};
use app::domain::user::{UserDetail, UserForm, UserListItem, UserStatus};
use app::error::AppError;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<RestState> {
    Router::new()
        .route("/api/v1/users", get(list).post(create))
        .route("/api/v1/users/{id}", get(read).put(update).delete(delete))
        .route("/api/v1/users/{id}/activate", post(activate))
        .route("/api/v1/users/{id}/deactivate", post(deactivate))
        .route(
            "/api/v1/users/{id}/invitation",
            post(send_invite).delete(revoke_invite),
        )
        .route("/api/v1/users/{id}/password-reset", post(password_reset))
}

#[derive(OpenApi)]
#[openapi(
    components(schemas(Sort)),
    paths(
        list,
        create,
        read,
        update,
        delete,
        activate,
        deactivate,
        send_invite,
        revoke_invite,
        password_reset
    )
)]
pub struct UsersApi;

/// A consumer's status, as the users menu shows and filters it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Active,
    Inactive,
    Invited,
    NotInvited,
    /// A self-registration waiting for an admin's approval.
    Pending,
}

impl From<UserStatus> for Status {
    fn from(status: UserStatus) -> Self {
        match status {
            UserStatus::Active => Self::Active,
            UserStatus::Inactive => Self::Inactive,
            UserStatus::Invited => Self::Invited,
            UserStatus::NotInvited => Self::NotInvited,
            UserStatus::PendingApproval => Self::Pending,
        }
    }
}

impl Status {
    fn key(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Inactive => "inactive",
            Self::Invited => "invited",
            Self::NotInvited => "not-invited",
            Self::Pending => "pending",
        }
    }
}

/// How a list is ordered.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Sort {
    /// Newest first (the default).
    Created,
    /// By last name, then first name.
    Name,
    Email,
}

/// A consumer's role.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ConsumerRole {
    ConsumerAdmin,
    ConsumerTeamMember,
}

/// The search and filters of the users menu, and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Rows to answer, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// `next_cursor` of the previous page; absent for the first.
    cursor: Option<String>,
    /// Words of the name or email.
    q: Option<String>,
    status: Option<Status>,
    organization_id: Option<String>,
    team_id: Option<String>,
    sort: Option<Sort>,
}

/// One row of the users list.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserSummary {
    id: String,
    first_name: String,
    last_name: String,
    email: String,
    /// The organization's name.
    organization: String,
    /// The teams' names.
    teams: Vec<String>,
    status: Status,
    /// Milliseconds since the Unix epoch.
    created_at: i64,
}

impl From<UserListItem> for UserSummary {
    fn from(user: UserListItem) -> Self {
        Self {
            id: user.id,
            first_name: user.first_name,
            last_name: user.last_name,
            email: user.email,
            organization: user.organization,
            teams: user.teams,
            status: user.status.into(),
            created_at: user.created_at,
        }
    }
}

/// A page of the users list.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserList {
    items: Vec<UserSummary>,
    /// Pass as `cursor` for the next page; `null` on the last.
    next_cursor: Option<String>,
    /// How many users match (at least this many when `total_is_capped`).
    total: i64,
    total_is_capped: bool,
}

/// An organization or team, by id and name.
#[derive(Debug, Serialize, ToSchema)]
pub struct Named {
    id: String,
    name: String,
}

/// One consumer.
#[derive(Debug, Serialize, ToSchema)]
pub struct User {
    id: String,
    first_name: String,
    last_name: String,
    email: String,
    role: ConsumerRole,
    organization: Named,
    teams: Vec<Named>,
    status: Status,
    /// Whether the user has set a password (an invitation can then not be sent).
    has_password: bool,
    must_change_password: bool,
    /// When the pending invitation expires (milliseconds since the Unix epoch), if one is pending.
    invitation_expires_at: Option<i64>,
    /// Milliseconds since the Unix epoch.
    created_at: i64,
}

impl From<UserDetail> for User {
    fn from(user: UserDetail) -> Self {
        Self {
            id: user.id,
            first_name: user.first_name,
            last_name: user.last_name,
            email: user.email,
            role: match user.role {
                app::domain::Role::ConsumerAdmin => ConsumerRole::ConsumerAdmin,
                _ => ConsumerRole::ConsumerTeamMember,
            },
            organization: Named {
                id: user.organization_id,
                name: user.organization,
            },
            teams: user
                .teams
                .into_iter()
                .map(|t| Named {
                    id: t.id,
                    name: t.name,
                })
                .collect(),
            status: user.status.into(),
            has_password: user.has_password,
            must_change_password: user.must_change_password,
            invitation_expires_at: user.invitation_expires_at,
            created_at: user.created_at,
        }
    }
}

/// A new consumer: the "Add user" dialog's fields, and whether to invite them at once.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewUser {
    #[schema(example = "Ada")]
    first_name: String,
    #[schema(example = "Lovelace")]
    last_name: String,
    #[schema(example = "ada@example.com")]
    email: String,
    /// The default organization's id is `00000000-0000-7000-8000-000000000001`.
    #[schema(example = "00000000-0000-7000-8000-000000000001")]
    organization_id: String,
    /// Teams of that organization; none: the organization's default team.
    #[serde(default)]
    team_ids: Vec<String>,
    /// Default `consumer-team-member`.
    #[schema(value_type = Option<ConsumerRole>)]
    role: Option<String>,
    /// A password to set now (then no invitation can be sent).
    #[serde(default)]
    password: Option<String>,
    /// With `password`: the user must change it at first sign-in.
    #[serde(default)]
    must_change_password: bool,
    /// Send the invitation email at once (without `password`).
    #[serde(default)]
    invite: bool,
}

/// A consumer's fields as "Edit" changes them (every one is replaced).
#[derive(Debug, Deserialize, ToSchema)]
pub struct UserChange {
    first_name: String,
    last_name: String,
    email: String,
    organization_id: String,
    #[serde(default)]
    team_ids: Vec<String>,
    #[schema(value_type = Option<ConsumerRole>)]
    role: Option<String>,
}

async fn detail(state: &RestState, id: &str) -> Answer<axum::Json<User>> {
    Ok(axum::Json(backend::detail(&state.app, id).await?.into()))
}

/// List consumers, with the users menu's search and filters.
#[utoipa::path(
    get, path = "/api/v1/users", tag = "users", operation_id = "listUsers",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of users.", body = UserList),
        Reads,
    )
)]
async fn list(
    State(state): State<RestState>,
    Caller(_caller): Caller,
    Params(query): Params<ListQuery>,
) -> Answer<axum::Json<UserList>> {
    let limit = super::limit(query.limit)?;
    let params = ListParams {
        search: query.q.unwrap_or_default(),
        organization_id: query.organization_id.unwrap_or_default(),
        team_id: query.team_id.unwrap_or_default(),
        status: query.status.map(|s| s.key().to_owned()).unwrap_or_default(),
        sort: match query.sort {
            Some(Sort::Name) => "name",
            Some(Sort::Email) => "email",
            _ => "created",
        }
        .to_owned(),
        cursor: query.cursor.unwrap_or_default(),
        limit,
    };
    let page = backend::list(&state.app, &params).await?;
    Ok(axum::Json(UserList {
        items: page.users.into_iter().map(UserSummary::from).collect(),
        next_cursor: page.next_cursor,
        total: page.total,
        total_is_capped: page.total_is_capped,
    }))
}

/// Add a consumer ("Add user"), and invite them at once with `invite`.
#[utoipa::path(
    post, path = "/api/v1/users", tag = "users", operation_id = "createUser",
    request_body = NewUser,
    responses(
        (status = 201, description = "Added; `Location` names the user.", body = User),
        (status = 409, description = "Added, but the invitation could not be sent (the user changed meanwhile): read the user and send it again.", body = Problem, content_type = "application/problem+json"),
        Writes, Invalid,
    )
)]
async fn create(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Body(body): Body<NewUser>,
) -> Answer<Response> {
    caller.may_write()?;
    let with_password = body.password.as_deref().is_some_and(|p| !p.is_empty());
    if body.invite && with_password {
        return Err(AppError::validation(
            "invite",
            "A user with a password cannot be invited: leave out the password or \"invite\".",
        )
        .into());
    }
    let form = UserForm {
        first_name: body.first_name,
        last_name: body.last_name,
        email: body.email,
        organization_id: body.organization_id,
        team_ids: body.team_ids,
        role: body.role.unwrap_or_default(),
        password: body.password.unwrap_or_default(),
        must_change_password: body.must_change_password.then(|| "on".to_owned()),
    };
    let by = caller.by(&state.app);
    let id = backend::create(&state.app, &form, by).await?;
    if body.invite {
        backend::send_invite(&state.app, &id, by).await?;
    }
    let user = detail(&state, &id).await?;
    Ok(super::created(format!("/api/v1/users/{id}"), user.0))
}

/// Read one consumer.
#[utoipa::path(
    get, path = "/api/v1/users/{id}", tag = "users", operation_id = "getUser",
    params(("id" = String, Path, description = "The user's id.")),
    responses(
        (status = 200, description = "The user.", body = User),
        Reads, Missing,
    )
)]
async fn read(
    State(state): State<RestState>,
    Caller(_caller): Caller,
    Id(id): Id,
) -> Answer<axum::Json<User>> {
    detail(&state, &id).await
}

/// Change a consumer ("Edit"): every field is replaced.
#[utoipa::path(
    put, path = "/api/v1/users/{id}", tag = "users", operation_id = "updateUser",
    params(("id" = String, Path, description = "The user's id.")),
    request_body = UserChange,
    responses(
        (status = 200, description = "The user as changed.", body = User),
        Writes, Missing, Invalid,
    )
)]
async fn update(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Id(id): Id,
    Body(body): Body<UserChange>,
) -> Answer<axum::Json<User>> {
    caller.may_write()?;
    let form = UserForm {
        first_name: body.first_name,
        last_name: body.last_name,
        email: body.email,
        organization_id: body.organization_id,
        team_ids: body.team_ids,
        role: body.role.unwrap_or_default(),
        password: String::new(),
        must_change_password: None,
    };
    backend::update(&state.app, &id, &form, caller.by(&state.app)).await?;
    detail(&state, &id).await
}

/// Delete a consumer (their apps' keys stop).
#[utoipa::path(
    delete, path = "/api/v1/users/{id}", tag = "users", operation_id = "deleteUser",
    params(("id" = String, Path, description = "The user's id.")),
    responses(
        (status = 204, description = "Deleted."),
        Writes, Missing,
    )
)]
async fn delete(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> Answer<Response> {
    caller.may_write()?;
    backend::delete(&state.app, &id, caller.by(&state.app)).await?;
    Ok(done())
}

async fn set_active(
    state: &RestState,
    caller: &Caller,
    id: &str,
    active: bool,
) -> Answer<Response> {
    caller.0.may_write()?;
    backend::set_active(&state.app, id, active, caller.0.by(&state.app)).await?;
    Ok(done())
}

/// Activate a consumer (they are told by email).
#[utoipa::path(
    post, path = "/api/v1/users/{id}/activate", tag = "users", operation_id = "activateUser",
    params(("id" = String, Path, description = "The user's id.")),
    responses(
        (status = 204, description = "Active."),
        Writes, Missing,
    )
)]
async fn activate(State(state): State<RestState>, caller: Caller, Id(id): Id) -> Answer<Response> {
    set_active(&state, &caller, &id, true).await
}

/// Deactivate a consumer: they cannot sign in, and their keys stop.
#[utoipa::path(
    post, path = "/api/v1/users/{id}/deactivate", tag = "users", operation_id = "deactivateUser",
    params(("id" = String, Path, description = "The user's id.")),
    responses(
        (status = 204, description = "Inactive."),
        Writes, Missing,
    )
)]
async fn deactivate(
    State(state): State<RestState>,
    caller: Caller,
    Id(id): Id,
) -> Answer<Response> {
    set_active(&state, &caller, &id, false).await
}

/// Send (or resend) the invitation email; an older link stops working.
#[utoipa::path(
    post, path = "/api/v1/users/{id}/invitation", tag = "users", operation_id = "sendInvitation",
    params(("id" = String, Path, description = "The user's id.")),
    responses(
        (status = 204, description = "Queued in the outbox."),
        (status = 409, description = "The user cannot be invited (they have a password, or are deactivated).", body = Problem, content_type = "application/problem+json"),
        Writes, Missing,
    )
)]
async fn send_invite(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> Answer<Response> {
    caller.may_write()?;
    backend::send_invite(&state.app, &id, caller.by(&state.app)).await?;
    Ok(done())
}

/// Revoke the pending invitation.
#[utoipa::path(
    delete, path = "/api/v1/users/{id}/invitation", tag = "users", operation_id = "revokeInvitation",
    params(("id" = String, Path, description = "The user's id.")),
    responses(
        (status = 204, description = "Revoked: its link no longer works."),
        (status = 409, description = "No invitation is pending.", body = Problem, content_type = "application/problem+json"),
        Writes, Missing,
    )
)]
async fn revoke_invite(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> Answer<Response> {
    caller.may_write()?;
    backend::revoke_invite(&state.app, &id, caller.by(&state.app)).await?;
    Ok(done())
}

/// Mail the user a password reset link; an older link stops working.
#[utoipa::path(
    post, path = "/api/v1/users/{id}/password-reset", tag = "users", operation_id = "sendPasswordReset",
    params(("id" = String, Path, description = "The user's id.")),
    responses(
        (status = 204, description = "Queued in the outbox."),
        (status = 409, description = "The user cannot sign in, so no link was sent.", body = Problem, content_type = "application/problem+json"),
        Writes, Missing,
    )
)]
async fn password_reset(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> Answer<Response> {
    caller.may_write()?;
    backend::send_password_reset(&state.app, &id, caller.by(&state.app)).await?;
    Ok(done())
}
