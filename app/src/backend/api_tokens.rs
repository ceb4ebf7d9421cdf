//! API tokens (SPEC §11): the rules for adding, listing and revoking them, and the one check that
//! turns a token sent to the REST API into the admin it acts for.
//!
//! A token acts as its admin and never has more power: every REST handler applies the same role
//! checks as the server functions to that admin, and a read-only token may only read. It stops
//! when it is revoked or expires, when its admin is deactivated (which revokes it, in the store's
//! deactivation), and while its admin must change their password or is no longer an admin.

use super::AppState;
use super::auth::to_current_user;
use super::db::{By, NewApiToken as StoredToken};
use crate::domain::api_token::{
    API_TOKEN_PREFIX, ApiTokenForm, ApiTokenRow, NewApiToken, TokenAccess,
};
use crate::domain::{CurrentUser, Role};
use crate::error::AppError;

/// How often a token's "Last used" is written: at most once a minute, not on every request.
const USED_EVERY_MS: i64 = 60 * 1000;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Who is calling the REST API: a live token and the admin it acts as.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub admin: CurrentUser,
    pub token_id: String,
    pub token_name: String,
    pub access: TokenAccess,
}

impl ApiCaller {
    /// The audit's author of a change made with this token.
    pub fn by<'a>(&'a self, state: &AppState) -> By<'a> {
        By::token(&self.admin.id, &self.token_name, state.clock.now())
    }

    /// `Forbidden` for a read-only token: what every writing endpoint asks first.
    pub fn may_write(&self) -> Result<(), AppError> {
        match self.access {
            TokenAccess::Write => Ok(()),
            TokenAccess::Read => Err(AppError::Forbidden),
        }
    }
}

/// The caller behind `secret` (what followed `Bearer `), or `Unauthorized`: an unknown, revoked
/// or expired token, or one whose admin cannot sign in or is no longer an admin.
pub async fn authenticate(state: &AppState, secret: Option<&str>) -> Result<ApiCaller, AppError> {
    let refused = || AppError::unauthorized("Send a live API token: Authorization: Bearer pta_…");
    let secret = secret
        .filter(|s| s.starts_with(API_TOKEN_PREFIX) && s.len() < 200)
        .ok_or_else(refused)?;
    let holder = state
        .store
        .api_token_holder(
            &super::gateway::hash(secret),
            state.clock.now(),
            USED_EVERY_MS,
        )
        .await?
        .ok_or_else(refused)?;
    let admin = to_current_user(&holder.admin)?;
    if admin.must_change_password {
        return Err(refused());
    }
    Ok(ApiCaller {
        admin,
        token_id: holder.token_id,
        token_name: holder.token_name,
        access: holder.access,
    })
}

/// "Add API token": for the signed-in admin `admin`, answered once, stored hashed.
pub async fn add(
    state: &AppState,
    admin: &CurrentUser,
    form: &ApiTokenForm,
) -> Result<NewApiToken, AppError> {
    let valid = form.validate().map_err(|e| {
        super::catalog::echo(
            e,
            vec![
                ("name".into(), form.name.clone()),
                ("access".into(), form.access.clone()),
                ("expires_in_days".into(), form.expires_in_days.clone()),
            ],
        )
    })?;
    let (hash, prefix, token) = super::gateway::new_secret(API_TOKEN_PREFIX);
    let now = state.clock.now();
    let id = state
        .store
        .create_api_token(
            &StoredToken {
                name: &valid.name,
                admin_id: &admin.id,
                access: valid.access,
                hash: &hash,
                prefix: &prefix,
                expires_at: valid.expires_in_days.map(|d| now + d * DAY_MS),
            },
            By::user(&admin.id, now),
        )
        .await?;
    Ok(NewApiToken { id, token })
}

/// The tokens `admin` may see: their own; a super admin's, everyone's.
pub async fn list(state: &AppState, admin: &CurrentUser) -> Result<Vec<ApiTokenRow>, AppError> {
    Ok(state
        .store
        .api_tokens(scope(admin), state.clock.now())
        .await?)
}

/// "Revoke": an admin revokes their own tokens, a super admin anyone's; another's is not found.
pub async fn revoke(state: &AppState, admin: &CurrentUser, id: &str) -> Result<(), AppError> {
    Ok(state
        .store
        .revoke_api_token(id, scope(admin), state.by(&admin.id))
        .await?)
}

/// Whose tokens `admin` may see and revoke (`None`: everyone's).
fn scope(admin: &CurrentUser) -> Option<&str> {
    (admin.role != Role::SuperAdmin).then_some(admin.id.as_str())
}
