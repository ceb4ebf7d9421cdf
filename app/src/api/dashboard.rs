//! "My dashboard": a consumer's view of their organization.

use crate::domain::colleague::{ColleagueDetail, ColleagueForm, Colleagues};
use crate::domain::user::UserForm;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::http::with_status;
#[cfg(feature = "ssr")]
use crate::backend::AppState;

/// "Users": the people the signed-in consumer shares a team with, searched by `q`.
#[server(prefix = "/api", endpoint = "my_users")]
pub async fn my_users(q: String) -> Result<Colleagues, AppError> {
    use crate::api::http::require_user;
    async {
        let viewer = require_user().await?;
        let state = AppState::from_context()?;
        crate::backend::colleagues::visible_to(&state, &viewer, &q).await
    }
    .await
    .map_err(with_status)
}

/// "Invite new user" of a consumer admin: the user is created in the admin's organization and
/// the invitation is emailed at once. Answers the new user's id.
#[server(prefix = "/api", endpoint = "invite_colleague")]
pub async fn invite_colleague(form: UserForm) -> Result<String, AppError> {
    use crate::api::http::require_user;
    use crate::api::users::echo_form;
    async {
        let actor = require_user().await?;
        let state = AppState::from_context()?;
        let id = crate::backend::colleagues::invite(&state, &actor, &form)
            .await
            .map_err(|e| echo_form(e, &form))?;
        leptos_axum::redirect("/dashboard?invited=1");
        Ok(id)
    }
    .await
    .map_err(with_status)
}

/// A person as the signed-in consumer admin manages them.
#[server(prefix = "/api", endpoint = "colleague")]
pub async fn colleague(id: String) -> Result<ColleagueDetail, AppError> {
    use crate::api::http::require_user;
    async {
        let actor = require_user().await?;
        let state = AppState::from_context()?;
        crate::backend::colleagues::detail(&state, &actor, &id).await
    }
    .await
    .map_err(with_status)
}

/// "Edit" of a consumer admin: names, role, and membership of the admin's own teams.
#[server(prefix = "/api", endpoint = "edit_colleague")]
pub async fn edit_colleague(id: String, form: ColleagueForm) -> Result<(), AppError> {
    use crate::api::http::require_user;
    async {
        let actor = require_user().await?;
        let state = AppState::from_context()?;
        crate::backend::colleagues::edit(&state, &actor, &id, &form)
            .await
            .map_err(|e| match e {
                AppError::Validation { errors, .. } => AppError::Validation {
                    errors,
                    values: vec![
                        ("first_name".into(), form.first_name.clone()),
                        ("last_name".into(), form.last_name.clone()),
                        ("role".into(), form.role.clone()),
                    ],
                },
                other => other,
            })?;
        leptos_axum::redirect(&format!("/dashboard/users/{id}?saved=1"));
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// "Remove from organization": the person moves to the default organization's default team.
#[server(prefix = "/api", endpoint = "remove_colleague")]
pub async fn remove_colleague(id: String) -> Result<(), AppError> {
    use crate::api::http::require_user;
    async {
        let actor = require_user().await?;
        let state = AppState::from_context()?;
        crate::backend::colleagues::remove(&state, &actor, &id).await?;
        leptos_axum::redirect("/dashboard?removed=1");
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// "Resend invite" of a consumer admin: a new link, emailed at once; the old one stops working.
#[server(prefix = "/api", endpoint = "resend_colleague_invite")]
pub async fn resend_colleague_invite(id: String) -> Result<(), AppError> {
    use crate::api::http::require_user;
    async {
        let actor = require_user().await?;
        let state = AppState::from_context()?;
        crate::backend::colleagues::resend_invite(&state, &actor, &id).await?;
        leptos_axum::redirect(&format!("/dashboard/users/{id}?invited=1"));
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// "Revoke invite" of a consumer admin.
#[server(prefix = "/api", endpoint = "revoke_colleague_invite")]
pub async fn revoke_colleague_invite(id: String) -> Result<(), AppError> {
    use crate::api::http::require_user;
    async {
        let actor = require_user().await?;
        let state = AppState::from_context()?;
        crate::backend::colleagues::revoke_invite(&state, &actor, &id).await?;
        leptos_axum::redirect(&format!("/dashboard/users/{id}?revoked=1"));
        Ok(())
    }
    .await
    .map_err(with_status)
}
