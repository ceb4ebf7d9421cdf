//! The server functions' side of HTTP: the one place that reads the request and the Leptos
//! context, and writes cookies and status codes. The backend gets what it needs as a
//! [`Request`] and answers values (a cookie to set, an outcome to redirect on).

use crate::backend::AppState;
use crate::backend::auth::{
    Request, SessionOnce, device_cookie_name, internal, session_cookie_name, session_user,
};
use crate::backend::limits::address_key;
use crate::domain::{CurrentUser, Role};
use crate::error::AppError;
use http::HeaderMap;
use http::header::{COOKIE, SET_COOKIE};
use leptos::prelude::use_context;

impl AppState {
    /// The state of the current server function or page render.
    pub fn from_context() -> Result<Self, AppError> {
        use_context::<Self>().ok_or_else(|| {
            tracing::error!("AppState missing from the Leptos context");
            AppError::Internal {
                reference: "state".to_owned(),
            }
        })
    }
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

fn parts() -> Result<http::request::Parts, AppError> {
    use_context::<http::request::Parts>()
        .ok_or_else(|| internal("request parts missing from the Leptos context"))
}

/// What the backend needs of the current request: the client's address and the cookies it
/// carries.
pub fn request(state: &AppState) -> Result<Request, AppError> {
    let parts = parts()?;
    let secure = state.config.secure_cookies();
    Ok(Request {
        address: client_address(state, &parts),
        session: cookie(&parts.headers, session_cookie_name(secure)),
        device: cookie(&parts.headers, device_cookie_name(secure)),
    })
}

/// The client's address as rate limits count it: the connection's peer, or with
/// `trust_forwarded_for` the last `X-Forwarded-For` entry (the one the proxy in front of Portico
/// added); see [`address_key`].
fn client_address(state: &AppState, parts: &http::request::Parts) -> String {
    if state.config.trust_forwarded_for
        && let Some(forwarded) = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|v| !v.is_empty())
    {
        return match forwarded.parse::<std::net::IpAddr>() {
            Ok(ip) => address_key(ip),
            Err(_) => forwarded.to_owned(),
        };
    }
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| address_key(info.0.ip()))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Adds a `Set-Cookie` header to the server function's answer.
pub fn set_cookie(value: &str) -> Result<(), AppError> {
    let res = use_context::<leptos_axum::ResponseOptions>()
        .ok_or_else(|| internal("response options missing from the Leptos context"))?;
    res.append_header(
        SET_COOKIE,
        http::HeaderValue::from_str(value).map_err(internal)?,
    );
    Ok(())
}

/// Whether the current request is a plain HTML form post (JavaScript off): its answer is a
/// redirect, and what it returns is not read.
pub fn accepts_html() -> bool {
    use_context::<http::request::Parts>()
        .and_then(|p| {
            p.headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}

/// A secret shown once to a form posted without JavaScript (an API key, a gateway token): that
/// answer is a redirect back to the page, whose address must not carry it (addresses are logged
/// and kept in history). It travels in a cookie `name` for the page at `path` alone, for one
/// minute, which the page's next render takes ([`take_flash`]). A hydrated page reads the
/// function's answer itself, so nothing is set then.
pub fn flash(name: &str, path: &str, value: &str) -> Result<(), AppError> {
    if !accepts_html() {
        return Ok(());
    }
    let state = AppState::from_context()?;
    let secure = if state.config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    set_cookie(&format!(
        "{name}={value}; Path={path}; Max-Age=60; HttpOnly; SameSite=Strict{secure}"
    ))
}

/// The value [`flash`]ed under `name` for the page at `path`, cleared as it is read.
pub fn take_flash(name: &str, path: &str) -> Result<Option<String>, AppError> {
    let Some(value) = cookie(&parts()?.headers, name) else {
        return Ok(None);
    };
    set_cookie(&format!(
        "{name}=; Path={path}; Max-Age=0; HttpOnly; SameSite=Strict"
    ))?;
    Ok(Some(value))
}

/// Sets the HTTP status of a server function's error answer. Plain HTML form posts keep the
/// redirect that carries the error back to the form, so their status is left alone.
pub fn with_status(err: AppError) -> AppError {
    if !accepts_html()
        && let Some(res) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(err.status())
    {
        res.set_status(status);
    }
    err
}

/// The signed-in user of the current server function, if any: looked up once per request (see
/// [`SessionOnce`]).
pub async fn current_user() -> Result<Option<CurrentUser>, AppError> {
    let state = AppState::from_context()?;
    let request = request(&state)?;
    let secret = request.session.as_deref();
    match parts()?.extensions.get::<SessionOnce>() {
        Some(once) => once.user(&state, secret).await,
        None => session_user(&state, secret).await,
    }
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

/// The signed-in person (admin or consumer), or `Unauthorized`; `Forbidden` while they must
/// change their password first.
pub async fn require_user() -> Result<CurrentUser, AppError> {
    match current_user().await? {
        None => Err(AppError::unauthorized("Please log in.")),
        Some(user) if user.must_change_password => Err(AppError::Forbidden),
        Some(user) => Ok(user),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_session_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            http::HeaderValue::from_static("a=1; portico_session=xyz; b=2"),
        );
        assert_eq!(
            cookie(&headers, crate::backend::auth::SESSION_COOKIE).as_deref(),
            Some("xyz")
        );
    }
}
