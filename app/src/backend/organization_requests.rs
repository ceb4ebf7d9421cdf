//! Organization requests (SPEC §8.3) as consumers make them and admins decide them: the
//! settings, the names checked, the emails composed, and the store's refusals turned into
//! messages. The dashboard's and the admin pages' server functions call these (and so will the
//! REST API), so each rule is written once.

use super::AppState;
use super::db::{By, Person, StoreError};
use super::mail::{ORGANIZATION_APPROVED, ORGANIZATION_REJECTED, ORGANIZATION_REQUESTED, load};
use super::self_service::{email_to, registration_settings};
use crate::domain::organization::DUPLICATE_ORGANIZATION;
use crate::domain::organization_request::{
    ALREADY_PENDING, OrganizationOffer, PENDING_NAME, PendingRequest, RequestOutcome, RequestStatus,
};
use crate::domain::{CurrentUser, GroupName};
use crate::error::AppError;

/// The longest reason a rejection keeps.
pub const REASON_MAX_CHARS: usize = 1000;

fn organization_name(name: &str) -> Result<GroupName, AppError> {
    GroupName::parse_organization(name).map_err(|e| AppError::validation("name", e.to_string()))
}

/// A name the store refused as taken: by an organization, or by another pending request.
fn taken(error: StoreError) -> AppError {
    match error {
        StoreError::Unique { constraint } if constraint.contains("requester") => {
            AppError::Conflict {
                message: ALREADY_PENDING.into(),
            }
        }
        StoreError::Unique { constraint } if constraint.contains("one_per_name") => {
            AppError::validation("name", PENDING_NAME)
        }
        StoreError::Unique { .. } => AppError::validation("name", DUPLICATE_ORGANIZATION),
        other => other.into(),
    }
}

/// What "My dashboard" offers `viewer` about organizations: "Create an organization" when the
/// setting is on and they are a consumer of the default organization without a pending
/// request, and their latest request. Admins are refused.
pub async fn offer(state: &AppState, viewer: &CurrentUser) -> Result<OrganizationOffer, AppError> {
    if viewer.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    let enabled = registration_settings(state).await?.organization_requests;
    let in_default = state
        .store
        .consumer_scope(&viewer.id)
        .await?
        .is_some_and(|scope| !scope.in_company());
    // Once in a company, an old request is history: nothing is shown of it.
    let latest = if in_default {
        state.store.own_organization_request(&viewer.id).await?
    } else {
        None
    };
    let pending = latest
        .as_ref()
        .is_some_and(|r| r.status == RequestStatus::Pending);
    Ok(OrganizationOffer {
        may_request: enabled && in_default && !pending,
        latest,
    })
}

/// "Create organization": a request, pending or (with auto-approve) granted at once.
pub async fn request(
    state: &AppState,
    viewer: &CurrentUser,
    name: &str,
) -> Result<RequestOutcome, AppError> {
    let settings = registration_settings(state).await?;
    if viewer.role.is_admin() || !settings.organization_requests {
        return Err(AppError::Forbidden);
    }
    let name = organization_name(name)?;
    let person = Person::of(viewer);
    let organizations_url = state.config.link("/admin/organizations");
    let notice = email_to(
        state,
        &load(state, &ORGANIZATION_REQUESTED).await?,
        &person,
        &[
            ("organization.name", name.as_str()),
            ("organizations_url", &organizations_url),
        ],
        None,
    );
    state
        .store
        .request_organization(
            name.as_str(),
            settings.auto_approve_organizations,
            &notice,
            state.by(&viewer.id),
        )
        .await
        .map_err(taken)
}

/// The pending requests, for an admin.
pub async fn pending(state: &AppState) -> Result<Vec<PendingRequest>, AppError> {
    Ok(state.store.pending_organization_requests().await?)
}

/// "Approve", under `name` (the admin's change; `None`: the requested one); answers the new
/// organization's id.
pub async fn approve(
    state: &AppState,
    id: &str,
    name: Option<&str>,
    by: By<'_>,
) -> Result<String, AppError> {
    let request = state.store.request_to_decide(id).await?;
    let name = organization_name(name.unwrap_or(&request.name))?;
    let dashboard_url = state.config.link("/dashboard");
    let email = email_to(
        state,
        &load(state, &ORGANIZATION_APPROVED).await?,
        &request.requester,
        &[
            ("organization.name", name.as_str()),
            ("dashboard_url", &dashboard_url),
        ],
        None,
    );
    state
        .store
        .approve_organization_request(id, name.as_str(), &email, by)
        .await
        .map_err(|e| match e {
            StoreError::Unique { .. } => AppError::validation("name", DUPLICATE_ORGANIZATION),
            other => other.into(),
        })
}

/// "Reject", with an optional reason the requester reads.
pub async fn reject(state: &AppState, id: &str, reason: &str, by: By<'_>) -> Result<(), AppError> {
    let reason = reason.trim();
    if reason.chars().count() > REASON_MAX_CHARS {
        return Err(AppError::validation(
            "reason",
            format!("At most {REASON_MAX_CHARS} characters."),
        ));
    }
    let request = state.store.request_to_decide(id).await?;
    let email = email_to(
        state,
        &load(state, &ORGANIZATION_REJECTED).await?,
        &request.requester,
        &[
            ("organization.name", request.name.as_str()),
            ("reason", reason),
        ],
        None,
    );
    let reason = (!reason.is_empty()).then_some(reason);
    Ok(state
        .store
        .reject_organization_request(id, reason, &email, by)
        .await?)
}
