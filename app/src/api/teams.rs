//! Teams: list (with an organization filter), add, rename, delete.

use crate::domain::team::TeamRow;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::http::{require_admin, with_status};
#[cfg(feature = "ssr")]
use crate::backend::{AppState, db::Named, groups};

#[server(prefix = "/api", endpoint = "list_teams")]
pub async fn list_teams(search: String, organization_id: String) -> Result<Vec<TeamRow>, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        groups::teams(&state, &search, &organization_id).await
    }
    .await
    .map_err(with_status)
}

#[server(prefix = "/api", endpoint = "create_team")]
pub async fn create_team(organization_id: String, name: String) -> Result<String, AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        let id = groups::create_team(&state, &organization_id, &name, state.by(&admin.id)).await?;
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
        groups::rename(&state, Named::Team, &id, &name, state.by(&admin.id)).await?;
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
        let members = groups::delete(&state, Named::Team, &id, state.by(&admin.id)).await?;
        leptos_axum::redirect("/admin/teams?deleted=1");
        Ok(members)
    }
    .await
    .map_err(with_status)
}

/// One team, for its page.
#[server(prefix = "/api", endpoint = "team")]
pub async fn get_team(id: String) -> Result<TeamRow, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        groups::team(&state, &id).await
    }
    .await
    .map_err(with_status)
}

/// Adds the consumer with this email to the team (from the team's page).
#[server(prefix = "/api", endpoint = "add_team_member")]
pub async fn add_team_member(team_id: String, email: String) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        groups::add_member_by_email(&state, &team_id, &email, state.by(&admin.id)).await
    }
    .await
    .map_err(with_status)
}

/// Adds a consumer to one of its organization's teams (from the user's page).
#[server(prefix = "/api", endpoint = "add_user_to_team")]
pub async fn add_user_to_team(user_id: String, team_id: String) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        groups::add_member(&state, &team_id, &user_id, "team_id", state.by(&admin.id)).await
    }
    .await
    .map_err(with_status)
}

/// Removes a consumer from a team; with no team left it goes back to the default team.
#[server(prefix = "/api", endpoint = "remove_team_member")]
pub async fn remove_team_member(team_id: String, user_id: String) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        groups::remove_member(&state, &team_id, &user_id, state.by(&admin.id)).await
    }
    .await
    .map_err(with_status)
}
