//! The gateway endpoints (SPEC §10): `GET /gateway/v1/auth`, the shape nginx's `auth_request`
//! uses (the answer is in the status and headers), and `POST /gateway/v1/keys/verify`, the same
//! answer as JSON. Both read the request and call the one check, `app::backend::gateway::check`.
//!
//! A gateway asks on every request of every consumer, so these routes sit outside the pages'
//! middleware (sessions, CSRF, security headers for HTML, compression, a tracing span per
//! request): none of it applies to a token-authenticated, cookie-less check, and together it cost
//! more than the check itself. Failures are still logged; bodies are limited as elsewhere.

use app::backend::AppState;
use app::backend::db::KeyGrant;
use app::backend::gateway::{Decision, check, quota_header, rate_header};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// The header that carries the gateway's own token (Settings > Gateways).
pub const GATEWAY_TOKEN: &str = "x-portico-gateway-token";

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

/// The API key: `Authorization: Bearer …`, else `X-API-Key`.
fn key_of(headers: &HeaderMap) -> Option<&str> {
    header_text(headers, header::AUTHORIZATION.as_str())
        .and_then(|v| {
            v.split_once(' ')
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                .map(|(_, key)| key.trim())
        })
        .or_else(|| header_text(headers, "x-api-key"))
}

fn failed(error: app::error::AppError) -> Response {
    tracing::error!(error = %error, "gateway check failed");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "The check could not be made.",
    )
        .into_response()
}

/// `GET /gateway/v1/auth`: 200 with the grant's headers, 401 for a bad key (or gateway token),
/// 403 for a key whose plan does not cover the path's product.
pub async fn auth(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(uri) = header_text(&headers, "x-original-uri") else {
        return (StatusCode::BAD_REQUEST, "X-Original-URI is missing.").into_response();
    };
    let decision = match check(
        &state,
        header_text(&headers, GATEWAY_TOKEN),
        key_of(&headers),
        uri,
    )
    .await
    {
        Ok(decision) => decision,
        Err(e) => return failed(e),
    };
    match decision {
        Decision::BadGatewayToken => (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Portico-Gateway-Token")],
            "The gateway token is missing, unknown or revoked.",
        )
            .into_response(),
        Decision::UnknownKey => (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "The API key is missing, unknown, expired or revoked.",
        )
            .into_response(),
        Decision::NotCovered(_) => (
            StatusCode::FORBIDDEN,
            "This key's plan does not cover this API.",
        )
            .into_response(),
        Decision::Allowed(grant) => {
            let mut response = StatusCode::OK.into_response();
            let headers = response.headers_mut();
            for (name, value) in grant_headers(&grant) {
                if let Ok(value) = HeaderValue::from_str(&value) {
                    headers.insert(HeaderName::from_static(name), value);
                }
            }
            response
        }
    }
}

/// The headers of an allowed check: ids (header-safe), and the plan's limits.
fn grant_headers(grant: &KeyGrant) -> [(&'static str, String); 5] {
    [
        ("x-portico-app", grant.app_id.clone()),
        ("x-portico-organization", grant.organization_id.clone()),
        ("x-portico-plan", grant.plan_id.clone()),
        ("x-portico-rate-limit", rate_header(grant)),
        ("x-portico-quota", quota_header(grant)),
    ]
}

/// What `POST /gateway/v1/keys/verify` reads: the path, and the key unless it is in a header.
#[derive(Debug, Deserialize)]
pub struct VerifyBody {
    pub path: String,
    #[serde(default)]
    pub key: Option<String>,
}

#[derive(Debug, Serialize)]
struct Named {
    id: String,
    name: String,
}

/// The JSON answer: `allowed` as the status says; for a live key, what it grants.
#[derive(Debug, Serialize)]
struct Verdict {
    allowed: bool,
    /// "gateway_token", "unknown_key" or "not_covered" when not allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    app: Option<Named>,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization: Option<Named>,
    #[serde(skip_serializing_if = "Option::is_none")]
    plan: Option<Named>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rate_limit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    quota: Option<String>,
    /// Milliseconds since the epoch; absent for a key that never expires.
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<i64>,
}

impl Verdict {
    fn refused(error: &'static str) -> Self {
        Self {
            allowed: false,
            error: Some(error),
            app: None,
            organization: None,
            plan: None,
            rate_limit: None,
            quota: None,
            expires_at: None,
        }
    }

    fn of(grant: &KeyGrant, allowed: bool) -> Self {
        Self {
            allowed,
            error: (!allowed).then_some("not_covered"),
            app: Some(Named {
                id: grant.app_id.clone(),
                name: grant.app_name.clone(),
            }),
            organization: Some(Named {
                id: grant.organization_id.clone(),
                name: grant.organization_name.clone(),
            }),
            plan: Some(Named {
                id: grant.plan_id.clone(),
                name: grant.plan_name.clone(),
            }),
            rate_limit: Some(rate_header(grant)),
            quota: Some(quota_header(grant)),
            expires_at: grant.expires_at,
        }
    }
}

/// `POST /gateway/v1/keys/verify`: the same check, answered as JSON with the same statuses.
pub async fn verify(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<VerifyBody>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(body)) = body else {
        return (
            StatusCode::BAD_REQUEST,
            "Send JSON: {\"path\": \"/payments/v1/charges\", \"key\": \"ptc_…\"}.",
        )
            .into_response();
    };
    let key = body.key.as_deref().or_else(|| key_of(&headers));
    let decision = match check(
        &state,
        header_text(&headers, GATEWAY_TOKEN),
        key,
        &body.path,
    )
    .await
    {
        Ok(decision) => decision,
        Err(e) => return failed(e),
    };
    let (status, verdict) = match decision {
        Decision::BadGatewayToken => (StatusCode::UNAUTHORIZED, Verdict::refused("gateway_token")),
        Decision::UnknownKey => (StatusCode::UNAUTHORIZED, Verdict::refused("unknown_key")),
        Decision::NotCovered(grant) => (StatusCode::FORBIDDEN, Verdict::of(&grant, false)),
        Decision::Allowed(grant) => (StatusCode::OK, Verdict::of(&grant, true)),
    };
    (status, Json(verdict)).into_response()
}
