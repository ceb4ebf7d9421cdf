//! Apps, access requests and API keys on the consumer's side (SPEC §10): "My apps", an app's
//! page, "Request access" on a product page, and its key's "Show key", "Rotate" and "Revoke".

use crate::domain::apps::{AppForm, AppPage, AppSummary, RequestForm, ShownKey, Submitted};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::http::{require_user, with_status};
#[cfg(feature = "ssr")]
use crate::backend::{AppState, apps};

/// "My apps": the apps the signed-in consumer may see.
#[server(prefix = "/api", endpoint = "my_apps")]
pub async fn my_apps() -> Result<Vec<AppSummary>, AppError> {
    async {
        let viewer = require_user().await?;
        let state = AppState::from_context()?;
        apps::my_apps(&state, &viewer).await
    }
    .await
    .map_err(with_status)
}

/// Who is looking at a product page's "Request access", and for a consumer their own apps. Open
/// to anyone and never an error for a stranger: the product page renders it and must keep its
/// own status (200 or 404).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AccessOffer {
    /// Not signed in: "Log in to request access".
    Anonymous,
    /// Admins decide requests; they make none.
    Admin,
    /// A consumer, with the apps they own.
    Consumer(Vec<AppSummary>),
}

#[server(prefix = "/api", endpoint = "request_offer")]
pub async fn request_offer() -> Result<AccessOffer, AppError> {
    async {
        let Some(viewer) = crate::api::catalog::catalog_viewer().await? else {
            return Ok(AccessOffer::Anonymous);
        };
        if viewer.role.is_admin() {
            return Ok(AccessOffer::Admin);
        }
        let state = AppState::from_context()?;
        let mut apps = apps::my_apps(&state, &viewer).await?;
        apps.retain(|a| a.mine);
        Ok(AccessOffer::Consumer(apps))
    }
    .await
    .map_err(with_status)
}

/// "Create app"; answers its id and opens its page.
#[server(prefix = "/api", endpoint = "create_app")]
pub async fn create_app(form: AppForm) -> Result<String, AppError> {
    async {
        let viewer = require_user().await?;
        let state = AppState::from_context()?;
        let id = apps::create_app(&state, &viewer, &form).await?;
        leptos_axum::redirect(&format!("/dashboard/apps/{id}?created=1"));
        Ok(id)
    }
    .await
    .map_err(with_status)
}

/// "Save" on an app's edit form (its owner, or an admin).
#[server(prefix = "/api", endpoint = "update_app")]
pub async fn update_app(id: String, form: AppForm) -> Result<(), AppError> {
    async {
        let viewer = require_user().await?;
        let state = AppState::from_context()?;
        apps::update_app(&state, &viewer, &id, &form).await?;
        leptos_axum::redirect(&format!("{}?saved=1", app_path(&viewer, &id)));
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// "Delete" an app (its owner, or an admin): its requests go and its keys stop working.
#[server(prefix = "/api", endpoint = "delete_app")]
pub async fn delete_app(id: String) -> Result<(), AppError> {
    async {
        let viewer = require_user().await?;
        let state = AppState::from_context()?;
        apps::delete_app(&state, &viewer, &id).await?;
        leptos_axum::redirect(if viewer.role.is_admin() {
            "/admin/apps?deleted=1"
        } else {
            "/dashboard/apps?deleted=1"
        });
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// An app's page, for whoever may see the app; 404 otherwise.
#[server(prefix = "/api", endpoint = "view_app")]
pub async fn view_app(id: String) -> Result<AppPage, AppError> {
    async {
        let viewer = require_user().await?;
        let state = AppState::from_context()?;
        let mut page = apps::app_page(&state, &viewer, &id).await?;
        if page.app.mine {
            page.shown = take_flashed_key(&page)?;
        }
        Ok(page)
    }
    .await
    .map_err(with_status)
}

/// "Submit request" on a product page; opens the app's page.
#[server(prefix = "/api", endpoint = "request_access")]
pub async fn request_access(form: RequestForm) -> Result<Submitted, AppError> {
    async {
        let viewer = require_user().await?;
        let state = AppState::from_context()?;
        let submitted = apps::submit(&state, &viewer, &form).await?;
        leptos_axum::redirect(&format!(
            "/dashboard/apps/{}?{}=1",
            submitted.app_id,
            if submitted.approved {
                "approved"
            } else {
                "requested"
            }
        ));
        Ok(submitted)
    }
    .await
    .map_err(with_status)
}

/// "Show key": the key of an approved access, shown this once.
#[server(prefix = "/api", endpoint = "show_key")]
pub async fn show_key(id: String) -> Result<ShownKey, AppError> {
    async {
        let viewer = require_user().await?;
        let state = AppState::from_context()?;
        let shown = apps::show_key(&state, &viewer, &id).await?;
        flash_key(&shown)?;
        Ok(shown)
    }
    .await
    .map_err(with_status)
}

/// "Rotate": a new key, shown once; the old one keeps working for the grace period chosen.
#[server(prefix = "/api", endpoint = "rotate_key")]
pub async fn rotate_key(
    id: String,
    #[server(default)] grace: String,
) -> Result<ShownKey, AppError> {
    async {
        let viewer = require_user().await?;
        let state = AppState::from_context()?;
        let shown = apps::rotate_key(&state, &viewer, &id, &grace).await?;
        flash_key(&shown)?;
        Ok(shown)
    }
    .await
    .map_err(with_status)
}

/// "Revoke" an access: its key stops working at once (every instance within a second).
#[server(prefix = "/api", endpoint = "revoke_access")]
pub async fn revoke_access(id: String) -> Result<(), AppError> {
    async {
        let viewer = require_user().await?;
        let state = AppState::from_context()?;
        apps::revoke_access(&state, &viewer, &id, state.by(&viewer.id)).await?;
        Ok(())
    }
    .await
    .map_err(with_status)
}

#[cfg(feature = "ssr")]
fn app_path(viewer: &crate::domain::CurrentUser, id: &str) -> String {
    if viewer.role.is_admin() {
        format!("/admin/apps/{id}")
    } else {
        format!("/dashboard/apps/{id}")
    }
}

/// The cookie that carries a key shown to a form posted without JavaScript (`http::flash`).
#[cfg(feature = "ssr")]
const KEY_COOKIE: &str = "portico_shown_key";
#[cfg(feature = "ssr")]
const KEY_PATH: &str = "/dashboard/apps";

#[cfg(feature = "ssr")]
fn flash_key(shown: &ShownKey) -> Result<(), AppError> {
    crate::api::http::flash(
        KEY_COOKIE,
        KEY_PATH,
        &format!("{}.{}", shown.request_id, shown.key),
    )
}

/// The key flashed for one of `page`'s accesses.
#[cfg(feature = "ssr")]
fn take_flashed_key(page: &AppPage) -> Result<Option<ShownKey>, AppError> {
    let Some(value) = crate::api::http::take_flash(KEY_COOKIE, KEY_PATH)? else {
        return Ok(None);
    };
    Ok(value.split_once('.').and_then(|(request_id, key)| {
        page.requests
            .iter()
            .find(|r| r.id == request_id)
            .map(|r| ShownKey {
                request_id: r.id.clone(),
                key: key.to_owned(),
                expires_at: r.expires_at,
            })
    }))
}
