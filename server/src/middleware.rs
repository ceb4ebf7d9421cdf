//! Request middleware: CSRF guard, admin page guard, security headers, request ids and tracing.

use app::api::http::cookie;
use app::backend::AppState;
use app::backend::auth::{SessionOnce, session_cookie_name};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};

const REQUEST_ID: &str = "x-request-id";

/// The span of a request: method, path and request id (set by `SetRequestIdLayer` outside this
/// one). It names the path only: query strings can carry tokens.
pub fn request_span(request: &Request) -> tracing::Span {
    let request_id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %request_id,
    )
}

/// Request ids are taken from `x-request-id` or made up, and echoed in the response.
pub fn request_id_layers() -> (SetRequestIdLayer<MakeRequestUuid>, PropagateRequestIdLayer) {
    let name = header::HeaderName::from_static(REQUEST_ID);
    (
        SetRequestIdLayer::new(name.clone(), MakeRequestUuid),
        PropagateRequestIdLayer::new(name),
    )
}

/// Pages whose URL carries a secret token: they send no `Referer` anywhere.
fn is_token_page(path: &str) -> bool {
    matches!(
        path,
        "/setup" | "/invite" | "/reset-password" | "/confirm-email"
    )
}

/// Answers that must never be kept by a browser or a proxy: admin, account and dashboard pages
/// (an app's page shows a new API key once), pages whose URL carries a token, and every server
/// function's answer.
fn is_private(path: &str) -> bool {
    let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
    is_token_page(path)
        || under("/admin")
        || under("/account")
        || under("/dashboard")
        || under("/api")
        || path == "/change-password"
}

/// Refuses a request body over its route's limit: 413 at once when its length says so, and an
/// error for the handler reading it when the body runs past the limit without saying. Every route
/// has [`crate::BODY_LIMIT_BYTES`] but the OpenAPI uploads (the page's and the REST API's), which
/// have their own.
pub async fn body_limit(request: Request, next: Next) -> Response {
    use leptos::server_fn::ServerFn as _;
    let upload = app::api::documentation::UploadDocumentation::PATH;
    let path = request.uri().path();
    let limit = if path == upload || crate::rest::is_documentation_path(path) {
        app::api::documentation::UPLOAD_BODY_LIMIT_BYTES
    } else {
        crate::BODY_LIMIT_BYTES
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return (StatusCode::PAYLOAD_TOO_LARGE, "length limit exceeded").into_response();
    }
    let (parts, body) = request.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}

/// Security headers on every response; a page's own nonce-based CSP is kept when it set one.
/// `Strict-Transport-Security` when the portal is served over https; `Cache-Control: no-store`
/// on private answers.
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let token_page = is_token_page(path);
    let private = is_private(path);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if state.config.secure_cookies() {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if private {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static(if token_page {
            "no-referrer"
        } else {
            "same-origin"
        }),
    );
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'",
            ),
        );
    }
    response
}

/// Refuses state-changing requests that another site started: the browser's `Sec-Fetch-Site`,
/// else `Origin`, else `Referer` must name this site (its public URL or the host it was asked as).
pub async fn csrf_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    // The REST API authenticates with a bearer token in a header, which another site cannot make
    // a browser send (not without a CORS preflight, which Portico never grants; unlike `Basic`,
    // browsers never attach it by themselves). A request to it without a cookie cannot ride on a
    // session either. One with a cookie and no bearer token is checked like any other.
    if request.uri().path().starts_with("/api/v1/")
        && (!request.headers().contains_key(header::COOKIE)
            || request
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.len() > 7 && v[..7].eq_ignore_ascii_case("bearer ")))
    {
        return next.run(request).await;
    }
    if is_same_site_request(request.headers(), &state.config.public_url) {
        next.run(request).await
    } else {
        tracing::warn!(path = %request.uri().path(), "refused a cross-site request");
        (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response()
    }
}

fn is_same_site_request(headers: &HeaderMap, public_url: &url::Url) -> bool {
    let get = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = get(header::HeaderName::from_static("sec-fetch-site")) {
        return matches!(site, "same-origin" | "none");
    }
    let host = get(header::HOST);
    let allowed = |candidate: &str| -> bool {
        let Ok(url) = url::Url::parse(candidate) else {
            return false;
        };
        if url.origin() == public_url.origin() {
            return true;
        }
        let authority = match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            _ => return false,
        };
        host.is_some_and(|host| host.eq_ignore_ascii_case(&authority))
    };
    match get(header::ORIGIN) {
        Some(origin) if origin != "null" => allowed(origin),
        _ => get(header::REFERER).is_some_and(allowed),
    }
}

/// `/admin` pages: a stranger is sent to `/login`, a signed-in consumer gets 403.
///
/// Every request also gets its [`SessionOnce`] here, which the guard and the server functions
/// of the request share.
pub async fn admin_guard(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let once = SessionOnce::default();
    request.extensions_mut().insert(once.clone());
    let path = request.uri().path();
    if !(path == "/admin" || path.starts_with("/admin/")) {
        return next.run(request).await;
    }
    let secret = cookie(
        request.headers(),
        session_cookie_name(state.config.secure_cookies()),
    );
    match once.user(&state, secret.as_deref()).await {
        Ok(Some(user)) if user.must_change_password => Redirect::to("/change-password").into_response(),
        Ok(Some(user)) if user.role.is_admin() => next.run(request).await,
        Ok(Some(_)) => (
            StatusCode::FORBIDDEN,
            axum::response::Html("<!DOCTYPE html><title>Forbidden</title><h1>Forbidden</h1><p>This page is for the portal's administrators. <a href=\"/\">Go to the start page</a></p>"),
        )
            .into_response(),
        Ok(None) => {
            let next_path = request
                .uri()
                .path_and_query()
                .map(|pq| pq.as_str().to_owned())
                .unwrap_or_else(|| "/admin".to_owned());
            let target = format!("/login?next={}", url::form_urlencoded::byte_serialize(next_path.as_bytes()).collect::<String>());
            Redirect::to(&target).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "admin guard could not read the session");
            Response::builder()
                .status(StatusCode::INTERNAL_SERVER_ERROR)
                .body(Body::from(e.to_string()))
                .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn same_site_checks_fetch_metadata_then_origin_then_referer() {
        let public = url::Url::parse("https://portal.example.com").expect("url");
        assert!(is_same_site_request(
            &headers(&[("sec-fetch-site", "same-origin")]),
            &public
        ));
        assert!(!is_same_site_request(
            &headers(&[
                ("sec-fetch-site", "cross-site"),
                ("origin", "https://portal.example.com")
            ]),
            &public
        ));
        assert!(is_same_site_request(
            &headers(&[("origin", "https://portal.example.com")]),
            &public
        ));
        assert!(is_same_site_request(
            &headers(&[
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000")
            ]),
            &public
        ));
        assert!(!is_same_site_request(
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "127.0.0.1:3000")
            ]),
            &public
        ));
        assert!(is_same_site_request(
            &headers(&[("referer", "https://portal.example.com/login")]),
            &public
        ));
        assert!(!is_same_site_request(
            &headers(&[("origin", "null")]),
            &public
        ));
        assert!(!is_same_site_request(&headers(&[]), &public));
    }
}
