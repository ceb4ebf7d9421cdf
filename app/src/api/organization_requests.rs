//! Organization requests: a consumer's "Create an organization" on My dashboard, and an admin's
//! "Approve" and "Reject" on Organizations (SPEC §8.3).

use crate::domain::organization_request::{OrganizationOffer, PendingRequest, RequestOutcome};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::http::{require_admin, require_user, with_status};
#[cfg(feature = "ssr")]
use crate::backend::{AppState, organization_requests};

/// What My dashboard offers the signed-in consumer about organizations.
#[server(prefix = "/api", endpoint = "my_organization")]
pub async fn my_organization() -> Result<OrganizationOffer, AppError> {
    async {
        let viewer = require_user().await?;
        let state = AppState::from_context()?;
        organization_requests::offer(&state, &viewer).await
    }
    .await
    .map_err(with_status)
}

/// "Create organization": pending review, or with auto-approve the organization at once.
#[server(prefix = "/api", endpoint = "request_organization")]
pub async fn request_organization(name: String) -> Result<RequestOutcome, AppError> {
    async {
        let viewer = require_user().await?;
        let state = AppState::from_context()?;
        let outcome = organization_requests::request(&state, &viewer, &name)
            .await
            .map_err(|e| match e {
                AppError::Validation { errors, .. } => AppError::Validation {
                    errors,
                    values: vec![("name".into(), name.clone())],
                },
                other => other,
            })?;
        leptos_axum::redirect(match outcome {
            RequestOutcome::Pending => "/dashboard?requested=1",
            RequestOutcome::Created { .. } => "/dashboard?created=1",
        });
        Ok(outcome)
    }
    .await
    .map_err(with_status)
}

/// The pending organization requests, for Organizations.
#[server(prefix = "/api", endpoint = "organization_requests")]
pub async fn organization_requests() -> Result<Vec<PendingRequest>, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        organization_requests::pending(&state).await
    }
    .await
    .map_err(with_status)
}

/// "Approve", with the name possibly changed; answers the new organization's id.
#[server(prefix = "/api", endpoint = "approve_organization_request")]
pub async fn approve_organization_request(id: String, name: String) -> Result<String, AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        let organization =
            organization_requests::approve(&state, &id, Some(&name), state.by(&admin.id)).await?;
        leptos_axum::redirect("/admin/organizations?approved=1");
        Ok(organization)
    }
    .await
    .map_err(with_status)
}

/// "Reject", with an optional reason.
#[server(prefix = "/api", endpoint = "reject_organization_request")]
pub async fn reject_organization_request(
    id: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        organization_requests::reject(&state, &id, &reason, state.by(&admin.id)).await?;
        leptos_axum::redirect("/admin/organizations?rejected=1");
        Ok(())
    }
    .await
    .map_err(with_status)
}
