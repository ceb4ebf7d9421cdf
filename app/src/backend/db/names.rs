//! Renaming what has a name an admin can change: organizations and teams, in one place.

use super::{Millis, Store, StoreError, StoreResult, audit};

/// The things with a name an admin can change.
#[derive(Clone, Copy)]
pub(crate) enum Named {
    Organization,
    Team,
}

impl Named {
    /// Table and audit subject; constants, never input.
    fn table_and_subject(self) -> (&'static str, &'static str) {
        match self {
            Self::Organization => ("organizations", "organization"),
            Self::Team => ("teams", "team"),
        }
    }
}

impl Store {
    /// Renames an organization or team, noting it in the audit log.
    pub(super) async fn rename(
        &self,
        what: Named,
        id: &str,
        name: &str,
        actor_id: &str,
        now: Millis,
    ) -> StoreResult<()> {
        let (table, subject) = what.table_and_subject();
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(&format!(
            "update {table} set name = $1, updated_at = $2 where id = $3"
        ))
        .bind(name)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        audit(
            &mut tx,
            now,
            Some(actor_id),
            &format!("{subject}.renamed"),
            subject,
            Some(id),
            name,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
