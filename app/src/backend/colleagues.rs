//! Who a consumer may see of their organization: the people they share a team with (SPEC §8.1).
//! and what a consumer admin may do to them (SPEC §8.2). The one place of those rules; the
//! dashboard's server functions (and later the REST API) call them.

use super::AppState;
use super::db::{ConsumerScope, NewUser, Reach, StoreError};
use crate::domain::colleague::{ColleagueDetail, ColleagueForm, Colleagues, NOT_OWN_TEAMS};
use crate::domain::user::{DUPLICATE_EMAIL, UserForm};
use crate::domain::{CurrentUser, Role};
use crate::error::AppError;

/// A search longer than this is cut (no name or address is longer).
const SEARCH_MAX_CHARS: usize = 254;

/// The people `viewer` shares a team with, matching `search`. Admins manage people in the admin
/// app and are refused here, as is anyone who is not a consumer.
pub async fn visible_to(
    state: &AppState,
    viewer: &CurrentUser,
    search: &str,
) -> Result<Colleagues, AppError> {
    if viewer.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    let search: String = search.trim().chars().take(SEARCH_MAX_CHARS).collect();
    state
        .store
        .colleagues(&viewer.id, &search, state.clock.now())
        .await?
        .ok_or(AppError::Forbidden)
}

/// The organization and teams a consumer admin acts within; `Forbidden` for anyone else, and in
/// the default organization, which is not a company.
async fn admin_scope(state: &AppState, actor: &CurrentUser) -> Result<ConsumerScope, AppError> {
    match state.store.consumer_scope(&actor.id).await? {
        Some(scope) if scope.role == Role::ConsumerAdmin && scope.in_company() => Ok(scope),
        _ => Err(AppError::Forbidden),
    }
}

/// "Invite new user": creates a consumer of the admin's organization without a password, in
/// teams among the admin's own (none chosen: the organization's default team), and emails the
/// invitation at once, all in one transaction. Answers the new user's id.
pub async fn invite(
    state: &AppState,
    actor: &CurrentUser,
    form: &UserForm,
) -> Result<String, AppError> {
    let scope = admin_scope(state, actor).await?;
    let valid = form.validate_invite(&scope.organization_id)?;
    scope.own_teams(&valid.team_ids)?;
    let prepared = super::invitations::prepare(
        state,
        (
            valid.first_name.as_str(),
            valid.last_name.as_str(),
            valid.email.as_str(),
        ),
    )
    .await?;
    let (hash, expires_at) = (prepared.hash.clone(), prepared.expires_at);
    let user = NewUser::from_form(&valid, None);
    state
        .store
        .create_invited_user(
            &user,
            &hash,
            expires_at,
            |token_id| prepared.email(token_id),
            state.by(&actor.id),
        )
        .await
        .map_err(|e| match e {
            StoreError::Unique { .. } => AppError::validation("email", DUPLICATE_EMAIL),
            other => other.into(),
        })
}

/// `id` as the consumer admin `actor` manages them ("Edit").
pub async fn detail(
    state: &AppState,
    actor: &CurrentUser,
    id: &str,
) -> Result<ColleagueDetail, AppError> {
    admin_scope(state, actor).await?;
    Ok(state
        .store
        .colleague(&actor.id, id, state.clock.now())
        .await?)
}

/// "Edit" of a consumer admin: names, role, and membership of the admin's own teams.
pub async fn edit(
    state: &AppState,
    actor: &CurrentUser,
    id: &str,
    form: &ColleagueForm,
) -> Result<(), AppError> {
    admin_scope(state, actor).await?;
    let edit = form.validate()?;
    // The reach is checked before the teams, in the edit's transaction: a person out of reach is
    // refused the same whatever teams were posted.
    state
        .store
        .edit_colleague(id, &edit, state.by(&actor.id))
        .await
        .map_err(|e| match e {
            StoreError::ForeignKey => AppError::validation("team_ids", NOT_OWN_TEAMS),
            other => other.into(),
        })
}

/// "Remove from organization": the person moves to the default organization.
pub async fn remove(state: &AppState, actor: &CurrentUser, id: &str) -> Result<(), AppError> {
    admin_scope(state, actor).await?;
    Ok(state
        .store
        .remove_colleague(id, state.by(&actor.id))
        .await?)
}

/// "Resend invite" (or the first one for a person without a live link): a new link replaces the
/// old one and is emailed at once.
pub async fn resend_invite(
    state: &AppState,
    actor: &CurrentUser,
    id: &str,
) -> Result<(), AppError> {
    admin_scope(state, actor).await?;
    super::invitations::send(state, id, Reach::Colleague, state.by(&actor.id)).await
}

/// "Revoke invite": the person's live invitation link stops working.
pub async fn revoke_invite(
    state: &AppState,
    actor: &CurrentUser,
    id: &str,
) -> Result<(), AppError> {
    admin_scope(state, actor).await?;
    if state
        .store
        .revoke_invitation(id, Reach::Colleague, state.by(&actor.id))
        .await?
    {
        Ok(())
    } else {
        Err(AppError::Conflict {
            message: "This user has no pending invitation.".into(),
        })
    }
}
