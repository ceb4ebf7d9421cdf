//! Sessions, device tokens and secrets. The server functions read the request (`api::http`)
//! and hand what is needed here as a [`Request`]; what to send back (cookies) comes back as
//! values, so nothing here knows HTTP or the Leptos context.

use super::db::{AccountRow, StoreError};
use super::{AppState, Millis};
use crate::domain::CurrentUser;
use crate::error::AppError;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
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

/// What the backend needs to know of the request it serves, read from it by the server function.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The client as rate limits count it (`limits::address_key`), or "unknown".
    pub address: String,
    /// The session cookie's value, if the request carries one.
    pub session: Option<String>,
    /// The device cookie's value, if the request carries one.
    pub device: Option<String>,
}

impl Request {
    /// The stored hash of the request's session id, if it carries one.
    pub fn session_hash(&self) -> Option<String> {
        self.session.as_deref().map(hash_secret)
    }
}

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

/// The signed-in user of a request, from its session cookie's value.
pub async fn session_user(
    state: &AppState,
    secret: Option<&str>,
) -> Result<Option<CurrentUser>, AppError> {
    let Some(secret) = secret else {
        return Ok(None);
    };
    let settings = super::settings::security(state).await?;
    let row = state
        .store
        .session_account(
            &hash_secret(secret),
            state.clock.now(),
            (settings.idle_ms(true), settings.idle_ms(false)),
            SEEN_EVERY_MS,
        )
        .await?;
    row.as_ref().map(to_current_user).transpose()
}

/// The signed-in user of one request, looked up once. A page's render asks for it in every
/// server function it calls (the shell, each list and count) and the admin guard before them:
/// five lookups of two queries each on `/admin/users`. The HTTP layer puts a fresh one in each
/// request; every lookup of that request then shares the first answer (an error is not kept).
#[derive(Clone, Default)]
pub struct SessionOnce(std::sync::Arc<tokio::sync::OnceCell<Option<CurrentUser>>>);

impl SessionOnce {
    pub async fn user(
        &self,
        state: &AppState,
        secret: Option<&str>,
    ) -> Result<Option<CurrentUser>, AppError> {
        self.0
            .get_or_try_init(|| session_user(state, secret))
            .await
            .cloned()
    }
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

/// Signs `user_id` in: a new session id, stored hashed, replacing the request's old session.
/// Answers the `Set-Cookie` value that carries it.
pub async fn start_session(
    state: &AppState,
    request: &Request,
    user_id: &str,
) -> Result<String, AppError> {
    let old = request.session_hash();
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
    Ok(session_cookie(
        &secret,
        SESSION_LIFETIME_MS / 1000,
        state.config.secure_cookies(),
    ))
}

/// The name of the device cookie for this portal.
pub fn device_cookie_name(secure: bool) -> &'static str {
    if secure {
        HOST_DEVICE_COOKIE
    } else {
        DEVICE_COOKIE
    }
}

/// The stored hash of the request's device token, when it is a live one given to `user_id` at an
/// earlier successful sign-in: this browser is the account owner's (OWASP's device cookies).
pub async fn known_device(
    state: &AppState,
    request: &Request,
    user_id: &str,
) -> Result<Option<String>, AppError> {
    let Some(secret) = &request.device else {
        return Ok(None);
    };
    let hash = hash_secret(secret);
    let owner = state.store.device_user(&hash, state.clock.now()).await?;
    Ok((owner.as_deref() == Some(user_id)).then_some(hash))
}

/// Gives the browser a new device token for `user_id` after a successful sign-in (the one it
/// had, if any, is replaced). Answers the `Set-Cookie` value that carries it.
pub async fn remember_device(
    state: &AppState,
    request: &Request,
    user_id: &str,
) -> Result<String, AppError> {
    let name = device_cookie_name(state.config.secure_cookies());
    let old = request.device.as_deref().map(hash_secret);
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
    Ok(format!(
        "{name}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        DEVICE_LIFETIME_MS / 1000
    ))
}

/// Ends the request's session on the server; answers the `Set-Cookie` value that clears it.
pub async fn end_session(state: &AppState, request: &Request) -> Result<String, AppError> {
    if let Some(hash) = request.session_hash() {
        state.store.delete_session(&hash).await?;
    }
    Ok(session_cookie("", 0, state.config.secure_cookies()))
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
}
