//! The admin's users menu: list, add, overview, invitations, activation and deletion.

use crate::domain::user::{Choice, TeamChoice, UserDetail, UserForm, UserPage};
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
    use crate::backend::db::UserQuery;
    use crate::domain::user::UserSort;
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        let sort = UserSort::from_key(&sort);
        if !cursor.is_empty() && !sort.reads_cursor(&cursor) {
            return Err(AppError::BadRequest {
                message: crate::domain::user::BROKEN_CURSOR.to_owned(),
            });
        }
        let query = UserQuery {
            sort,
            cursor: Some(cursor).filter(|c| !c.is_empty()),
            limit: PAGE_SIZE,
            ..filters(search, organization_id, team_id, status)
        };
        Ok(state.store.list_users(&query, state.clock.now()).await?)
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
        let query = filters(search, organization_id, team_id, status);
        Ok(state.store.count_users(&query, state.clock.now()).await?)
    }
    .await
    .map_err(with_status)
}

/// The users table's search and filters as the store takes them (an empty string is "any").
#[cfg(feature = "ssr")]
fn filters(
    search: String,
    organization_id: String,
    team_id: String,
    status: String,
) -> crate::backend::db::UserQuery {
    let some = |s: String| Some(s).filter(|s| !s.is_empty());
    crate::backend::db::UserQuery {
        search: some(search),
        organization_id: some(organization_id),
        team_id: some(team_id),
        status: crate::domain::user::UserStatus::from_key(&status),
        ..Default::default()
    }
}

/// The organizations and teams the add-user dialog and the filters offer.
#[server(prefix = "/api", endpoint = "user_choices")]
pub async fn user_choices() -> Result<(Vec<Choice>, Vec<TeamChoice>), AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        Ok((
            state.store.organization_choices().await?,
            state.store.team_choices().await?,
        ))
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
        let valid = form.validate().map_err(|e| echo_form(e, &form))?;
        let hash = match &valid.password {
            Some(p) => Some(state.hasher.hash(p.expose()).await?),
            None => None,
        };
        let new = crate::backend::db::NewUser::from_form(&valid, hash.as_deref());
        let id = state
            .store
            .create_user(&new, state.by(&admin.id))
            .await
            .map_err(|e| form_store_error(e, &form))?;
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
        let form = UserForm {
            password: String::new(),
            must_change_password: None,
            ..form
        };
        let valid = form.validate().map_err(|e| echo_form(e, &form))?;
        state
            .store
            .update_user(
                &id,
                &crate::backend::db::NewUser::from_form(&valid, None),
                state.by(&admin.id),
            )
            .await
            .map_err(|e| form_store_error(e, &form))?;
        leptos_axum::redirect(&format!("/admin/users/{id}?saved=1"));
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// A store refusal of the user form as a field error: a taken email (also when two admins race)
/// or teams outside the organization.
#[cfg(feature = "ssr")]
pub(crate) fn form_store_error(error: crate::backend::db::StoreError, form: &UserForm) -> AppError {
    use crate::backend::db::StoreError;
    use crate::domain::user::DUPLICATE_EMAIL;
    match error {
        StoreError::Unique { .. } => {
            echo_form(AppError::validation("email", DUPLICATE_EMAIL), form)
        }
        StoreError::ForeignKey => echo_form(
            AppError::validation("team_ids", "Choose teams of the chosen organization."),
            form,
        ),
        other => other.into(),
    }
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
        state
            .store
            .user_detail(&id, state.clock.now())
            .await?
            .ok_or(AppError::NotFound)
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
        invitations::send(&state, &id, Reach::Admin(Audience::Consumers), &admin.id).await
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
        if state
            .store
            .revoke_invitation(&id, Reach::Admin(Audience::Consumers), state.by(&admin.id))
            .await?
        {
            Ok(())
        } else {
            Err(AppError::Conflict {
                message: "This user has no pending invitation.".into(),
            })
        }
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
        let active = active == "true";
        let notice = crate::backend::self_service::status_notice(&state, active).await?;
        state
            .store
            .set_user_active(&id, active, notice, state.by(&admin.id))
            .await?;
        Ok(())
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
        state.store.delete_user(&id, state.by(&admin.id)).await?;
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
        let person = state
            .store
            .person(&id, Audience::Consumers)
            .await?
            .ok_or(AppError::NotFound)?;
        if crate::backend::self_service::issue_reset(&state, &person.email, Some(&admin.id)).await?
        {
            Ok(())
        } else {
            Err(AppError::Conflict {
                message: "This user cannot sign in (deactivated, or a registration not approved), \
                          so no reset link was sent."
                    .into(),
            })
        }
    }
    .await
    .map_err(with_status)
}
