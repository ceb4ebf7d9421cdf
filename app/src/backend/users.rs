//! The admin's operations on consumers (SPEC §2, §11), written once: the users menu's server
//! functions and the REST API's `/api/v1/users` both call these, so the same input has the same
//! outcome through either door. Authorization (an admin, a writing token) is the caller's first
//! step; these apply every rule that follows from the data.

use super::AppState;
use super::db::{Audience, By, NewUser, Reach, StoreError, UserQuery};
use crate::domain::user::{
    BROKEN_CURSOR, DUPLICATE_EMAIL, UserDetail, UserForm, UserPage, UserSort, UserStatus,
};
use crate::error::AppError;

/// The users list's search and filters as both doors receive them ("" means "any").
#[derive(Debug, Clone, Default)]
pub struct ListParams {
    pub search: String,
    pub organization_id: String,
    pub team_id: String,
    pub status: String,
    pub sort: String,
    pub cursor: String,
    pub limit: i64,
}

impl ListParams {
    /// The store's query for these filters, without paging.
    pub fn filters(&self) -> UserQuery {
        let some = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
        UserQuery {
            search: some(&self.search),
            organization_id: some(&self.organization_id),
            team_id: some(&self.team_id),
            status: UserStatus::from_key(&self.status),
            ..Default::default()
        }
    }
}

/// A page of consumers; a cursor this sort did not make is a 400.
pub async fn list(state: &AppState, params: &ListParams) -> Result<UserPage, AppError> {
    let sort = UserSort::from_key(&params.sort);
    if !params.cursor.is_empty() && !sort.reads_cursor(&params.cursor) {
        return Err(AppError::BadRequest {
            message: BROKEN_CURSOR.to_owned(),
        });
    }
    let query = UserQuery {
        sort,
        cursor: Some(params.cursor.clone()).filter(|c| !c.is_empty()),
        limit: params.limit,
        ..params.filters()
    };
    Ok(state.store.list_users(&query, state.clock.now()).await?)
}

/// The exact number of consumers matching the filters.
pub async fn count(state: &AppState, params: &ListParams) -> Result<i64, AppError> {
    Ok(state
        .store
        .count_users(&params.filters(), state.clock.now())
        .await?)
}

/// Everything about one consumer.
pub async fn detail(state: &AppState, id: &str) -> Result<UserDetail, AppError> {
    state
        .store
        .user_detail(id, state.clock.now())
        .await?
        .ok_or(AppError::NotFound)
}

/// "Add user": a new consumer; answers their id. A taken email (also under a race) and teams
/// outside the organization are field errors.
pub async fn create(state: &AppState, form: &UserForm, by: By<'_>) -> Result<String, AppError> {
    let valid = form.validate()?;
    let hash = match &valid.password {
        Some(p) => Some(state.hasher.hash(p.expose()).await?),
        None => None,
    };
    let new = NewUser::from_form(&valid, hash.as_deref());
    state
        .store
        .create_user(&new, by)
        .await
        .map_err(form_store_error)
}

/// "Edit": every field of a consumer but the password.
pub async fn update(
    state: &AppState,
    id: &str,
    form: &UserForm,
    by: By<'_>,
) -> Result<(), AppError> {
    let form = UserForm {
        password: String::new(),
        must_change_password: None,
        ..form.clone()
    };
    let valid = form.validate()?;
    state
        .store
        .update_user(id, &NewUser::from_form(&valid, None), by)
        .await
        .map_err(form_store_error)
}

/// A store refusal of the user form as a field error: a taken email or teams outside the
/// organization.
fn form_store_error(error: StoreError) -> AppError {
    match error {
        StoreError::Unique { .. } => AppError::validation("email", DUPLICATE_EMAIL),
        StoreError::ForeignKey => {
            AppError::validation("team_ids", "Choose teams of the chosen organization.")
        }
        other => other.into(),
    }
}

/// "Send invite" / "Resend invite": a new link, the older one stops working.
pub async fn send_invite(state: &AppState, id: &str, by: By<'_>) -> Result<(), AppError> {
    super::invitations::send(state, id, Reach::Admin(Audience::Consumers), by).await
}

/// "Revoke invite"; a user with no pending invitation is a conflict.
pub async fn revoke_invite(state: &AppState, id: &str, by: By<'_>) -> Result<(), AppError> {
    if state
        .store
        .revoke_invitation(id, Reach::Admin(Audience::Consumers), by)
        .await?
    {
        Ok(())
    } else {
        Err(AppError::Conflict {
            message: "This user has no pending invitation.".into(),
        })
    }
}

/// "Activate" / "Deactivate" (the user is told by email; a deactivated user's keys stop).
pub async fn set_active(
    state: &AppState,
    id: &str,
    active: bool,
    by: By<'_>,
) -> Result<(), AppError> {
    let notice = super::self_service::status_notice(state, active).await?;
    Ok(state.store.set_user_active(id, active, notice, by).await?)
}

/// "Delete".
pub async fn delete(state: &AppState, id: &str, by: By<'_>) -> Result<(), AppError> {
    state.store.delete_user(id, by).await?;
    Ok(())
}

/// "Send password reset": mails a link (the older link stops working); a user who cannot sign
/// in is a conflict.
pub async fn send_password_reset(state: &AppState, id: &str, by: By<'_>) -> Result<(), AppError> {
    let person = state
        .store
        .person(id, Audience::Consumers)
        .await?
        .ok_or(AppError::NotFound)?;
    if super::self_service::issue_reset(state, &person.email, by).await? {
        Ok(())
    } else {
        Err(AppError::Conflict {
            message: "This user cannot sign in (deactivated, or a registration not approved), \
                      so no reset link was sent."
                .into(),
        })
    }
}
