//! Settings > Admins: list, "Add new admin user", invite, activate, deactivate, delete. A
//! provider-admin never changes a super-admin, and the last active super-admin stays (the store
//! enforces both).

use crate::domain::admin::AdminsView;
use crate::domain::user::UserForm;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::http::{require_admin, with_status};
#[cfg(feature = "ssr")]
use crate::backend::{AppState, admins};

#[server(prefix = "/api", endpoint = "list_admins")]
pub async fn list_admins() -> Result<AdminsView, AppError> {
    async {
        let viewer = require_admin().await?;
        let state = AppState::from_context()?;
        Ok(AdminsView {
            admins: admins::list(&state).await?,
            viewer_id: viewer.id,
            viewer_role: viewer.role,
        })
    }
    .await
    .map_err(with_status)
}

/// Adds an admin with a password (active at once) or without one (then "Send invite").
#[server(prefix = "/api", endpoint = "add_admin")]
pub async fn add_admin(form: UserForm) -> Result<String, AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        let id = admins::add(&state, &admin, &form, state.by(&admin.id)).await?;
        leptos_axum::redirect("/admin/settings/admins?added=1");
        Ok(id)
    }
    .await
    .map_err(with_status)
}

/// Sends (or resends) an invitation to an admin without a password.
#[server(prefix = "/api", endpoint = "send_admin_invite")]
pub async fn send_admin_invite(id: String) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        admins::send_invite(&state, &admin, &id, state.by(&admin.id)).await
    }
    .await
    .map_err(with_status)
}

/// "activate", "deactivate" or "delete" an admin.
#[server(prefix = "/api", endpoint = "change_admin")]
pub async fn change_admin(id: String, change: String) -> Result<(), AppError> {
    use crate::backend::db::AdminChange;
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        let change = match change.as_str() {
            "activate" => AdminChange::Activate,
            "deactivate" => AdminChange::Deactivate,
            "delete" => AdminChange::Delete,
            _ => {
                return Err(AppError::BadRequest {
                    message: "Unknown change.".into(),
                });
            }
        };
        admins::change(&state, &admin, &id, change, state.by(&admin.id)).await?;
        if change == AdminChange::Delete {
            leptos_axum::redirect("/admin/settings/admins?deleted=1");
        }
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// "Edit" of an admin: names, email and role, within the super-admin rules.
#[server(prefix = "/api", endpoint = "update_admin")]
pub async fn update_admin(id: String, form: UserForm) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        admins::update(&state, &admin, &id, &form, state.by(&admin.id)).await?;
        leptos_axum::redirect("/admin/settings/admins?saved=1");
        Ok(())
    }
    .await
    .map_err(with_status)
}
