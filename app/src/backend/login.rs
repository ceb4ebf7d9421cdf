//! The sign-in rules: rate limits, the password check, and who may sign in.

use super::AppState;
use super::auth::{Request, known_device, remember_device, start_session};
use super::limits::{LOGIN_ACCOUNT, LOGIN_ADDRESS, LOGIN_DEVICE};
use crate::domain::Email;
use crate::domain::account::{AccountStatus, Approval, WRONG_CREDENTIALS};
use crate::error::AppError;

/// A successful sign-in: the cookies to set (the session and the device token) and where the
/// person goes next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    pub cookies: [String; 2],
    pub must_change_password: bool,
    pub is_admin: bool,
}

/// Checks an email and password and signs the account in. Every refusal is `Unauthorized`:
/// one answer for a wrong password and an unknown email, then plain words for an account that
/// is deactivated, unconfirmed, awaiting approval or declined (told only to whoever knows its
/// password).
pub async fn sign_in(
    state: &AppState,
    request: &Request,
    email: &str,
    password: &str,
) -> Result<SignedIn, AppError> {
    // Counted before the password is checked, whether or not the email is registered; the
    // account's count is cleared by a successful sign-in, and each window ends by itself.
    // A browser that signed in to this account before is counted on its own device token
    // instead, so an attacker's guesses that lock the account do not lock its owner out.
    LOGIN_ADDRESS.hit(state, &request.address).await?;
    let account = match Email::parse(email) {
        Ok(email) => state.store.account_by_email(email.as_str()).await?,
        Err(_) => None,
    };
    let device = match &account {
        Some(account) => known_device(state, request, &account.id).await?,
        None => None,
    };
    match &device {
        Some(device) => LOGIN_DEVICE.hit(state, device).await?,
        None => LOGIN_ACCOUNT.hit(state, email).await?,
    }
    let hash = account.as_ref().and_then(|a| a.password_hash.as_deref());
    let password_ok = state.hasher.verify(password, hash).await?;
    let account = match account {
        Some(account) if password_ok => account,
        other => {
            let known = other.as_ref().map(|a| a.id.as_str());
            state
                .store
                .record_failed_login(known, &request.address, state.clock.now())
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
        Some(device) => LOGIN_DEVICE.clear(state, device).await?,
        None => LOGIN_ACCOUNT.clear(state, email).await?,
    }
    Ok(SignedIn {
        cookies: [
            start_session(state, request, &account.id).await?,
            remember_device(state, request, &account.id).await?,
        ],
        must_change_password: account.must_change_password,
        is_admin: account.role.is_admin(),
    })
}
