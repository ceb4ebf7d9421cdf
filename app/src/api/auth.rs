//! Signing in and out, the signed-in user, and the one-time setup of the first admin.

use crate::domain::CurrentUser;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::http::with_status;
#[cfg(feature = "ssr")]
use crate::backend::AppState;

/// The one answer for every failed sign-in, so it does not tell whether the email is registered.
pub use crate::domain::account::WRONG_CREDENTIALS;

/// Signs in with email and password (the rules are `backend::login::sign_in`); admins land in
/// `/admin`, a password that must change first on `/change-password`.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::api::http::{request, set_cookie};
    use crate::domain::safe_next_path;
    async {
        let state = AppState::from_context()?;
        let signed_in =
            crate::backend::login::sign_in(&state, &request(&state)?, &email, &password).await?;
        for cookie in &signed_in.cookies {
            set_cookie(cookie)?;
        }
        if signed_in.must_change_password {
            leptos_axum::redirect("/change-password");
            return Ok(());
        }
        let landing = if signed_in.is_admin { "/admin" } else { "/" };
        let target = next
            .as_deref()
            .and_then(|next| safe_next_path(next, &state.config.public_url))
            .filter(|p| signed_in.is_admin || !(p == "/admin" || p.starts_with("/admin/")));
        leptos_axum::redirect(target.as_deref().unwrap_or(landing));
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// Ends the current session on the server and goes to `/login`.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    async {
        let state = AppState::from_context()?;
        let request = crate::api::http::request(&state)?;
        crate::api::http::set_cookie(&crate::backend::auth::end_session(&state, &request).await?)?;
        leptos_axum::redirect("/login");
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// The signed-in user, or `None` for a stranger.
#[server(prefix = "/api", endpoint = "me")]
pub async fn me() -> Result<Option<CurrentUser>, AppError> {
    crate::api::http::current_user().await.map_err(with_status)
}

/// Whether a setup link can still create the first admin (opening the page consumes nothing).
#[server(prefix = "/api", endpoint = "setup_link_valid")]
pub async fn setup_link_valid(token: String) -> Result<bool, AppError> {
    async {
        let state = AppState::from_context()?;
        let hash = crate::backend::auth::hash_secret(&token);
        Ok(state
            .store
            .setup_token_usable(&hash, state.clock.now())
            .await?)
    }
    .await
    .map_err(with_status)
}

/// Creates the first super-admin from the one-time setup link printed in the log, and signs them in.
#[server(prefix = "/api", endpoint = "complete_setup")]
pub async fn complete_setup(
    token: String,
    email: String,
    password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::api::http::{request, set_cookie};
    use crate::backend::auth::{hash_secret, start_session};
    use crate::backend::db::{NewAdmin, StoreError};
    use crate::backend::limits::SETUP_ADDRESS;
    use crate::domain::{Email, Password};

    const DEAD_LINK: &str = "This setup link is no longer valid. Restart Portico to print a new one, or use `portico admin create`.";
    async {
        let state = AppState::from_context()?;
        // Limited and checked before anything costly: without the link, a post never reaches
        // the password hashing, so a flood of them cannot starve real sign-ins.
        let request = request(&state)?;
        SETUP_ADDRESS.hit(&state, &request.address).await?;
        let token_hash = hash_secret(&token);
        if !state
            .store
            .setup_token_usable(&token_hash, state.clock.now())
            .await?
        {
            return Err(AppError::Conflict {
                message: DEAD_LINK.to_owned(),
            });
        }
        let email =
            Email::parse(&email).map_err(|e| AppError::validation("email", e.to_string()))?;
        let password = Password::parse(&password, email.as_str())
            .map_err(|e| AppError::validation("password", e.to_string()))?;
        if password.expose() != confirm_password {
            return Err(AppError::validation(
                "confirm_password",
                "The passwords do not match.",
            ));
        }
        let hash = state.hasher.hash(password.expose()).await?;
        let admin = NewAdmin {
            email: email.as_str(),
            first_name: "",
            last_name: "",
            role: crate::domain::Role::SuperAdmin,
            password_hash: Some(&hash),
            must_change_password: false,
        };
        let id = match state
            .store
            .complete_setup(&token_hash, &admin, state.clock.now())
            .await
        {
            Ok(id) => id,
            Err(StoreError::NotFound) => {
                return Err(AppError::Conflict {
                    message: DEAD_LINK.to_owned(),
                });
            }
            Err(e) => return Err(e.into()),
        };
        set_cookie(&start_session(&state, &request, &id).await?)?;
        leptos_axum::redirect("/admin");
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// Sets a new password for a signed-in user who must change theirs at this login; their other
/// sessions end and "password changed" is mailed. It serves that state alone: any other change
/// of password goes through the account page, which checks the current one.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    new_password: String,
    confirm_new_password: String,
) -> Result<(), AppError> {
    use crate::api::http::current_user;
    async {
        let state = AppState::from_context()?;
        let user = current_user()
            .await?
            .ok_or_else(|| AppError::unauthorized("Please log in."))?;
        if !user.must_change_password {
            return Err(AppError::Forbidden);
        }
        let request = crate::api::http::request(&state)?;
        let typed = (new_password.as_str(), confirm_new_password.as_str());
        crate::backend::self_service::change_password(
            &state,
            &request,
            (&user.id, &user.email),
            typed,
        )
        .await?;
        leptos_axum::redirect(if user.role.is_admin() { "/admin" } else { "/" });
        Ok(())
    }
    .await
    .map_err(with_status)
}
