//! Organizations: list, add (with its default team), rename, delete (its users move).

use crate::domain::organization::OrganizationRow;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::http::{require_admin, with_status};
#[cfg(feature = "ssr")]
use crate::backend::{AppState, db::Named, groups};

#[server(prefix = "/api", endpoint = "list_organizations")]
pub async fn list_organizations(search: String) -> Result<Vec<OrganizationRow>, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        groups::organizations(&state, &search).await
    }
    .await
    .map_err(with_status)
}

/// Adds an organization and its default team "<name> All users".
#[server(prefix = "/api", endpoint = "create_organization")]
pub async fn create_organization(name: String) -> Result<String, AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        let id = groups::create_organization(&state, &name, state.by(&admin.id)).await?;
        leptos_axum::redirect("/admin/organizations?added=1");
        Ok(id)
    }
    .await
    .map_err(with_status)
}

#[server(prefix = "/api", endpoint = "rename_organization")]
pub async fn rename_organization(id: String, name: String) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        groups::rename(&state, Named::Organization, &id, &name, state.by(&admin.id)).await?;
        leptos_axum::redirect("/admin/organizations");
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// Deletes an organization; answers how many users moved to the default organization.
#[server(prefix = "/api", endpoint = "delete_organization")]
pub async fn delete_organization(id: String) -> Result<i64, AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        let moved = groups::delete(&state, Named::Organization, &id, state.by(&admin.id)).await?;
        leptos_axum::redirect("/admin/organizations?deleted=1");
        Ok(moved)
    }
    .await
    .map_err(with_status)
}

/// One organization, for its page.
#[server(prefix = "/api", endpoint = "organization")]
pub async fn get_organization(id: String) -> Result<OrganizationRow, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        groups::organization(&state, &id).await
    }
    .await
    .map_err(with_status)
}
