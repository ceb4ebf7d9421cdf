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
use crate::backend::{
    AppState,
    db::{Audience, Reach},
    invitations,
};

#[server(prefix = "/api", endpoint = "list_admins")]
pub async fn list_admins() -> Result<AdminsView, AppError> {
    async {
        let viewer = require_admin().await?;
        let state = AppState::from_context()?;
        Ok(AdminsView {
            admins: state.store.list_admins(state.clock.now()).await?,
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
    use crate::backend::db::{NewAdmin, StoreError};
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        let echo = |error: AppError| match error {
            AppError::Validation { errors, .. } => AppError::Validation {
                errors,
                values: vec![
                    ("first_name".into(), form.first_name.clone()),
                    ("last_name".into(), form.last_name.clone()),
                    ("email".into(), form.email.clone()),
                    ("role".into(), form.role.clone()),
                ],
            },
            other => other,
        };
        let valid = form.validate_admin().map_err(echo)?;
        let hash = match &valid.password {
            Some(p) => Some(state.hasher.hash(p.expose()).await?),
            None => None,
        };
        let new = NewAdmin {
            email: valid.email.as_str(),
            first_name: valid.first_name.as_str(),
            last_name: valid.last_name.as_str(),
            role: valid.role,
            password_hash: hash.as_deref(),
            must_change_password: valid.must_change_password,
        };
        let id = state
            .store
            .add_admin(&new, (&admin.id, admin.role), state.clock.now())
            .await
            .map_err(|e| match e {
                StoreError::Unique { .. } => echo(AppError::validation(
                    "email",
                    crate::domain::user::DUPLICATE_EMAIL,
                )),
                other => other.into(),
            })?;
        leptos_axum::redirect("/admin/settings/admins?added=1");
        Ok(id)
    }
    .await
    .map_err(with_status)
}

/// Sends (or resends) an invitation to an admin without a password.
#[server(prefix = "/api", endpoint = "send_admin_invite")]
pub async fn send_admin_invite(id: String) -> Result<(), AppError> {
    use crate::domain::Role;
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        let role = state
            .store
            .admin_role(&id)
            .await?
            .ok_or(AppError::NotFound)?;
        if role == Role::SuperAdmin && admin.role != Role::SuperAdmin {
            return Err(AppError::Forbidden);
        }
        invitations::send(
            &state,
            &id,
            Reach::Admin(Audience::Admins),
            state.by(&admin.id),
        )
        .await
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
        let notice =
            crate::backend::self_service::status_notice(&state, change == AdminChange::Activate)
                .await?;
        state
            .store
            .change_admin(
                &id,
                change,
                (&admin.id, admin.role),
                notice,
                state.clock.now(),
            )
            .await?;
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
    use crate::backend::db::{AdminEdit, StoreError};
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        let echo = |error: AppError| match error {
            AppError::Validation { errors, .. } => AppError::Validation {
                errors,
                values: vec![
                    ("first_name".into(), form.first_name.clone()),
                    ("last_name".into(), form.last_name.clone()),
                    ("email".into(), form.email.clone()),
                    ("role".into(), form.role.clone()),
                ],
            },
            other => other,
        };
        let valid = UserForm {
            password: String::new(),
            must_change_password: None,
            ..form.clone()
        }
        .validate_admin()
        .map_err(echo)?;
        let edit = AdminEdit {
            first_name: valid.first_name.as_str(),
            last_name: valid.last_name.as_str(),
            email: valid.email.as_str(),
            role: valid.role,
        };
        state
            .store
            .update_admin(&id, &edit, (&admin.id, admin.role), state.clock.now())
            .await
            .map_err(|e| match e {
                StoreError::Unique { .. } => echo(AppError::validation(
                    "email",
                    crate::domain::user::DUPLICATE_EMAIL,
                )),
                other => other.into(),
            })?;
        leptos_axum::redirect("/admin/settings/admins?saved=1");
        Ok(())
    }
    .await
    .map_err(with_status)
}
