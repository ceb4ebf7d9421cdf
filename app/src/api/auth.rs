//! Signing in and out, the signed-in user, and the one-time setup of the first admin.

use crate::domain::CurrentUser;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::{AppState, auth::with_status};

/// The one answer for every failed sign-in, so it does not tell whether the email is registered.
pub const WRONG_CREDENTIALS: &str = "Wrong email or password.";

/// Signs in with email and password; admins land in `/admin`.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::backend::auth::{known_device, remember_device, start_session};
    use crate::backend::limits::{LOGIN_ACCOUNT, LOGIN_ADDRESS, LOGIN_DEVICE, client_address};
    use crate::domain::account::{AccountStatus, Approval};
    use crate::domain::{Email, safe_next_path};

    async {
        let state = AppState::from_context()?;
        // Counted before the password is checked, whether or not the email is registered; the
        // account's count is cleared by a successful sign-in, and each window ends by itself.
        // A browser that signed in to this account before is counted on its own device token
        // instead, so an attacker's guesses that lock the account do not lock its owner out.
        let address = client_address(&state);
        LOGIN_ADDRESS.hit(&state, &address).await?;
        let account = match Email::parse(&email) {
            Ok(email) => state.store.account_by_email(email.as_str()).await?,
            Err(_) => None,
        };
        let device = match &account {
            Some(account) => known_device(&state, &account.id).await?,
            None => None,
        };
        match &device {
            Some(device) => LOGIN_DEVICE.hit(&state, device).await?,
            None => LOGIN_ACCOUNT.hit(&state, &email).await?,
        }
        let hash = account.as_ref().and_then(|a| a.password_hash.as_deref());
        let password_ok = state.hasher.verify(&password, hash).await?;
        let account = match account {
            Some(account) if password_ok => account,
            other => {
                let known = other.as_ref().map(|a| a.id.as_str());
                state
                    .store
                    .record_failed_login(known, &address, state.clock.now())
                    .await?;
                return Err(AppError::unauthorized(WRONG_CREDENTIALS));
            }
        };
        if account.status != AccountStatus::Active {
            return Err(AppError::unauthorized(
                "This account is deactivated. Please contact the portal's administrators.",
            ));
        }
        if !account.email_confirmed {
            return Err(AppError::unauthorized(
                "Confirm your email address first: open the link we emailed you when you registered.",
            ));
        }
        match account.approval {
            Approval::Approved => {}
            Approval::Pending => {
                return Err(AppError::unauthorized(
                    "Your registration is awaiting approval.",
                ));
            }
            Approval::Rejected => {
                return Err(AppError::unauthorized("Your registration was declined."));
            }
        }
        match &device {
            Some(device) => LOGIN_DEVICE.clear(&state, device).await?,
            None => LOGIN_ACCOUNT.clear(&state, &email).await?,
        }
        start_session(&state, &account.id).await?;
        remember_device(&state, &account.id).await?;
        if account.must_change_password {
            leptos_axum::redirect("/change-password");
            return Ok(());
        }
        let landing = if account.role.is_admin() {
            "/admin"
        } else {
            "/"
        };
        let target = next
            .as_deref()
            .and_then(|next| safe_next_path(next, &state.config.public_url))
            .filter(|p| landing == "/admin" || !(p == "/admin" || p.starts_with("/admin/")));
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
        crate::backend::auth::end_session(&state).await?;
        leptos_axum::redirect("/login");
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// The signed-in user, or `None` for a stranger.
#[server(prefix = "/api", endpoint = "me")]
pub async fn me() -> Result<Option<CurrentUser>, AppError> {
    crate::backend::auth::current_user()
        .await
        .map_err(with_status)
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
    use crate::backend::auth::{hash_secret, start_session};
    use crate::backend::db::{NewAdmin, StoreError};
    use crate::backend::limits::{SETUP_ADDRESS, client_address};
    use crate::domain::{Email, Password};

    const DEAD_LINK: &str = "This setup link is no longer valid. Restart Portico to print a new one, or use `portico admin create`.";
    async {
        let state = AppState::from_context()?;
        // Limited and checked before anything costly: without the link, a post never reaches
        // the password hashing, so a flood of them cannot starve real sign-ins.
        SETUP_ADDRESS.hit(&state, &client_address(&state)).await?;
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
            role: "super-admin",
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
        start_session(&state, &id).await?;
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
    use crate::backend::auth::current_user;
    use crate::domain::Password;
    async {
        let state = AppState::from_context()?;
        let user = current_user()
            .await?
            .ok_or_else(|| AppError::unauthorized("Please log in."))?;
        if !user.must_change_password {
            return Err(AppError::Forbidden);
        }
        let password = Password::parse(&new_password, &user.email)
            .map_err(|e| AppError::validation("new_password", e.to_string()))?;
        if password.expose() != confirm_new_password {
            return Err(AppError::validation(
                "confirm_new_password",
                "The passwords do not match.",
            ));
        }
        crate::backend::self_service::change_password(&state, &user.id, &password).await?;
        leptos_axum::redirect(if user.role.is_admin() { "/admin" } else { "/" });
        Ok(())
    }
    .await
    .map_err(with_status)
}
