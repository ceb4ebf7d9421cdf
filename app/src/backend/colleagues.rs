//! Who a consumer may see of their organization: the people they share a team with (SPEC §8.1).
//! The one place of that rule; the dashboard's server function (and later the REST API) call it.

use super::AppState;
use crate::domain::CurrentUser;
use crate::domain::colleague::Colleagues;
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
