//! "My dashboard": a consumer's view of their organization.

use crate::domain::colleague::Colleagues;
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
