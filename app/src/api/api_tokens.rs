//! Settings > API tokens (SPEC §11): an admin's tokens for the REST API, added (shown once),
//! listed and revoked.

use crate::domain::api_token::{ApiTokenForm, ApiTokensView, NewApiToken};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::http::{require_admin, with_status};
#[cfg(feature = "ssr")]
use crate::backend::{AppState, api_tokens};

#[cfg(feature = "ssr")]
const TOKEN_COOKIE: &str = "portico_api_token";
/// The page the settings live on.
pub const TOKENS_PATH: &str = "/admin/settings/api-tokens";

/// Settings > API tokens: the viewer's tokens (a super admin sees everyone's).
#[server(prefix = "/api", endpoint = "api_tokens")]
pub async fn api_tokens() -> Result<ApiTokensView, AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        Ok(ApiTokensView {
            tokens: api_tokens::list(&state, &admin).await?,
            shown: crate::api::http::take_flash(TOKEN_COOKIE, TOKENS_PATH)?,
            everyone: admin.role == crate::domain::Role::SuperAdmin,
        })
    }
    .await
    .map_err(with_status)
}

/// "Add API token": acts as the signed-in admin; answered once, stored hashed.
#[server(prefix = "/api", endpoint = "add_api_token")]
pub async fn add_api_token(form: ApiTokenForm) -> Result<NewApiToken, AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        let added = api_tokens::add(&state, &admin, &form).await?;
        crate::api::http::flash(TOKEN_COOKIE, TOKENS_PATH, &added.token)?;
        Ok(added)
    }
    .await
    .map_err(with_status)
}

/// "Revoke" an API token: requests with it are refused at once.
#[server(prefix = "/api", endpoint = "revoke_api_token")]
pub async fn revoke_api_token(id: String) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        api_tokens::revoke(&state, &admin, &id).await
    }
    .await
    .map_err(with_status)
}

/// The REST API's reference for admins: `docs/openapi.json` (which a test keeps equal to the
/// served `/api/v1/openapi.json`) rendered by the same renderer as products' references.
#[server(prefix = "/api", endpoint = "rest_api_reference")]
pub async fn rest_api_reference() -> Result<String, AppError> {
    use std::sync::OnceLock;
    static RENDERED: OnceLock<Result<String, String>> = OnceLock::new();
    async {
        require_admin().await?;
        RENDERED
            .get_or_init(|| {
                crate::backend::openapi::render(include_str!("../../../docs/openapi.json"))
            })
            .clone()
            .map_err(|e| {
                tracing::error!(error = %e, "the REST API's own document did not render");
                AppError::Internal {
                    reference: "rest-reference".into(),
                }
            })
    }
    .await
    .map_err(with_status)
}
