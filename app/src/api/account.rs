//! The consumer's own doors: registration, forgotten passwords, reset links and the account page.
//! Registration, forgot-password and reset links are open to strangers by design; their answers
//! never tell whether an email is registered.

use crate::domain::account::{AccountView, RegistrationForm};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::api::http::with_status;
#[cfg(feature = "ssr")]
use crate::backend::AppState;

/// Whether `/register` takes registrations without an invite code.
#[server(prefix = "/api", endpoint = "registration_open")]
pub async fn registration_open() -> Result<bool, AppError> {
    async {
        let state = AppState::from_context()?;
        Ok(crate::backend::self_service::registration_settings(&state)
            .await?
            .allow_registration)
    }
    .await
    .map_err(with_status)
}

/// Registers a consumer (see `backend::self_service::register` for the outcomes).
#[server(prefix = "/api", endpoint = "register")]
pub async fn register(form: RegistrationForm) -> Result<(), AppError> {
    async {
        let state = AppState::from_context()?;
        let request = crate::api::http::request(&state)?;
        crate::backend::self_service::register(&state, &request, &form).await?;
        leptos_axum::redirect(crate::backend::self_service::REGISTERED_PATH);
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// What `/confirm-email` shows for a link; opening it consumes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConfirmLinkView {
    Valid { email: String },
    Dead { message: String },
}

#[server(prefix = "/api", endpoint = "confirmation_link")]
pub async fn confirmation_link(token: String) -> Result<ConfirmLinkView, AppError> {
    async {
        let state = AppState::from_context()?;
        Ok(
            match crate::backend::self_service::confirmation_email(&state, &token).await? {
                Some(email) => ConfirmLinkView::Valid { email },
                None => ConfirmLinkView::Dead {
                    message: crate::backend::self_service::DEAD_CONFIRMATION.to_owned(),
                },
            },
        )
    }
    .await
    .map_err(with_status)
}

/// Confirms a registrant's email address with the mailed link and their password.
#[server(prefix = "/api", endpoint = "confirm_email")]
pub async fn confirm_email(token: String, password: String) -> Result<(), AppError> {
    async {
        let state = AppState::from_context()?;
        use crate::backend::self_service::{CONFIRMED_PENDING_PATH, EmailConfirmed};
        let request = crate::api::http::request(&state)?;
        match crate::backend::self_service::confirm_email(&state, &request, &token, &password)
            .await?
        {
            EmailConfirmed::SignedIn { session_cookie } => {
                crate::api::http::set_cookie(&session_cookie)?;
                leptos_axum::redirect("/account?welcome=1");
            }
            EmailConfirmed::AwaitingApproval => leptos_axum::redirect(CONFIRMED_PENDING_PATH),
        }
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// Mails a reset link if the email belongs to an account; the answer is the same either way.
#[server(prefix = "/api", endpoint = "forgot_password")]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    async {
        let state = AppState::from_context()?;
        let request = crate::api::http::request(&state)?;
        crate::backend::self_service::request_reset(&state, &request, &email).await?;
        leptos_axum::redirect(crate::backend::self_service::RESET_REQUESTED_PATH);
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// What `/reset-password` shows for a link; opening it consumes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResetLinkView {
    Valid { email: String },
    Dead { message: String },
}

#[server(prefix = "/api", endpoint = "reset_link")]
pub async fn reset_link(token: String) -> Result<ResetLinkView, AppError> {
    use crate::backend::db::ResetLookup;
    async {
        let state = AppState::from_context()?;
        let hash = crate::backend::auth::hash_secret(&token);
        Ok(
            match state.store.reset_token(&hash, state.clock.now()).await? {
                ResetLookup::Valid { email } => ResetLinkView::Valid { email },
                other => ResetLinkView::Dead {
                    message: crate::backend::self_service::dead_reset_link(&other).to_owned(),
                },
            },
        )
    }
    .await
    .map_err(with_status)
}

/// Sets a new password from a reset link; every session ends and the user signs in again.
#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(
    token: String,
    new_password: String,
    confirm_new_password: String,
) -> Result<(), AppError> {
    async {
        let state = AppState::from_context()?;
        let request = crate::api::http::request(&state)?;
        let cleared = crate::backend::self_service::reset_password(
            &state,
            &request,
            &token,
            &new_password,
            &confirm_new_password,
        )
        .await?;
        crate::api::http::set_cookie(&cleared)?;
        leptos_axum::redirect("/login?reset=1");
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// The signed-in person's own account.
#[server(prefix = "/api", endpoint = "account")]
pub async fn account() -> Result<AccountView, AppError> {
    use crate::api::http::require_user;
    async {
        let user = require_user().await?;
        let state = AppState::from_context()?;
        state
            .store
            .account(&user.id)
            .await?
            .ok_or(AppError::NotFound)
    }
    .await
    .map_err(with_status)
}

/// Changes the signed-in person's own first and last name.
#[server(prefix = "/api", endpoint = "update_profile")]
pub async fn update_profile(first_name: String, last_name: String) -> Result<(), AppError> {
    use crate::api::http::require_user;
    use crate::domain::PersonName;
    use crate::error::FieldMessage;
    async {
        let user = require_user().await?;
        let state = AppState::from_context()?;
        let first = PersonName::parse(&first_name);
        let last = PersonName::parse(&last_name);
        let (first, last) = match (first, last) {
            (Ok(first), Ok(last)) => (first, last),
            (first, last) => {
                let errors = [("first_name", first.err()), ("last_name", last.err())]
                    .into_iter()
                    .filter_map(|(field, e)| {
                        e.map(|e| FieldMessage {
                            field: field.to_owned(),
                            message: e.to_string(),
                        })
                    })
                    .collect();
                return Err(AppError::Validation {
                    errors,
                    values: vec![
                        ("first_name".into(), first_name.clone()),
                        ("last_name".into(), last_name.clone()),
                    ],
                });
            }
        };
        state
            .store
            .rename_self(&user.id, first.as_str(), last.as_str(), state.clock.now())
            .await?;
        leptos_axum::redirect("/account?saved=profile");
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// Changes the signed-in person's password; the current one is required. Other sessions end.
#[server(prefix = "/api", endpoint = "change_own_password")]
pub async fn change_own_password(
    current_password: String,
    new_password: String,
    confirm_new_password: String,
) -> Result<(), AppError> {
    use crate::api::http::require_user;
    use crate::backend::limits::PASSWORD_CHECK;
    async {
        let user = require_user().await?;
        let state = AppState::from_context()?;
        PASSWORD_CHECK.hit(&state, &user.id).await?;
        let stored = state
            .store
            .account_by_email(&user.email)
            .await?
            .and_then(|a| a.password_hash);
        if !state
            .hasher
            .verify(&current_password, stored.as_deref())
            .await?
        {
            return Err(AppError::validation(
                "current_password",
                "This is not your current password.",
            ));
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
        leptos_axum::redirect("/account?saved=password");
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// Ends every session of the signed-in person, this one included.
#[server(prefix = "/api", endpoint = "sign_out_everywhere")]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    use crate::api::http::{current_user, request, set_cookie};
    async {
        let user = current_user()
            .await?
            .ok_or_else(|| AppError::unauthorized("Please log in."))?;
        let state = AppState::from_context()?;
        state.store.end_all_sessions(&user.id).await?;
        set_cookie(&crate::backend::auth::end_session(&state, &request(&state)?).await?)?;
        leptos_axum::redirect("/login?signed_out=1");
        Ok(())
    }
    .await
    .map_err(with_status)
}
