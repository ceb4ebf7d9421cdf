//! Settings > Admins (SPEC §6) between the server functions, the REST API and the store: forms
//! checked, passwords hashed, refusals turned into field messages, and the role rule (a
//! provider admin never adds, changes or invites a super admin; the last active super admin
//! stays) applied to whoever acts, by the store.

use super::AppState;
use super::db::{AdminChange, AdminEdit, Audience, By, NewAdmin, Reach, StoreError};
use super::invitations;
use crate::domain::admin::AdminRow;
use crate::domain::user::{DUPLICATE_EMAIL, UserForm};
use crate::domain::{CurrentUser, Role};
use crate::error::AppError;

/// The form's values echoed with its field errors, so the dialog keeps them.
fn echo(form: &UserForm) -> impl Fn(AppError) -> AppError + '_ {
    move |error| match error {
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
    }
}

/// Every admin.
pub async fn list(state: &AppState) -> Result<Vec<AdminRow>, AppError> {
    Ok(state.store.list_admins(state.clock.now()).await?)
}

/// One admin as the list shows them; `NotFound` for anyone else.
pub async fn admin(state: &AppState, id: &str) -> Result<AdminRow, AppError> {
    list(state)
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or(AppError::NotFound)
}

/// "Add new admin user": with a password (active at once) or without one (then "Send invite").
/// Answers the new admin's id.
pub async fn add(
    state: &AppState,
    actor: &CurrentUser,
    form: &UserForm,
    by: By<'_>,
) -> Result<String, AppError> {
    let valid = form.validate_admin().map_err(echo(form))?;
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
    state
        .store
        .add_admin(&new, (by, actor.role))
        .await
        .map_err(|e| match e {
            StoreError::Unique { .. } => echo(form)(AppError::validation("email", DUPLICATE_EMAIL)),
            other => other.into(),
        })
}

/// Sends (or resends) an invitation to an admin without a password.
pub async fn send_invite(
    state: &AppState,
    actor: &CurrentUser,
    id: &str,
    by: By<'_>,
) -> Result<(), AppError> {
    let role = state
        .store
        .admin_role(id)
        .await?
        .ok_or(AppError::NotFound)?;
    if role == Role::SuperAdmin && actor.role != Role::SuperAdmin {
        return Err(AppError::Forbidden);
    }
    invitations::send(state, id, Reach::Admin(Audience::Admins), by).await
}

/// Activates, deactivates (ending sessions, invitations and API tokens) or deletes an admin.
pub async fn change(
    state: &AppState,
    actor: &CurrentUser,
    id: &str,
    change: AdminChange,
    by: By<'_>,
) -> Result<(), AppError> {
    let notice = super::self_service::status_notice(state, change == AdminChange::Activate).await?;
    Ok(state
        .store
        .change_admin(id, change, (by, actor.role), notice)
        .await?)
}

/// "Edit": names, email and role, within the super-admin rules.
pub async fn update(
    state: &AppState,
    actor: &CurrentUser,
    id: &str,
    form: &UserForm,
    by: By<'_>,
) -> Result<(), AppError> {
    let valid = UserForm {
        password: String::new(),
        must_change_password: None,
        ..form.clone()
    }
    .validate_admin()
    .map_err(echo(form))?;
    let edit = AdminEdit {
        first_name: valid.first_name.as_str(),
        last_name: valid.last_name.as_str(),
        email: valid.email.as_str(),
        role: valid.role,
    };
    state
        .store
        .update_admin(id, &edit, (by, actor.role))
        .await
        .map_err(|e| match e {
            StoreError::Unique { .. } => echo(form)(AppError::validation("email", DUPLICATE_EMAIL)),
            other => other.into(),
        })
}
