//! The admin's users menu: list, add, overview, invitations, activation and deletion.

use crate::domain::user::{Choice, TeamChoice, UserDetail, UserForm, UserPage};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::http::{require_admin, with_status};
#[cfg(feature = "ssr")]
use crate::backend::{AppState, users};

/// Rows per page of the users table.
pub const PAGE_SIZE: i64 = 25;

/// A page of consumers matching the search and filters (empty strings mean "any").
#[server(prefix = "/api", endpoint = "list_users")]
pub async fn list_users(
    search: String,
    organization_id: String,
    team_id: String,
    status: String,
    sort: String,
    cursor: String,
) -> Result<UserPage, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        let params = users::ListParams {
            search,
            organization_id,
            team_id,
            status,
            sort,
            cursor,
            limit: PAGE_SIZE,
        };
        users::list(&state, &params).await
    }
    .await
    .map_err(with_status)
}

/// The exact number of consumers matching the search and filters (empty strings mean "any"):
/// what the table shows when a page's own count stopped at its cap.
#[server(prefix = "/api", endpoint = "count_users")]
pub async fn count_users(
    search: String,
    organization_id: String,
    team_id: String,
    status: String,
) -> Result<i64, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        let params = users::ListParams {
            search,
            organization_id,
            team_id,
            status,
            ..Default::default()
        };
        users::count(&state, &params).await
    }
    .await
    .map_err(with_status)
}

/// The organizations and teams the add-user dialog and the filters offer.
#[server(prefix = "/api", endpoint = "user_choices")]
pub async fn user_choices() -> Result<(Vec<Choice>, Vec<TeamChoice>), AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        Ok(state.store.placement_choices().await?)
    }
    .await
    .map_err(with_status)
}

/// Creates a consumer from the "Add user" dialog; answers the new user's id.
#[server(prefix = "/api", endpoint = "create_user")]
pub async fn create_user(form: UserForm) -> Result<String, AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        let id = users::create(&state, &form, state.by(&admin.id))
            .await
            .map_err(|e| echo_form(e, &form))?;
        leptos_axum::redirect(&format!("/admin/users?created={id}"));
        Ok(id)
    }
    .await
    .map_err(with_status)
}

/// Saves the "Edit" form of a consumer (every field but the password), then shows their page.
#[server(prefix = "/api", endpoint = "update_user")]
pub async fn update_user(id: String, form: UserForm) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        users::update(&state, &id, &form, state.by(&admin.id))
            .await
            .map_err(|e| echo_form(e, &form))?;
        leptos_axum::redirect(&format!("/admin/users/{id}?saved=1"));
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// Carries what was typed (never the password) back with a validation error, so a form posted
/// without JavaScript re-renders with its values.
#[cfg(feature = "ssr")]
pub(crate) fn echo_form(error: AppError, form: &UserForm) -> AppError {
    match error {
        AppError::Validation { errors, .. } => AppError::Validation {
            errors,
            values: vec![
                ("first_name".into(), form.first_name.clone()),
                ("last_name".into(), form.last_name.clone()),
                ("email".into(), form.email.clone()),
                ("organization_id".into(), form.organization_id.clone()),
                ("role".into(), form.role.clone()),
                ("team_ids".into(), form.team_ids.join(",")),
            ],
        },
        other => other,
    }
}

/// Everything the user's overview page shows.
#[server(prefix = "/api", endpoint = "user")]
pub async fn get_user(id: String) -> Result<UserDetail, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        users::detail(&state, &id).await
    }
    .await
    .map_err(with_status)
}

/// Creates an invitation and queues its email; a second call revokes the first link.
#[server(prefix = "/api", endpoint = "send_invite")]
pub async fn send_invite(id: String) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        users::send_invite(&state, &id, state.by(&admin.id)).await
    }
    .await
    .map_err(with_status)
}

/// Revokes the user's pending invitation.
#[server(prefix = "/api", endpoint = "revoke_invite")]
pub async fn revoke_invite(id: String) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        users::revoke_invite(&state, &id, state.by(&admin.id)).await
    }
    .await
    .map_err(with_status)
}

/// Activates or deactivates a consumer ("true" or "false").
#[server(prefix = "/api", endpoint = "set_user_active")]
pub async fn set_user_active(id: String, active: String) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        users::set_active(&state, &id, active == "true", state.by(&admin.id)).await
    }
    .await
    .map_err(with_status)
}

/// Deletes a consumer, then goes back to the users table.
#[server(prefix = "/api", endpoint = "delete_user")]
pub async fn delete_user(id: String) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        users::delete(&state, &id, state.by(&admin.id)).await?;
        leptos_axum::redirect("/admin/users?deleted=1");
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// Mails the user a password reset link (the older link stops working).
#[server(prefix = "/api", endpoint = "send_password_reset")]
pub async fn send_password_reset(id: String) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        users::send_password_reset(&state, &id, state.by(&admin.id)).await
    }
    .await
    .map_err(with_status)
}
