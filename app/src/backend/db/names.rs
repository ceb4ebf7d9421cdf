//! What organizations and teams share: a name an admin can change, and a default one that
//! cannot be deleted.

use super::{By, Store, StoreError, StoreResult, Subject, Tx};
use sqlx::Row as _;
use sqlx::any::AnyRow;

/// The things with a name an admin can change.
#[derive(Clone, Copy)]
pub enum Named {
    Organization,
    Team,
}

impl Named {
    /// The table's rename statement and the audit action: constants, never input.
    fn rename_sql_and_action(self) -> (&'static str, &'static str) {
        match self {
            Self::Organization => (
                "update organizations set name = $1, updated_at = $2 where id = $3",
                "organization.renamed",
            ),
            Self::Team => (
                "update teams set name = $1, updated_at = $2 where id = $3",
                "team.renamed",
            ),
        }
    }

    /// Reading the row before a delete (with `name` and `is_default`), and why the default one
    /// stays.
    fn delete_lookup(self) -> (&'static str, &'static str) {
        match self {
            Self::Organization => (
                "select name, is_default from organizations where id = $1",
                "The default organization cannot be deleted.",
            ),
            Self::Team => (
                "select organization_id, name, is_default from teams where id = $1",
                "An organization's default team cannot be deleted.",
            ),
        }
    }

    fn subject(self, id: &str) -> Subject<'_> {
        match self {
            Self::Organization => Subject::Organization(id),
            Self::Team => Subject::Team(id),
        }
    }
}

/// The row of the organization or team about to be deleted, in the deleting transaction:
/// `NotFound` when there is none, `Conflict` when it is a default one.
pub(super) async fn deletable(tx: &mut Tx, what: Named, id: &str) -> StoreResult<AnyRow> {
    let (lookup, refusal) = what.delete_lookup();
    let row = sqlx::query(lookup)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    if row.try_get::<i64, _>("is_default")? == 1 {
        return Err(StoreError::Conflict(refusal));
    }
    Ok(row)
}

impl Store {
    /// Renames an organization or team, noting it in the audit log. An organization's default
    /// team keeps its own name.
    pub async fn rename(&self, what: Named, id: &str, name: &str, by: By<'_>) -> StoreResult<()> {
        let (rename, action) = what.rename_sql_and_action();
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(rename)
            .bind(name)
            .bind(by.now)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        // The gateway's JSON answer names the organization.
        super::apps::gateway_changed(&mut tx).await?;
        tx.audit(by, action, what.subject(id), name).await?;
        tx.commit().await?;
        Ok(())
    }
}
