//! Settings > General: the invitation lifetime and registration.

use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::http::{require_admin, with_status};
#[cfg(feature = "ssr")]
use crate::backend::AppState;

/// The invitation lifetime in days.
#[server(prefix = "/api", endpoint = "invitation_lifetime")]
pub async fn invitation_lifetime() -> Result<i64, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        crate::backend::invitations::lifetime_days(&state).await
    }
    .await
    .map_err(with_status)
}

/// Sets the lifetime of invitations sent from now on (1 to 90 days).
#[server(prefix = "/api", endpoint = "set_invitation_lifetime")]
pub async fn set_invitation_lifetime(days: String) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        let days = days
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|d| (1..=90).contains(d))
            .ok_or_else(|| {
                AppError::validation("days", "Enter a whole number of days from 1 to 90.")
            })?;
        state
            .store
            .set_setting(
                crate::backend::invitations::LIFETIME_SETTING,
                &days.to_string(),
                state.by(&admin.id),
            )
            .await?;
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// Settings > General: "Allow registration", "Auto-approve API consumers registering to the
/// portal", and the two settings of organization requests.
#[server(prefix = "/api", endpoint = "registration_settings")]
pub async fn registration_settings()
-> Result<crate::domain::account::RegistrationSettings, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        crate::backend::self_service::registration_settings(&state).await
    }
    .await
    .map_err(with_status)
}

/// Saves the registration settings; an unticked box is simply absent from the form.
#[server(prefix = "/api", endpoint = "set_registration_settings")]
pub async fn set_registration_settings(
    allow_registration: Option<String>,
    auto_approve: Option<String>,
    organization_requests: Option<String>,
    auto_approve_organizations: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::self_service::{
        ALLOW_REGISTRATION, AUTO_APPROVE, AUTO_APPROVE_ORGANIZATIONS, ORGANIZATION_REQUESTS,
    };
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        let by = state.by(&admin.id);
        let flag = |v: &Option<String>| if v.is_some() { "1" } else { "0" };
        for (key, value) in [
            (ALLOW_REGISTRATION, &allow_registration),
            (AUTO_APPROVE, &auto_approve),
            (ORGANIZATION_REQUESTS, &organization_requests),
            (AUTO_APPROVE_ORGANIZATIONS, &auto_approve_organizations),
        ] {
            state.store.set_setting(key, flag(value), by).await?;
        }
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// Settings > General > Security: idle timeouts and how long delivered emails are kept.
#[server(prefix = "/api", endpoint = "security_settings")]
pub async fn security_settings() -> Result<crate::domain::security::SecuritySettings, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        crate::backend::settings::security(&state).await
    }
    .await
    .map_err(with_status)
}

/// Saves the security settings; only a super admin may, since they bound every admin's session.
#[server(prefix = "/api", endpoint = "set_security_settings")]
pub async fn set_security_settings(
    admin_idle_minutes: String,
    consumer_idle_days: String,
    outbox_retention_days: String,
) -> Result<(), AppError> {
    use crate::domain::security::SecuritySettings;
    async {
        let admin = crate::api::http::require_super_admin().await?;
        let state = AppState::from_context()?;
        let settings = SecuritySettings::parse(
            &admin_idle_minutes,
            &consumer_idle_days,
            &outbox_retention_days,
        )?;
        crate::backend::settings::save(&state, &settings, &admin.id).await
    }
    .await
    .map_err(with_status)
}
