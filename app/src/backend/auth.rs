//! Sessions, tokens and the role checks every server function starts with.

use super::db::{AccountRow, StoreError};
use super::{AppState, Millis};
use crate::domain::{CurrentUser, Role};
use crate::error::AppError;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::HeaderMap;
use http::header::{COOKIE, SET_COOKIE};
use leptos::prelude::use_context;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "portico_session";
/// The session cookie's name on https: the `__Host-` prefix makes browsers refuse it unless it is
/// `Secure`, for the whole host and set by it (no subdomain can plant or override it).
pub const HOST_SESSION_COOKIE: &str = "__Host-portico_session";
/// How long a session lasts after sign-in, however active (the absolute lifetime).
pub const SESSION_LIFETIME_MS: Millis = 7 * 24 * 60 * 60 * 1000;
/// A session's `last_seen_at` is written at most this often.
pub const SEEN_EVERY_MS: Millis = 60 * 1000;

/// The cookie that marks a browser which signed in to an account before (`__Host-` on https).
pub const DEVICE_COOKIE: &str = "portico_device";
const HOST_DEVICE_COOKIE: &str = "__Host-portico_device";
/// How long a browser stays known after its last successful sign-in.
pub const DEVICE_LIFETIME_MS: Millis = 180 * 24 * 60 * 60 * 1000;

/// The name of the session cookie for this portal.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        HOST_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// A random 256-bit secret (base64url) and the SHA-256 (hex) that is stored in its place.
pub fn new_secret() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_secret(&secret);
    (secret, hash)
}

pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The value of cookie `name` in the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The `Set-Cookie` value for a session id; an empty id with max-age 0 clears the cookie.
pub fn session_cookie(secret: &str, max_age_secs: i64, secure: bool) -> String {
    let name = session_cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
}

/// Logs `err` with a fresh reference and returns an `Internal` error carrying only that reference.
pub fn internal(err: impl std::fmt::Display) -> AppError {
    let mut bytes = [0u8; 6];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let reference = hex::encode(bytes);
    tracing::error!(reference = %reference, error = %err, "internal error");
    AppError::Internal { reference }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Forbidden => AppError::Forbidden,
            StoreError::Conflict(message) => AppError::Conflict {
                message: message.into(),
            },
            other => internal(other),
        }
    }
}

impl From<super::password::HashError> for AppError {
    fn from(err: super::password::HashError) -> Self {
        internal(err)
    }
}

/// Sets the HTTP status of a server function's error answer. Plain HTML form posts keep the
/// redirect that carries the error back to the form, so their status is left alone.
pub fn with_status(err: AppError) -> AppError {
    let accepts_html = use_context::<http::request::Parts>()
        .and_then(|p| {
            p.headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false);
    if !accepts_html
        && let Some(res) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(err.status())
    {
        res.set_status(status);
    }
    err
}

pub fn to_current_user(row: &AccountRow) -> Result<CurrentUser, AppError> {
    Ok(CurrentUser {
        id: row.id.clone(),
        email: row.email.clone(),
        first_name: row.first_name.clone(),
        last_name: row.last_name.clone(),
        role: row.role,
        must_change_password: row.must_change_password,
    })
}

/// The signed-in user of a request, from its session cookie.
pub async fn session_user(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<CurrentUser>, AppError> {
    let Some(secret) = cookie(headers, session_cookie_name(state.config.secure_cookies())) else {
        return Ok(None);
    };
    let settings = super::settings::security(state).await?;
    let row = state
        .store
        .session_account(
            &hash_secret(&secret),
            state.clock.now(),
            (settings.idle_ms(true), settings.idle_ms(false)),
            SEEN_EVERY_MS,
        )
        .await?;
    row.as_ref().map(to_current_user).transpose()
}

/// The periodic clean-up: rate-limit windows older than a day, expired and idle sessions, and
/// delivered emails past the retention period (with the secrets of links that died).
pub async fn prune(state: &AppState) -> Result<(), AppError> {
    const DAY_MS: Millis = 24 * 60 * 60 * 1000;
    let settings = super::settings::security(state).await?;
    let now = state.clock.now();
    state
        .store
        .prune(
            now - DAY_MS,
            now,
            (settings.idle_ms(true), settings.idle_ms(false)),
        )
        .await?;
    state
        .store
        .prune_outbox(now - settings.retention_ms(), now)
        .await?;
    Ok(())
}

fn request_headers() -> Result<HeaderMap, AppError> {
    use_context::<http::request::Parts>()
        .map(|p| p.headers)
        .ok_or_else(|| internal("request parts missing from the Leptos context"))
}

/// The signed-in user of the current server function, if any.
pub async fn current_user() -> Result<Option<CurrentUser>, AppError> {
    let state = AppState::from_context()?;
    session_user(&state, &request_headers()?).await
}

/// The signed-in admin, or `Unauthorized` for a stranger and `Forbidden` for a consumer.
pub async fn require_admin() -> Result<CurrentUser, AppError> {
    match current_user().await? {
        None => Err(AppError::unauthorized("Please log in.")),
        Some(user) if user.role.is_admin() && !user.must_change_password => Ok(user),
        Some(_) => Err(AppError::Forbidden),
    }
}

/// The signed-in super admin; `Forbidden` for anyone else signed in.
pub async fn require_super_admin() -> Result<CurrentUser, AppError> {
    let admin = require_admin().await?;
    if admin.role == Role::SuperAdmin {
        Ok(admin)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The stored hash of the request's session id, if it carries one.
pub fn request_session_hash() -> Result<Option<String>, AppError> {
    let state = AppState::from_context()?;
    let name = session_cookie_name(state.config.secure_cookies());
    Ok(cookie(&request_headers()?, name).map(|s| hash_secret(&s)))
}

/// The signed-in person (admin or consumer), or `Unauthorized`; `Forbidden` while they must
/// change their password first.
pub async fn require_user() -> Result<CurrentUser, AppError> {
    match current_user().await? {
        None => Err(AppError::unauthorized("Please log in.")),
        Some(user) if user.must_change_password => Err(AppError::Forbidden),
        Some(user) => Ok(user),
    }
}

/// Signs `user_id` in: a new session id, stored hashed, replacing the request's old session.
pub async fn start_session(state: &AppState, user_id: &str) -> Result<(), AppError> {
    let headers = request_headers()?;
    let name = session_cookie_name(state.config.secure_cookies());
    let old = cookie(&headers, name).map(|s| hash_secret(&s));
    let (secret, hash) = new_secret();
    let now = state.clock.now();
    state
        .store
        .create_session(
            &hash,
            user_id,
            old.as_deref(),
            now,
            now + SESSION_LIFETIME_MS,
        )
        .await?;
    set_cookie(&session_cookie(
        &secret,
        SESSION_LIFETIME_MS / 1000,
        state.config.secure_cookies(),
    ))
}

fn device_cookie_name(secure: bool) -> &'static str {
    if secure {
        HOST_DEVICE_COOKIE
    } else {
        DEVICE_COOKIE
    }
}

/// The stored hash of the request's device token, when it is a live one given to `user_id` at an
/// earlier successful sign-in: this browser is the account owner's (OWASP's device cookies).
pub async fn known_device(state: &AppState, user_id: &str) -> Result<Option<String>, AppError> {
    let name = device_cookie_name(state.config.secure_cookies());
    let Some(secret) = cookie(&request_headers()?, name) else {
        return Ok(None);
    };
    let hash = hash_secret(&secret);
    let owner = state.store.device_user(&hash, state.clock.now()).await?;
    Ok((owner.as_deref() == Some(user_id)).then_some(hash))
}

/// Gives the browser a new device token for `user_id` after a successful sign-in (the one it
/// had, if any, is replaced).
pub async fn remember_device(state: &AppState, user_id: &str) -> Result<(), AppError> {
    let name = device_cookie_name(state.config.secure_cookies());
    let old = cookie(&request_headers()?, name).map(|s| hash_secret(&s));
    let (secret, hash) = new_secret();
    let now = state.clock.now();
    state
        .store
        .add_device(
            &hash,
            user_id,
            old.as_deref(),
            now,
            now + DEVICE_LIFETIME_MS,
        )
        .await?;
    let secure = if state.config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    set_cookie(&format!(
        "{name}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        DEVICE_LIFETIME_MS / 1000
    ))
}

/// Ends the request's session on the server and clears its cookie.
pub async fn end_session(state: &AppState) -> Result<(), AppError> {
    let name = session_cookie_name(state.config.secure_cookies());
    if let Some(secret) = cookie(&request_headers()?, name) {
        state.store.delete_session(&hash_secret(&secret)).await?;
    }
    set_cookie(&session_cookie("", 0, state.config.secure_cookies()))
}

fn set_cookie(value: &str) -> Result<(), AppError> {
    let res = use_context::<leptos_axum::ResponseOptions>()
        .ok_or_else(|| internal("response options missing from the Leptos context"))?;
    res.append_header(
        SET_COOKIE,
        http::HeaderValue::from_str(value).map_err(internal)?,
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_256_bit_and_only_their_hash_is_kept() {
        let (secret, hash) = new_secret();
        assert_eq!(URL_SAFE_NO_PAD.decode(&secret).map(|b| b.len()), Ok(32));
        assert_eq!(hash.len(), 64);
        assert_eq!(hash, hash_secret(&secret));
        assert_ne!(new_secret().0, secret);
    }

    #[test]
    fn reads_the_session_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            http::HeaderValue::from_static("a=1; portico_session=xyz; b=2"),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE).as_deref(), Some("xyz"));
    }
}
