//! Apps, access requests and API keys (SPEC §10) between the server functions and the store: who
//! may do what, forms checked, the store's refusals turned into field messages, keys made and
//! emails composed. The consumer's and the admin's server functions call these (and so will the
//! REST API), so each rule is written once.

use super::AppState;
use super::catalog::{echo, viewer_of};
use super::db::{AppChoice, By, NewRequest, Person, StoreError};
use super::gateway::{new_gateway_token, new_key};
use super::mail::{ACCESS_APPROVED, ACCESS_REJECTED, ACCESS_REQUESTED, load};
use super::paging::{Page, after, page};
use super::self_service::email_to;
use crate::domain::apps::{
    ALREADY_REQUESTED, AccessRequest, AppForm, AppPage, AppSummary, DUPLICATE_APP, GatewayTokenRow,
    Grace, NO_SUCH_APP, NO_SUCH_PLAN, NewGatewayToken, REASON_MAX_CHARS, RequestFilter,
    RequestForm, ShownKey, Submitted,
};
use crate::domain::{CurrentUser, GroupName};
use crate::error::AppError;

/// Apps are a consumer's: admins see them under "Apps" instead.
fn consumer(viewer: &CurrentUser) -> Result<&str, AppError> {
    if viewer.role.is_admin() {
        Err(AppError::Forbidden)
    } else {
        Ok(&viewer.id)
    }
}

/// The owner filter for a change: a consumer changes only their own apps, an admin any.
fn owner_of(viewer: &CurrentUser) -> Option<&str> {
    (!viewer.role.is_admin()).then_some(viewer.id.as_str())
}

fn app_taken(error: StoreError, field: &str, values: Vec<(String, String)>) -> AppError {
    match error {
        StoreError::Unique { constraint } if constraint.contains("access_requests") => {
            echo(AppError::validation("plan", ALREADY_REQUESTED), values)
        }
        StoreError::Unique { .. } => echo(AppError::validation(field, DUPLICATE_APP), values),
        other => other.into(),
    }
}

/// "My apps".
pub async fn my_apps(state: &AppState, viewer: &CurrentUser) -> Result<Vec<AppSummary>, AppError> {
    Ok(state.store.apps_for(consumer(viewer)?).await?)
}

/// "Apps" for admins: every app, or those of one user.
pub async fn all_apps(
    state: &AppState,
    owner_id: Option<&str>,
) -> Result<Vec<AppSummary>, AppError> {
    Ok(state.store.all_apps(owner_id).await?)
}

/// A page of `limit` apps for admins (every app, or `owner_id`'s when not empty), by name, after
/// `cursor` (empty: the first page).
pub async fn all_apps_page(
    state: &AppState,
    owner_id: &str,
    cursor: &str,
    limit: i64,
) -> Result<Page<AppSummary>, AppError> {
    let after = after(cursor, 2)?;
    let rows = state
        .store
        .app_page_rows(owner_id, after.as_deref(), limit + 1)
        .await?;
    Ok(page(rows, limit))
}

/// "Create app"; answers its id.
pub async fn create_app(
    state: &AppState,
    viewer: &CurrentUser,
    form: &AppForm,
) -> Result<String, AppError> {
    let owner = consumer(viewer)?;
    let valid = form.validate().map_err(|e| echo(e, form.values()))?;
    state
        .store
        .create_app(&valid, state.by(owner))
        .await
        .map_err(|e| app_taken(e, "name", form.values()))
}

/// "Edit" an app: its owner, or an admin.
pub async fn update_app(
    state: &AppState,
    viewer: &CurrentUser,
    id: &str,
    form: &AppForm,
) -> Result<(), AppError> {
    let valid = form.validate().map_err(|e| echo(e, form.values()))?;
    state
        .store
        .update_app(id, owner_of(viewer), &valid, state.by(&viewer.id))
        .await
        .map_err(|e| app_taken(e, "name", form.values()))
}

/// "Delete" an app with its requests and keys: its owner, or an admin.
pub async fn delete_app(state: &AppState, viewer: &CurrentUser, id: &str) -> Result<(), AppError> {
    Ok(state
        .store
        .delete_app(id, owner_of(viewer), state.by(&viewer.id))
        .await?)
}

/// "Reassign" (admins): the app goes to another consumer, chosen by email.
pub async fn reassign_app(
    state: &AppState,
    id: &str,
    owner_email: &str,
    by: By<'_>,
) -> Result<(), AppError> {
    let not_found = || AppError::validation("owner", "No consumer has this email address.");
    let owner = state
        .store
        .consumer_by_email(owner_email.trim())
        .await?
        .ok_or_else(not_found)?;
    state
        .store
        .reassign_app(id, &owner, by)
        .await
        .map_err(|e| match e {
            StoreError::ForeignKey => not_found(),
            StoreError::Unique { .. } => AppError::validation(
                "owner",
                "This consumer already has an app with this name: rename one of them first.",
            ),
            other => other.into(),
        })
}

/// An app's page, for whoever may see the app (an admin: any app); `NotFound` otherwise.
pub async fn app_page(
    state: &AppState,
    viewer: &CurrentUser,
    id: &str,
) -> Result<AppPage, AppError> {
    state
        .store
        .app_page(id, owner_of(viewer))
        .await?
        .ok_or(AppError::NotFound)
}

/// "Submit request": for a product the viewer sees (by the catalog's one rule; otherwise
/// `NotFound`, as for a product that does not exist), a plan offered to them for it, and one of
/// their apps or a new one.
pub async fn submit(
    state: &AppState,
    viewer: &CurrentUser,
    form: &RequestForm,
) -> Result<Submitted, AppError> {
    let requester = consumer(viewer)?;
    let values = form.values();
    let (product, plans) = state
        .store
        .catalog_product(viewer_of(Some(viewer)), form.product.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    let comment = form.comment().map_err(|e| echo(e, values.clone()))?;
    // A plan that is not offered to this viewer is answered as one that does not exist.
    let Some(plan) = plans.iter().find(|p| p.id == form.plan.trim()) else {
        return Err(echo(AppError::validation("plan", NO_SUCH_PLAN), values));
    };
    let new_app;
    let app = match form.app.trim() {
        "" => {
            new_app = AppForm {
                name: form.new_app.clone(),
                ..AppForm::default()
            }
            .validate()
            .map_err(|e| match e {
                AppError::Validation { errors, .. } => AppError::Validation {
                    errors: errors
                        .into_iter()
                        .map(|mut m| {
                            m.field = "new_app".into();
                            m
                        })
                        .collect(),
                    values: values.clone(),
                },
                other => other,
            })?;
            AppChoice::New(&new_app)
        }
        id => AppChoice::Existing(id),
    };
    let app_name = match &app {
        AppChoice::New(valid) => valid.name.clone(),
        AppChoice::Existing(id) => state
            .store
            .own_app_name(id, requester)
            .await?
            .ok_or_else(|| echo(AppError::validation("app", NO_SUCH_APP), values.clone()))?,
    };
    let person = Person::of(viewer);
    let requests_url = state.config.link("/admin/access-requests");
    let notice = email_to(
        state,
        &load(state, &ACCESS_REQUESTED).await?,
        &person,
        &[
            ("app.name", app_name.as_str()),
            ("product.name", product.display_name.as_str()),
            ("plan.name", plan.display_name.as_str()),
            ("comment", comment.as_str()),
            ("requests_url", &requests_url),
        ],
        None,
    );
    state
        .store
        .submit_request(
            &NewRequest {
                app,
                product_id: &product.id,
                plan_id: &plan.id,
                comment: &comment,
                auto_approve: plan.terms.auto_approve,
            },
            &notice,
            state.by(requester),
        )
        .await
        .map_err(|e| match e {
            StoreError::NotFound => echo(AppError::validation("app", NO_SUCH_APP), values.clone()),
            other => app_taken(other, "new_app", values.clone()),
        })
}

/// "Access requests", filtered.
pub async fn requests(
    state: &AppState,
    filter: &RequestFilter,
) -> Result<Vec<AccessRequest>, AppError> {
    Ok(state.store.access_requests(filter).await?)
}

/// A page of `limit` "Access requests" (pending first, then newest), filtered, after `cursor`
/// (empty: the first page).
pub async fn request_page(
    state: &AppState,
    filter: &RequestFilter,
    cursor: &str,
    limit: i64,
) -> Result<Page<AccessRequest>, AppError> {
    let after = after(cursor, 3)?;
    let rows = state
        .store
        .access_request_page(filter, after.as_deref(), limit + 1)
        .await?;
    Ok(page(rows, limit))
}

/// "Approve" or "Reject" with an optional reason; the requester is emailed either way.
pub async fn decide(
    state: &AppState,
    id: &str,
    approve: bool,
    reason: &str,
    by: By<'_>,
) -> Result<(), AppError> {
    let reason = reason.trim();
    if reason.chars().count() > REASON_MAX_CHARS {
        return Err(AppError::validation(
            "reason",
            format!("At most {REASON_MAX_CHARS} characters."),
        ));
    }
    let request = state.store.access_to_decide(id).await?;
    let app_url = state
        .config
        .link(&format!("/dashboard/apps/{}", request.app_id));
    let template = load(
        state,
        if approve {
            &ACCESS_APPROVED
        } else {
            &ACCESS_REJECTED
        },
    )
    .await?;
    let email = request.requester.as_ref().map(|person| {
        email_to(
            state,
            &template,
            person,
            &[
                ("app.name", request.app_name.as_str()),
                ("product.name", request.product_display_name.as_str()),
                ("plan.name", request.plan_display_name.as_str()),
                ("app_url", &app_url),
                ("reason", reason),
            ],
            None,
        )
    });
    Ok(state
        .store
        .decide_request(id, approve, reason, email.as_ref(), by)
        .await?)
}

/// "Show key": the key of an approved access, made now and shown this once.
pub async fn show_key(
    state: &AppState,
    viewer: &CurrentUser,
    request_id: &str,
) -> Result<ShownKey, AppError> {
    let owner = consumer(viewer)?;
    let (hash, prefix, key) = new_key();
    let expires_at = state
        .store
        .issue_key(request_id, owner, &hash, &prefix, state.clock.now())
        .await?;
    Ok(ShownKey {
        request_id: request_id.to_owned(),
        key,
        expires_at,
    })
}

/// "Rotate": a new key, shown once; the old one works for the grace period chosen.
pub async fn rotate_key(
    state: &AppState,
    viewer: &CurrentUser,
    request_id: &str,
    grace: &str,
) -> Result<ShownKey, AppError> {
    let owner = consumer(viewer)?;
    let grace = Grace::parse(grace.trim())
        .ok_or_else(|| AppError::validation("grace", "Choose none, 1 hour or 24 hours."))?;
    let (hash, prefix, key) = new_key();
    let expires_at = state
        .store
        .rotate_key(
            request_id,
            Some(owner),
            &hash,
            &prefix,
            grace.millis(),
            state.by(owner),
        )
        .await?;
    Ok(ShownKey {
        request_id: request_id.to_owned(),
        key,
        expires_at,
    })
}

/// "Revoke" an access and its keys: the app's owner, or an admin (`by` names `viewer`).
pub async fn revoke_access(
    state: &AppState,
    viewer: &CurrentUser,
    request_id: &str,
    by: By<'_>,
) -> Result<(), AppError> {
    Ok(state
        .store
        .revoke_access(request_id, owner_of(viewer), by)
        .await?)
}

/// Settings > Gateways.
pub async fn gateway_tokens(state: &AppState) -> Result<Vec<GatewayTokenRow>, AppError> {
    Ok(state.store.gateway_tokens().await?)
}

/// "Add gateway token": shown once, stored hashed.
pub async fn add_gateway_token(
    state: &AppState,
    name: &str,
    actor_id: &str,
) -> Result<NewGatewayToken, AppError> {
    let name = GroupName::parse(name).map_err(|e| {
        echo(
            AppError::validation("name", e.to_string()),
            vec![("name".into(), name.to_owned())],
        )
    })?;
    let (hash, prefix, token) = new_gateway_token();
    let id = state
        .store
        .create_gateway_token(name.as_str(), &hash, &prefix, state.by(actor_id))
        .await?;
    Ok(NewGatewayToken { id, token })
}

pub async fn revoke_gateway_token(
    state: &AppState,
    id: &str,
    actor_id: &str,
) -> Result<(), AppError> {
    Ok(state
        .store
        .revoke_gateway_token(id, state.by(actor_id))
        .await?)
}
