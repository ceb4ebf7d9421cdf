//! Teams: list (with an organization filter), add, rename, delete.

use crate::domain::team::TeamRow;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::{AppState, auth::require_admin, auth::with_status};

#[cfg(feature = "ssr")]
fn team_store_error(error: crate::backend::db::StoreError) -> AppError {
    use crate::backend::db::StoreError;
    match error {
        StoreError::Unique { .. } => {
            AppError::validation("name", crate::domain::team::DUPLICATE_TEAM)
        }
        StoreError::ForeignKey => {
            AppError::validation("organization_id", "Choose an organization.")
        }
        StoreError::Conflict(message) => AppError::Conflict {
            message: message.into(),
        },
        other => other.into(),
    }
}

#[cfg(feature = "ssr")]
fn parse_name(name: &str) -> Result<crate::domain::GroupName, AppError> {
    crate::domain::GroupName::parse(name).map_err(|e| AppError::validation("name", e.to_string()))
}

#[server(prefix = "/api", endpoint = "list_teams")]
pub async fn list_teams(search: String, organization_id: String) -> Result<Vec<TeamRow>, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        let org = Some(organization_id.as_str()).filter(|o| !o.is_empty());
        Ok(state.store.list_teams(&search, org).await?)
    }
    .await
    .map_err(with_status)
}

#[server(prefix = "/api", endpoint = "create_team")]
pub async fn create_team(organization_id: String, name: String) -> Result<String, AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        let name = parse_name(&name)?;
        let id = state
            .store
            .create_team(
                &organization_id,
                name.as_str(),
                &admin.id,
                state.clock.now(),
            )
            .await
            .map_err(team_store_error)?;
        leptos_axum::redirect("/admin/teams?added=1");
        Ok(id)
    }
    .await
    .map_err(with_status)
}

#[server(prefix = "/api", endpoint = "rename_team")]
pub async fn rename_team(id: String, name: String) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        let name = parse_name(&name)?;
        state
            .store
            .rename_team(&id, name.as_str(), &admin.id, state.clock.now())
            .await
            .map_err(team_store_error)?;
        leptos_axum::redirect("/admin/teams");
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// Deletes a team (not a default one); answers how many members it had.
#[server(prefix = "/api", endpoint = "delete_team")]
pub async fn delete_team(id: String) -> Result<i64, AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        let members = state
            .store
            .delete_team(&id, &admin.id, state.clock.now())
            .await
            .map_err(team_store_error)?;
        leptos_axum::redirect("/admin/teams?deleted=1");
        Ok(members)
    }
    .await
    .map_err(with_status)
}
