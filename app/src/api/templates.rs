//! Settings > Email > Templates: the emails' subjects and bodies, with preview and test send.

use crate::domain::email_template::{TemplateSummary, TemplateView};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::http::{require_admin, with_status};
#[cfg(feature = "ssr")]
use crate::backend::AppState;

/// Every template, and whether an admin edited it.
#[server(prefix = "/api", endpoint = "email_templates")]
pub async fn email_templates() -> Result<Vec<TemplateSummary>, AppError> {
    use crate::backend::mail::{DEFAULTS, load};
    use crate::domain::email_template::template_info;
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        let mut list = Vec::new();
        for default in DEFAULTS {
            let current = load(&state, default).await?;
            list.push(TemplateSummary {
                kind: default.kind.to_owned(),
                name: template_info(default.kind)
                    .map(|(name, _)| name.to_owned())
                    .unwrap_or_else(|| default.kind.to_owned()),
                edited: current.edited,
            });
        }
        Ok(list)
    }
    .await
    .map_err(with_status)
}

/// One template as it is used now, with a preview from sample values.
#[server(prefix = "/api", endpoint = "email_template")]
pub async fn email_template(kind: String) -> Result<TemplateView, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        crate::backend::templates::view(&state, &kind).await
    }
    .await
    .map_err(with_status)
}

/// Saves an edited template; emails composed from now on use it. Only a super admin edits
/// templates: a template decides where every future link goes.
#[server(prefix = "/api", endpoint = "save_email_template")]
pub async fn save_email_template(
    kind: String,
    subject: String,
    text_body: String,
    html_body: String,
) -> Result<(), AppError> {
    async {
        let admin = crate::api::http::require_super_admin().await?;
        let state = AppState::from_context()?;
        crate::backend::templates::save(&state, &kind, &subject, &text_body, &html_body, &admin.id)
            .await?;
        leptos_axum::redirect(&format!(
            "/admin/settings/email/templates?kind={kind}&saved=1"
        ));
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// Goes back to the template shipped with Portico (super admins only, as editing).
#[server(prefix = "/api", endpoint = "reset_email_template")]
pub async fn reset_email_template(kind: String) -> Result<(), AppError> {
    async {
        let admin = crate::api::http::require_super_admin().await?;
        let state = AppState::from_context()?;
        crate::backend::mail::default_template(&kind).ok_or(AppError::NotFound)?;
        state
            .store
            .reset_email_template(&kind, state.by(&admin.id))
            .await?;
        leptos_axum::redirect(&format!(
            "/admin/settings/email/templates?kind={kind}&reset=1"
        ));
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// Sends the template, filled with sample values, to the signed-in admin.
#[server(prefix = "/api", endpoint = "send_test_email")]
pub async fn send_test_email(kind: String) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        crate::backend::templates::send_test(&state, &kind, &admin.email).await?;
        leptos_axum::redirect(&format!(
            "/admin/settings/email/templates?kind={kind}&tested=1"
        ));
        Ok(())
    }
    .await
    .map_err(with_status)
}
