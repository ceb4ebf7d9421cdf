//! Organizations and teams as an admin changes them: the name checked for what it names, and the
//! store's refusals turned into messages for the form. The admin pages' server functions call
//! these, and so will any other way in (the REST API), so each rule is written once.

use super::AppState;
use super::db::{Named, StoreError};
use crate::domain::GroupName;
use crate::domain::organization::DUPLICATE_ORGANIZATION;
use crate::domain::team::DUPLICATE_TEAM;
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
    actor_id: &str,
) -> Result<String, AppError> {
    let name = parse(Named::Organization, name)?;
    let by = state.by(actor_id);
    let created = state.store.create_organization(name.as_str(), by).await;
    created.map_err(|e| refusal(Named::Organization, e))
}

/// Adds a team to an organization; answers its id.
pub async fn create_team(
    state: &AppState,
    organization_id: &str,
    name: &str,
    actor_id: &str,
) -> Result<String, AppError> {
    let name = parse(Named::Team, name)?;
    let by = state.by(actor_id);
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
    actor_id: &str,
) -> Result<(), AppError> {
    let name = parse(what, name)?;
    let renamed = state
        .store
        .rename(what, id, name.as_str(), state.by(actor_id))
        .await;
    renamed.map_err(|e| refusal(what, e))
}

/// Deletes an organization (its users move to the default organization) or a team (its members
/// with no other team join their organization's default team); never a default one. Answers how
/// many users moved, or how many members the team had.
pub async fn delete(
    state: &AppState,
    what: Named,
    id: &str,
    actor_id: &str,
) -> Result<i64, AppError> {
    let by = state.by(actor_id);
    let deleted = match what {
        Named::Organization => state.store.delete_organization(id, by).await,
        Named::Team => state.store.delete_team(id, by).await,
    };
    deleted.map_err(|e| refusal(what, e))
}
