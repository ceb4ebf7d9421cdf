//! Organizations and teams as an admin changes them: the name checked for what it names, and the
//! store's refusals turned into messages for the form. The admin pages' server functions call
//! these, and so will any other way in (the REST API), so each rule is written once.

use super::AppState;
use super::db::{By, Named, StoreError};
use super::paging::{Page, after, page};
use crate::domain::GroupName;
use crate::domain::organization::{DUPLICATE_ORGANIZATION, OrganizationRow};
use crate::domain::team::{DUPLICATE_TEAM, TeamRow};
use crate::error::AppError;

/// `name` checked as the name of `what`: an organization's leaves room for its default team's.
fn parse(what: Named, name: &str) -> Result<GroupName, AppError> {
    match what {
        Named::Organization => GroupName::parse_organization(name),
        Named::Team => GroupName::parse(name),
    }
    .map_err(|e| AppError::validation("name", e.to_string()))
}

/// A refusal of the store, as the form shows it.
fn refusal(what: Named, error: StoreError) -> AppError {
    match error {
        StoreError::Unique { .. } => AppError::validation(
            "name",
            match what {
                Named::Organization => DUPLICATE_ORGANIZATION,
                Named::Team => DUPLICATE_TEAM,
            },
        ),
        StoreError::ForeignKey => {
            AppError::validation("organization_id", "Choose an organization.")
        }
        other => other.into(),
    }
}

/// Adds an organization with its default team "<name> All users"; answers its id.
pub async fn create_organization(
    state: &AppState,
    name: &str,
    by: By<'_>,
) -> Result<String, AppError> {
    let name = parse(Named::Organization, name)?;
    let created = state.store.create_organization(name.as_str(), by).await;
    created.map_err(|e| refusal(Named::Organization, e))
}

/// Adds a team to an organization; answers its id.
pub async fn create_team(
    state: &AppState,
    organization_id: &str,
    name: &str,
    by: By<'_>,
) -> Result<String, AppError> {
    let name = parse(Named::Team, name)?;
    let created = state
        .store
        .create_team(organization_id, name.as_str(), by)
        .await;
    created.map_err(|e| refusal(Named::Team, e))
}

/// Renames an organization or a team.
pub async fn rename(
    state: &AppState,
    what: Named,
    id: &str,
    name: &str,
    by: By<'_>,
) -> Result<(), AppError> {
    let name = parse(what, name)?;
    let renamed = state.store.rename(what, id, name.as_str(), by).await;
    renamed.map_err(|e| refusal(what, e))
}

/// Deletes an organization (its users move to the default organization) or a team (its members
/// with no other team join their organization's default team); never a default one. Answers how
/// many users moved, or how many members the team had.
pub async fn delete(state: &AppState, what: Named, id: &str, by: By<'_>) -> Result<i64, AppError> {
    let deleted = match what {
        Named::Organization => state.store.delete_organization(id, by).await,
        Named::Team => state.store.delete_team(id, by).await,
    };
    deleted.map_err(|e| refusal(what, e))
}

/// The organizations whose name holds `search` (default first, then by name).
pub async fn organizations(
    state: &AppState,
    search: &str,
) -> Result<Vec<OrganizationRow>, AppError> {
    Ok(state.store.list_organizations(search).await?)
}

/// A page of `limit` organizations whose name holds `search` (the default first, then by name),
/// after `cursor` (empty: the first page).
pub async fn organization_page(
    state: &AppState,
    search: &str,
    cursor: &str,
    limit: i64,
) -> Result<Page<OrganizationRow>, AppError> {
    let after = after(cursor, 3)?;
    let rows = state
        .store
        .organization_page(search, after.as_deref(), limit + 1)
        .await?;
    Ok(page(rows, limit))
}

/// One organization; `NotFound` when there is none with this id.
pub async fn organization(state: &AppState, id: &str) -> Result<OrganizationRow, AppError> {
    state
        .store
        .organization(id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The teams whose name holds `search`, of one organization when `organization_id` is not empty.
pub async fn teams(
    state: &AppState,
    search: &str,
    organization_id: &str,
) -> Result<Vec<TeamRow>, AppError> {
    let organization = Some(organization_id).filter(|o| !o.is_empty());
    Ok(state.store.list_teams(search, organization).await?)
}

/// A page of `limit` teams whose name holds `search` (of one organization when
/// `organization_id` is not empty), in the Teams page's order, after `cursor` (empty: the first
/// page).
pub async fn team_page(
    state: &AppState,
    search: &str,
    organization_id: &str,
    cursor: &str,
    limit: i64,
) -> Result<Page<TeamRow>, AppError> {
    let after = after(cursor, 5)?;
    let rows = state
        .store
        .team_page(search, organization_id, after.as_deref(), limit + 1)
        .await?;
    Ok(page(rows, limit))
}

/// One team; `NotFound` when there is none with this id.
pub async fn team(state: &AppState, id: &str) -> Result<TeamRow, AppError> {
    state.store.team(id).await?.ok_or(AppError::NotFound)
}

/// A store refusal of a new membership, as a message next to `field`.
fn membership_error(error: StoreError, field: &str) -> AppError {
    match error {
        StoreError::Unique { .. } => AppError::validation(field, "Already a member of this team."),
        StoreError::ForeignKey => {
            AppError::validation(field, "This user belongs to another organization.")
        }
        StoreError::NotFound => AppError::NotFound,
        other => other.into(),
    }
}

/// Adds consumer `user_id` to one of its organization's teams; a refusal is a message next to
/// `field` (where the form or request named the user or team).
pub async fn add_member(
    state: &AppState,
    team_id: &str,
    user_id: &str,
    field: &str,
    by: By<'_>,
) -> Result<(), AppError> {
    if team_id.is_empty() {
        return Err(AppError::validation("team_id", "Choose a team."));
    }
    state
        .store
        .add_team_member(team_id, user_id, by)
        .await
        .map_err(|e| membership_error(e, field))
}

/// Adds the consumer with this email to the team (from the team's page).
pub async fn add_member_by_email(
    state: &AppState,
    team_id: &str,
    email: &str,
    by: By<'_>,
) -> Result<(), AppError> {
    let email = crate::domain::Email::parse(email)
        .map_err(|e| AppError::validation("email", e.to_string()))?;
    let user_id = state
        .store
        .consumer_by_email(email.as_str())
        .await?
        .ok_or_else(|| AppError::validation("email", "No user has this email."))?;
    add_member(state, team_id, &user_id, "email", by).await
}

/// Removes a consumer from a team; with no team left it goes back to the default team.
pub async fn remove_member(
    state: &AppState,
    team_id: &str,
    user_id: &str,
    by: By<'_>,
) -> Result<(), AppError> {
    Ok(state.store.remove_team_member(team_id, user_id, by).await?)
}
