//! `/api/v1/organizations` and `/api/v1/teams`: as the Organizations and Teams pages list, add,
//! rename and delete them, and a team's members as its page adds and removes them. Each operation
//! calls `app::backend::groups`, as those pages' server functions do.

use super::{Answer, Body, Caller, Id, Invalid, Missing, Params, Reads, RestState, Writes, done};
use app::backend::db::Named;
use app::backend::groups;
use app::domain::organization::OrganizationRow;
use app::domain::team::TeamRow;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, put};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<RestState> {
    Router::new()
        .route(
            "/api/v1/organizations",
            get(list_organizations).post(create_organization),
        )
        .route(
            "/api/v1/organizations/{id}",
            get(read_organization)
                .put(rename_organization)
                .delete(delete_organization),
        )
        .route("/api/v1/teams", get(list_teams).post(create_team))
        .route(
            "/api/v1/teams/{id}",
            get(read_team).put(rename_team).delete(delete_team),
        )
        .route(
            "/api/v1/teams/{id}/members/{user_id}",
            put(add_member).delete(remove_member),
        )
}

#[derive(OpenApi)]
#[openapi(paths(
    list_organizations,
    create_organization,
    read_organization,
    rename_organization,
    delete_organization,
    list_teams,
    create_team,
    read_team,
    rename_team,
    delete_team,
    add_member,
    remove_member
))]
pub struct GroupsApi;

/// Search and paging of the Organizations page.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganizationQuery {
    /// Rows to answer, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// `next_cursor` of the previous page; absent for the first.
    cursor: Option<String>,
    /// Words of the name.
    q: Option<String>,
}

/// An organization.
#[derive(Debug, Serialize, ToSchema)]
pub struct Organization {
    id: String,
    name: String,
    /// The default organization (it cannot be renamed away or deleted).
    is_default: bool,
    teams: i64,
    users: i64,
}

impl From<OrganizationRow> for Organization {
    fn from(o: OrganizationRow) -> Self {
        Self {
            id: o.id,
            name: o.name,
            is_default: o.is_default,
            teams: o.teams,
            users: o.users,
        }
    }
}

/// A page of organizations: the default first, then by name.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationList {
    items: Vec<Organization>,
    /// Pass as `cursor` for the next page; `null` on the last.
    next_cursor: Option<String>,
}

/// An organization's (or team's) name.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NameChange {
    #[schema(example = "Acme")]
    name: String,
}

/// A new team.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewTeam {
    organization_id: String,
    #[schema(example = "Developers")]
    name: String,
}

/// Search, filter and paging of the Teams page.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TeamQuery {
    /// Rows to answer, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// `next_cursor` of the previous page; absent for the first.
    cursor: Option<String>,
    /// Words of the name.
    q: Option<String>,
    /// Only this organization's teams.
    organization_id: Option<String>,
}

/// A team.
#[derive(Debug, Serialize, ToSchema)]
pub struct Team {
    id: String,
    name: String,
    organization_id: String,
    organization: String,
    /// The organization's default team ("<organization> All users").
    is_default: bool,
    members: i64,
}

impl From<TeamRow> for Team {
    fn from(t: TeamRow) -> Self {
        Self {
            id: t.id,
            name: t.name,
            organization_id: t.organization_id,
            organization: t.organization,
            is_default: t.is_default,
            members: t.members,
        }
    }
}

/// A page of teams, by organization then name.
#[derive(Debug, Serialize, ToSchema)]
pub struct TeamList {
    items: Vec<Team>,
    /// Pass as `cursor` for the next page; `null` on the last.
    next_cursor: Option<String>,
}

/// How many users a deletion moved.
#[derive(Debug, Serialize, ToSchema)]
pub struct Deleted {
    /// An organization's users moved to the default organization; a team's members (those with
    /// no other team went to their organization's default team).
    moved_users: i64,
}

/// List organizations, with the Organizations page's search.
#[utoipa::path(
    get, path = "/api/v1/organizations", tag = "organizations", operation_id = "listOrganizations",
    params(OrganizationQuery),
    responses((status = 200, description = "A page of organizations.", body = OrganizationList), Reads)
)]
async fn list_organizations(
    State(state): State<RestState>,
    Caller(_caller): Caller,
    Params(query): Params<OrganizationQuery>,
) -> Answer<axum::Json<OrganizationList>> {
    let limit = super::limit(query.limit)?;
    let page = groups::organization_page(
        &state.app,
        query.q.as_deref().unwrap_or(""),
        query.cursor.as_deref().unwrap_or(""),
        limit,
    )
    .await?;
    Ok(axum::Json(OrganizationList {
        items: page.items.into_iter().map(Organization::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Add an organization, with its default team "<name> All users".
#[utoipa::path(
    post, path = "/api/v1/organizations", tag = "organizations", operation_id = "createOrganization",
    request_body = NameChange,
    responses(
        (status = 201, description = "Added; `Location` names it.", body = Organization),
        Writes, Invalid
    )
)]
async fn create_organization(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Body(body): Body<NameChange>,
) -> Answer<Response> {
    caller.may_write()?;
    let id = groups::create_organization(&state.app, &body.name, caller.by(&state.app)).await?;
    let organization = Organization::from(groups::organization(&state.app, &id).await?);
    Ok(super::created(
        format!("/api/v1/organizations/{id}"),
        organization,
    ))
}

/// Read one organization.
#[utoipa::path(
    get, path = "/api/v1/organizations/{id}", tag = "organizations", operation_id = "getOrganization",
    params(("id" = String, Path, description = "The organization's id.")),
    responses((status = 200, description = "The organization.", body = Organization), Reads, Missing)
)]
async fn read_organization(
    State(state): State<RestState>,
    Caller(_caller): Caller,
    Id(id): Id,
) -> Answer<axum::Json<Organization>> {
    Ok(axum::Json(
        groups::organization(&state.app, &id).await?.into(),
    ))
}

/// Rename an organization.
#[utoipa::path(
    put, path = "/api/v1/organizations/{id}", tag = "organizations", operation_id = "renameOrganization",
    params(("id" = String, Path, description = "The organization's id.")),
    request_body = NameChange,
    responses(
        (status = 200, description = "The organization as renamed.", body = Organization),
        Writes, Missing, Invalid
    )
)]
async fn rename_organization(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Id(id): Id,
    Body(body): Body<NameChange>,
) -> Answer<axum::Json<Organization>> {
    caller.may_write()?;
    let by = caller.by(&state.app);
    groups::rename(&state.app, Named::Organization, &id, &body.name, by).await?;
    Ok(axum::Json(
        groups::organization(&state.app, &id).await?.into(),
    ))
}

/// Delete an organization (not the default one): its users move to the default organization.
#[utoipa::path(
    delete, path = "/api/v1/organizations/{id}", tag = "organizations", operation_id = "deleteOrganization",
    params(("id" = String, Path, description = "The organization's id.")),
    responses(
        (status = 200, description = "Deleted.", body = Deleted),
        (status = 409, description = "The default organization cannot be deleted.", body = super::Problem, content_type = "application/problem+json"),
        Writes, Missing
    )
)]
async fn delete_organization(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> Answer<axum::Json<Deleted>> {
    caller.may_write()?;
    let by = caller.by(&state.app);
    let moved_users = groups::delete(&state.app, Named::Organization, &id, by).await?;
    Ok(axum::Json(Deleted { moved_users }))
}

/// List teams, with the Teams page's search and organization filter.
#[utoipa::path(
    get, path = "/api/v1/teams", tag = "teams", operation_id = "listTeams",
    params(TeamQuery),
    responses((status = 200, description = "A page of teams.", body = TeamList), Reads)
)]
async fn list_teams(
    State(state): State<RestState>,
    Caller(_caller): Caller,
    Params(query): Params<TeamQuery>,
) -> Answer<axum::Json<TeamList>> {
    let limit = super::limit(query.limit)?;
    let page = groups::team_page(
        &state.app,
        query.q.as_deref().unwrap_or(""),
        query.organization_id.as_deref().unwrap_or(""),
        query.cursor.as_deref().unwrap_or(""),
        limit,
    )
    .await?;
    Ok(axum::Json(TeamList {
        items: page.items.into_iter().map(Team::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Add a team to an organization.
#[utoipa::path(
    post, path = "/api/v1/teams", tag = "teams", operation_id = "createTeam",
    request_body = NewTeam,
    responses(
        (status = 201, description = "Added; `Location` names it.", body = Team),
        Writes, Invalid
    )
)]
async fn create_team(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Body(body): Body<NewTeam>,
) -> Answer<Response> {
    caller.may_write()?;
    let by = caller.by(&state.app);
    let id = groups::create_team(&state.app, &body.organization_id, &body.name, by).await?;
    let team = Team::from(groups::team(&state.app, &id).await?);
    Ok(super::created(format!("/api/v1/teams/{id}"), team))
}

/// Read one team.
#[utoipa::path(
    get, path = "/api/v1/teams/{id}", tag = "teams", operation_id = "getTeam",
    params(("id" = String, Path, description = "The team's id.")),
    responses((status = 200, description = "The team.", body = Team), Reads, Missing)
)]
async fn read_team(
    State(state): State<RestState>,
    Caller(_caller): Caller,
    Id(id): Id,
) -> Answer<axum::Json<Team>> {
    Ok(axum::Json(groups::team(&state.app, &id).await?.into()))
}

/// Rename a team.
#[utoipa::path(
    put, path = "/api/v1/teams/{id}", tag = "teams", operation_id = "renameTeam",
    params(("id" = String, Path, description = "The team's id.")),
    request_body = NameChange,
    responses(
        (status = 200, description = "The team as renamed.", body = Team),
        Writes, Missing, Invalid
    )
)]
async fn rename_team(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Id(id): Id,
    Body(body): Body<NameChange>,
) -> Answer<axum::Json<Team>> {
    caller.may_write()?;
    let by = caller.by(&state.app);
    groups::rename(&state.app, Named::Team, &id, &body.name, by).await?;
    Ok(axum::Json(groups::team(&state.app, &id).await?.into()))
}

/// Delete a team (not a default one): members with no other team join the default team.
#[utoipa::path(
    delete, path = "/api/v1/teams/{id}", tag = "teams", operation_id = "deleteTeam",
    params(("id" = String, Path, description = "The team's id.")),
    responses(
        (status = 200, description = "Deleted.", body = Deleted),
        (status = 409, description = "A default team cannot be deleted.", body = super::Problem, content_type = "application/problem+json"),
        Writes, Missing
    )
)]
async fn delete_team(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> Answer<axum::Json<Deleted>> {
    caller.may_write()?;
    let moved_users = groups::delete(&state.app, Named::Team, &id, caller.by(&state.app)).await?;
    Ok(axum::Json(Deleted { moved_users }))
}

/// The `{id}` and `{user_id}` of a membership path.
#[derive(Debug, Deserialize)]
struct Membership {
    id: String,
    user_id: String,
}

fn membership(
    path: Result<Path<Membership>, axum::extract::rejection::PathRejection>,
) -> Answer<Membership> {
    match path {
        Ok(Path(m)) if m.id.contains('\0') || m.user_id.contains('\0') => {
            Err(super::bad_request(super::NUL.to_owned()))
        }
        Ok(Path(m)) => Ok(m),
        Err(rejection) => Err(super::bad_request(rejection.body_text())),
    }
}

/// Add a consumer to one of its organization's teams.
#[utoipa::path(
    put, path = "/api/v1/teams/{id}/members/{user_id}", tag = "teams", operation_id = "addTeamMember",
    params(
        ("id" = String, Path, description = "The team's id."),
        ("user_id" = String, Path, description = "The consumer's id."),
    ),
    responses(
        (status = 204, description = "A member now."),
        Writes, Missing, Invalid
    )
)]
async fn add_member(
    State(state): State<RestState>,
    Caller(caller): Caller,
    path: Result<Path<Membership>, axum::extract::rejection::PathRejection>,
) -> Answer<Response> {
    let m = membership(path)?;
    caller.may_write()?;
    groups::add_member(
        &state.app,
        &m.id,
        &m.user_id,
        "user_id",
        caller.by(&state.app),
    )
    .await?;
    Ok(done())
}

/// Remove a consumer from a team; with no team left it goes back to the default team.
#[utoipa::path(
    delete, path = "/api/v1/teams/{id}/members/{user_id}", tag = "teams", operation_id = "removeTeamMember",
    params(
        ("id" = String, Path, description = "The team's id."),
        ("user_id" = String, Path, description = "The consumer's id."),
    ),
    responses(
        (status = 204, description = "No longer a member."),
        (status = 409, description = "It is the user's only team (their organization's default team): a user always belongs to at least one.", body = super::Problem, content_type = "application/problem+json"),
        Writes, Missing
    )
)]
async fn remove_member(
    State(state): State<RestState>,
    Caller(caller): Caller,
    path: Result<Path<Membership>, axum::extract::rejection::PathRejection>,
) -> Answer<Response> {
    let m = membership(path)?;
    caller.may_write()?;
    groups::remove_member(&state.app, &m.id, &m.user_id, caller.by(&state.app)).await?;
    Ok(done())
}
