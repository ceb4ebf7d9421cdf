//! How many consumers have each status, in all, per organization and per team, at the same cost
//! at any size (issue 14). The database keeps the tally in `user_counts` with triggers
//! (migration 0009; `sqlite.sql` and `postgres.sql` here), so every change, by any code path,
//! moves it in its own transaction. This module installs the triggers, reads the tally, folds its
//! rows, moves expired invitations out of "Invited", and recounts everything for `portico doctor`.

use super::query::{Bind, Sql};
use super::{Dialect, Millis, Store, StoreResult};
use crate::domain::user::UserStatus;
use sqlx::{Executor as _, Row as _};
use std::collections::BTreeMap;

/// What the tally is counted over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// Every consumer.
    All,
    Organization(&'a str),
    Team(&'a str),
}

impl Scope<'_> {
    fn key(self) -> String {
        match self {
            Self::All => String::new(),
            Self::Organization(id) => format!("o:{id}"),
            Self::Team(id) => format!("t:{id}"),
        }
    }

    /// Narrows the users row `u` to this scope.
    fn push_filter(self, sql: &mut Sql) {
        match self {
            Self::All => {
                sql.push(" and ").push(super::CONSUMER_ROLE);
            }
            // Written so the organization's index is not taken: the expiry's range is narrower.
            Self::Organization(id) => {
                sql.push(" and (u.organization_id || '') = ")
                    .push_bind(Bind::Text(id.to_owned()));
            }
            Self::Team(id) => {
                sql.push(
                    " and exists (select 1 from team_memberships m where m.user_id = u.id and m.team_id = ",
                )
                .push_bind(Bind::Text(id.to_owned()))
                .push(")");
            }
        }
    }
}

/// A key of the tally whose stored count differs from a recount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountDrift {
    pub scope: String,
    pub list_status: String,
    pub tallied: i64,
    pub recounted: i64,
}

/// The name of one of the triggers, to tell whether this version's are installed.
const TRIGGER: &str = "user_counts_v1_users_insert";
/// The same for the counts of organizations and teams.
const GROUPS_TRIGGER: &str = "group_counts_v1_organizations_insert";

/// Every consumer's keys, and the numbers of organizations and teams, recounted from the rows
/// themselves.
const RECOUNT: &str = "select scope, list_status, n from ( \
     select '' as scope, u.list_status, count(*) as n from users u \
       where u.role in ('consumer-admin', 'consumer-team-member') group by u.list_status \
     union all select 'o:' || u.organization_id, u.list_status, count(*) from users u \
       where u.role in ('consumer-admin', 'consumer-team-member') group by u.organization_id, u.list_status \
     union all select 't:' || m.team_id, u.list_status, count(*) from team_memberships m \
       join users u on u.id = m.user_id group by m.team_id, u.list_status \
     union all select 'organizations', '', count(*) from organizations \
     union all select 'teams', '', count(*) from teams) recount";

/// How many memberships folded or swept at most in one statement, so a write never holds
/// SQLite's lock for long.
const BATCH: i64 = 500;

impl Dialect {
    /// The query telling whether a trigger is installed, and the scripts of the consumers'
    /// counters and of the organizations' and teams' (`GROUPS_TRIGGER`).
    fn counter_triggers(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Sqlite => (
                "select count(*) as n from sqlite_master where type = 'trigger' and name = $1",
                include_str!("counts/sqlite.sql"),
                include_str!("counts/sqlite_groups.sql"),
            ),
            Self::Postgres => (
                "select count(*) as n from pg_trigger where tgname = $1",
                include_str!("counts/postgres.sql"),
                include_str!("counts/postgres_groups.sql"),
            ),
        }
    }
}

impl Store {
    /// Installs the tally's triggers unless this version's are there, and counts everything in
    /// the same transaction, so no change slips between the first count and the first trigger.
    /// Run by `migrate`; instances starting together take turns.
    pub(super) async fn install_counters(&self) -> StoreResult<()> {
        let (check, script, groups_script) = self.dialect.counter_triggers();
        let mut tx = self.begin_write().await?;
        if self.dialect == Dialect::Postgres {
            (&mut *tx)
                .execute(
                    "select count(*) as n from (select pg_advisory_xact_lock(7061746965)) as l",
                )
                .await?;
        }
        let mut missing = false;
        for (trigger, script) in [(TRIGGER, script), (GROUPS_TRIGGER, groups_script)] {
            let installed: i64 = sqlx::query(check)
                .bind(trigger)
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
            if installed == 0 {
                (&mut *tx).execute(script).await?;
                missing = true;
            }
        }
        if missing {
            recount(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The tally of one scope: how many consumers have each stored list status.
    async fn tally(&self, scope: Scope<'_>) -> StoreResult<BTreeMap<String, i64>> {
        let rows = sqlx::query(
            "select list_status, cast(sum(n) as bigint) as n from user_counts where scope = $1 \
             group by list_status",
        )
        .bind(scope.key())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("list_status")?, r.try_get("n")?)))
            .collect()
    }

    /// How many consumers of `scope` have the shown `status` (all of them when `None`), from the
    /// tally: a few rows read whatever the size. "Invited" is stored until the sweeper moves an
    /// expired invitation; the few it has not moved yet are counted apart (an index range) and
    /// shown as "Not invited", as everywhere else.
    pub async fn count_in(
        &self,
        scope: Scope<'_>,
        status: Option<UserStatus>,
        now: Millis,
    ) -> StoreResult<i64> {
        let tally = self.tally(scope).await?;
        let stored = |key: &str| tally.get(key).copied().unwrap_or(0);
        let expired = || async {
            let mut sql = Sql::new(
                "select count(*) as n from users u where u.list_status = 'invited' and u.invite_expires_at <= ",
            );
            sql.push_bind(Bind::Int(now));
            scope.push_filter(&mut sql);
            let n: i64 = sql.query().fetch_one(&self.pool).await?.try_get("n")?;
            StoreResult::Ok(n)
        };
        Ok(match status {
            None => tally.values().sum(),
            Some(UserStatus::Active) => stored("active"),
            Some(UserStatus::Inactive) => stored("inactive"),
            Some(UserStatus::PendingApproval) => stored("pending"),
            Some(UserStatus::Invited) => stored("invited") - expired().await?,
            Some(UserStatus::NotInvited) => stored("not-invited") + expired().await?,
        })
    }

    /// Folds each key's rows of the tally into one (rows of zero go), at most `BATCH` keys a
    /// call; answers how many keys it folded. Concurrent writers keep adding rows meanwhile: a
    /// key's rows are deleted and their sum written back in one transaction, and a row committed
    /// after the delete read the table is left for the next fold.
    pub async fn fold_counts(&self) -> StoreResult<u64> {
        let keys = sqlx::query(
            "select scope, list_status from user_counts group by scope, list_status \
             having count(*) > 1 or sum(n) = 0 limit $1",
        )
        .bind(BATCH)
        .fetch_all(&self.pool)
        .await?;
        if keys.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin_write().await?;
        for key in &keys {
            let scope: String = key.try_get("scope")?;
            let list_status: String = key.try_get("list_status")?;
            let deleted = sqlx::query(
                "delete from user_counts where scope = $1 and list_status = $2 returning n",
            )
            .bind(&scope)
            .bind(&list_status)
            .fetch_all(&mut *tx)
            .await?;
            let sum = deleted
                .iter()
                .map(|r| r.try_get::<i64, _>("n"))
                .sum::<Result<i64, _>>()?;
            if sum != 0 {
                sqlx::query("insert into user_counts (scope, list_status, n) values ($1, $2, $3)")
                    .bind(&scope)
                    .bind(&list_status)
                    .bind(sum)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(keys.len() as u64)
    }

    /// Moves invitations that expired by `now` out of the stored "invited" status (`BATCH` users
    /// a call; the triggers move the tally with them); answers how many it moved. The test is
    /// repeated on the row itself: Postgres checks it again on a row another transaction changed
    /// meanwhile (a new invitation), which it would not do for the subquery's choice alone.
    pub async fn sweep_expired_invitations(&self, now: Millis) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let moved = sqlx::query(
            "update users set list_status = 'not-invited' where list_status = 'invited' \
             and invite_expires_at <= $1 and id in (select u.id from users u \
             where u.list_status = 'invited' and u.invite_expires_at <= $1 limit $2)",
        )
        .bind(now)
        .bind(BATCH)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(moved)
    }

    /// The tally's keys that differ from a recount of the rows, and memberships whose stored
    /// status is not their user's (as scope "membership of <user>"). Empty when all is right.
    pub async fn check_counts(&self) -> StoreResult<Vec<CountDrift>> {
        let mut keys: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
        for row in sqlx::query(
            "select scope, list_status, cast(sum(n) as bigint) as n from user_counts \
             group by scope, list_status",
        )
        .fetch_all(&self.pool)
        .await?
        {
            let key = (row.try_get("scope")?, row.try_get("list_status")?);
            keys.entry(key).or_default().0 = row.try_get("n")?;
        }
        for row in sqlx::query(RECOUNT).fetch_all(&self.pool).await? {
            let key = (row.try_get("scope")?, row.try_get("list_status")?);
            keys.entry(key).or_default().1 = row.try_get("n")?;
        }
        let mut drift: Vec<CountDrift> = keys
            .into_iter()
            .filter(|(_, (tallied, recounted))| tallied != recounted)
            .map(|((scope, list_status), (tallied, recounted))| CountDrift {
                scope,
                list_status,
                tallied,
                recounted,
            })
            .collect();
        for row in sqlx::query(
            "select m.user_id, m.team_id, coalesce(m.list_status, '(none)') as stored, u.list_status \
             from team_memberships m join users u on u.id = m.user_id \
             where m.list_status is null or m.list_status <> u.list_status",
        )
        .fetch_all(&self.pool)
        .await?
        {
            let user: String = row.try_get("user_id")?;
            let team: String = row.try_get("team_id")?;
            drift.push(CountDrift {
                scope: format!("membership of {user} in {team}"),
                list_status: format!(
                    "{} (user: {})",
                    row.try_get::<String, _>("stored")?,
                    row.try_get::<String, _>("list_status")?
                ),
                tallied: 1,
                recounted: 0,
            });
        }
        Ok(drift)
    }

    /// Throws the tally away and counts everything again, in one transaction (`portico doctor
    /// --fix`).
    pub async fn recount_counts(&self) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        recount(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The tally from the rows themselves, replacing what was there.
async fn recount(tx: &mut super::Tx) -> StoreResult<()> {
    (&mut **tx)
        .execute(
            "update team_memberships set list_status = \
         (select u.list_status from users u where u.id = team_memberships.user_id) \
         where list_status is null or list_status <> \
         (select u.list_status from users u where u.id = team_memberships.user_id)",
        )
        .await?;
    // The update above moved the tally through the triggers; what follows replaces it anyway.
    (&mut **tx).execute("delete from user_counts").await?;
    (&mut **tx)
        .execute(format!("insert into user_counts (scope, list_status, n) {RECOUNT}").as_str())
        .await?;
    Ok(())
}
