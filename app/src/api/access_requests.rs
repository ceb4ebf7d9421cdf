//! The admin side of SPEC §10: "Access requests" (approve, reject), "Apps" (every app, reassign,
//! revoke) and Settings > Gateways (gateway tokens).

use crate::domain::apps::{
    AccessRequest, AppSummary, GatewayTokenRow, NewGatewayToken, RequestFilter,
};
use crate::domain::catalog::Named;
use crate::domain::user::Choice;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::api::http::{require_admin, with_status};
#[cfg(feature = "ssr")]
use crate::backend::{AppState, apps};

/// "Access requests" with what its filters offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRequestsView {
    pub requests: Vec<AccessRequest>,
    pub products: Vec<Named>,
    pub plans: Vec<Named>,
    pub organizations: Vec<Choice>,
}

/// "Access requests": pending first, filtered by status, product, plan and organization.
#[server(prefix = "/api", endpoint = "access_requests")]
pub async fn access_requests(
    #[server(default)] filter: RequestFilter,
) -> Result<AccessRequestsView, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        let (products, plans) = state.store.product_and_plan_choices().await?;
        Ok(AccessRequestsView {
            requests: apps::requests(&state, &filter).await?,
            products,
            plans,
            organizations: state.store.organization_choices().await?,
        })
    }
    .await
    .map_err(with_status)
}

/// "Approve", with an optional reason; the requester is emailed.
#[server(prefix = "/api", endpoint = "approve_access_request")]
pub async fn approve_access_request(
    id: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        apps::decide(&state, &id, true, &reason, state.by(&admin.id)).await
    }
    .await
    .map_err(with_status)
}

/// "Reject", with an optional reason; the requester is emailed.
#[server(prefix = "/api", endpoint = "reject_access_request")]
pub async fn reject_access_request(
    id: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        apps::decide(&state, &id, false, &reason, state.by(&admin.id)).await
    }
    .await
    .map_err(with_status)
}

/// "Apps": every app, or those of one user (`owner`, an id).
#[server(prefix = "/api", endpoint = "all_apps")]
pub async fn all_apps(#[server(default)] owner: String) -> Result<Vec<AppSummary>, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        let owner = owner.trim();
        apps::all_apps(&state, (!owner.is_empty()).then_some(owner)).await
    }
    .await
    .map_err(with_status)
}

/// "Reassign": the app goes to the consumer with this email; its keys are revoked.
#[server(prefix = "/api", endpoint = "reassign_app")]
pub async fn reassign_app(id: String, owner: String) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        apps::reassign_app(&state, &id, &owner, state.by(&admin.id)).await
    }
    .await
    .map_err(with_status)
}

/// Settings > Gateways: the tokens, and one just added by a form posted without JavaScript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewaysView {
    pub tokens: Vec<GatewayTokenRow>,
    pub shown: Option<String>,
}

#[cfg(feature = "ssr")]
const TOKEN_COOKIE: &str = "portico_gateway_token";
#[cfg(feature = "ssr")]
const TOKEN_PATH: &str = "/admin/settings/gateways";

/// Settings > Gateways.
#[server(prefix = "/api", endpoint = "gateway_tokens")]
pub async fn gateway_tokens() -> Result<GatewaysView, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        Ok(GatewaysView {
            tokens: apps::gateway_tokens(&state).await?,
            shown: crate::api::http::take_flash(TOKEN_COOKIE, TOKEN_PATH)?,
        })
    }
    .await
    .map_err(with_status)
}

/// "Add gateway token": answered once, stored hashed.
#[server(prefix = "/api", endpoint = "add_gateway_token")]
pub async fn add_gateway_token(name: String) -> Result<NewGatewayToken, AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        let added = apps::add_gateway_token(&state, &name, &admin.id).await?;
        crate::api::http::flash(TOKEN_COOKIE, TOKEN_PATH, &added.token)?;
        Ok(added)
    }
    .await
    .map_err(with_status)
}

/// "Revoke" a gateway token: gateways using it are refused at once.
#[server(prefix = "/api", endpoint = "revoke_gateway_token")]
pub async fn revoke_gateway_token(id: String) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        apps::revoke_gateway_token(&state, &id, &admin.id).await
    }
    .await
    .map_err(with_status)
}
