//! The one store behind both databases. Every query is written once in SQL that SQLite and
//! Postgres both accept; the dialect differences live in [`Dialect`] alone.
//!
//! Each concern has its module: `users` (a consumer's lifecycle), `user_list` (the users table),
//! `tokens` (one-time links), `sessions`, `registrations`, `accounts` (the account page),
//! `admins`, `counts` (the tally of users by status, organization and team), `organizations`, `teams`, `names` (renaming either), `memberships`, `invite_codes`,
//! `outbox`, `templates`, `settings`, `limits` and `audit` (the audit log). This file holds what
//! they share: the connection and its [`Dialect`], [`StoreError`], [`Tx`] and the role predicates.

mod accounts;
mod admins;
mod api_tokens;
mod apps;
mod audit;
mod catalog;
mod colleagues;
mod counts;
mod documentation;
mod home;
mod invite_codes;
mod limits;
mod memberships;
mod names;
mod organization_requests;
mod organizations;
mod outbox;
mod query;
mod registrations;
mod sessions;
mod settings;
mod teams;
mod templates;
mod tokens;
mod user_list;
mod users;

pub use admins::{AdminChange, AdminEdit, NewAdmin};
pub use api_tokens::{NewApiToken, TokenHolder};
pub use apps::{AccessToDecide, AppChoice, KeyGrant, NewRequest};
pub use audit::{By, Subject};
pub use catalog::Viewer;
pub use colleagues::{ConsumerScope, NOT_THEIR_INVITATION, Reach};
pub use counts::{CountDrift, Scope};
pub use documentation::NewDocument;
pub use invite_codes::{NewInviteCode, QUOTA_BELOW_USED};
pub use names::Named;
pub use organization_requests::RequestToDecide;
pub use outbox::{LINK_HIDDEN, LINK_MARKER, Leased, NewEmail, OutboxMessage, may_see_link};
pub use registrations::{CodeRefusal, Confirmed, NewRegistration, Registered, RegistrationEmails};
pub use sessions::AccountRow;
pub use tokens::{InvitationLookup, ResetLookup};
pub use user_list::{RECENT_WINDOW, UserQuery};
pub use users::{NewUser, Person};

use super::{Millis, new_id};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Connection as _, Executor, Row};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;
use tokio::sync::Notify;

/// A write transaction. It derefs to its connection, so queries run on `&mut *tx` as on sqlx's
/// own; [`Tx::commit`] wakes the mail worker when the transaction queued an email, so a message
/// goes out as soon as it is committed, and no caller has to remember to.
pub struct Tx {
    inner: sqlx::Transaction<'static, sqlx::Any>,
    queued_mail: bool,
    mail_wakeup: Arc<Notify>,
    /// The gateway change counter this transaction moved to (`apps::gateway_changed`).
    gateway_changed: Option<i64>,
    gateway_seen: Arc<AtomicI64>,
}

impl std::ops::Deref for Tx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.inner
    }
}

impl Tx {
    /// Commits, then wakes the mail worker if an email was queued.
    pub async fn commit(self) -> StoreResult<()> {
        self.inner.commit().await?;
        if self.queued_mail {
            self.mail_wakeup.notify_one();
        }
        if let Some(generation) = self.gateway_changed {
            self.gateway_seen.fetch_max(generation, Ordering::AcqRel);
        }
        Ok(())
    }

    /// Notes that the transaction queued an email (the outbox's insert calls it).
    fn mail_queued(&mut self) {
        self.queued_mail = true;
    }
}

/// Id of the organization that exists from the first start ("Default Organization").
pub const DEFAULT_ORGANIZATION_ID: &str = "00000000-0000-7000-8000-000000000001";
/// Id of its default team ("Default Organization All users").
pub const DEFAULT_TEAM_ID: &str = "00000000-0000-7000-8000-000000000002";

/// Which database the store talks to, chosen by the URL's scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        match url.split_once(':').map(|(scheme, _)| scheme) {
            Some("sqlite") => Ok(Self::Sqlite),
            Some("postgres" | "postgresql") => Ok(Self::Postgres),
            _ => Err(StoreError::UnsupportedUrl),
        }
    }

    /// SQLite must take the write lock when the transaction starts, or two writers that both read
    /// first deadlock instead of waiting on the busy timeout.
    fn begin_write(self) -> &'static str {
        match self {
            Self::Sqlite => "BEGIN IMMEDIATE",
            Self::Postgres => "BEGIN",
        }
    }

    /// Appended to a `select` of one user row that a transaction is about to change with rows
    /// that depend on it (a new reset link or invitation revokes the older ones): on Postgres,
    /// concurrent transactions then take turns instead of each keeping its own "newest" link.
    /// SQLite's `BEGIN IMMEDIATE` already takes turns.
    fn lock_row(self) -> &'static str {
        match self {
            Self::Sqlite => "",
            Self::Postgres => " for update",
        }
    }

    /// Like `lock_row`, for a row that others only point at (an organization whose users and
    /// memberships are written meanwhile): Postgres's "for no key update", which their foreign
    /// keys' share locks do not wait for, while two such locks still take turns.
    fn lock_row_no_key(self) -> &'static str {
        match self {
            Self::Sqlite => "",
            Self::Postgres => " for no key update",
        }
    }

    /// Whether a broad newest-first search walks the newest users itself (`Plan::RecentFirst`).
    /// SQLite's planner keeps no statistics and would sort every match; Postgres's knows how
    /// many match and walks the creation-time index by itself when that is cheaper (measured:
    /// 4.4 ms), where the explicit walk only added parallel workers (49 ms).
    pub(super) fn walks_recent_first(self) -> bool {
        self == Self::Sqlite
    }

    /// Whether a search with filters must be told which side leads (`user_list::Lead`): SQLite
    /// keeps no statistics and prefers any equality's index to the search's ranges; Postgres's
    /// planner estimates both.
    pub(super) fn needs_lead(self) -> bool {
        self == Self::Sqlite
    }

    /// Run before the migrations, in one transaction: on Postgres, the collation "binary"
    /// (bytewise, from "C") that the search ranges and their indexes name, as SQLite's built-in
    /// BINARY (migration 0006). Instances starting together take turns on an advisory lock.
    fn before_migrations(self) -> Option<&'static str> {
        match self {
            Self::Sqlite => None,
            Self::Postgres => Some(
                "select count(*) as n from (select pg_advisory_xact_lock(7061746964)) as l; \
                 create collation if not exists \"binary\" from \"C\";",
            ),
        }
    }

    /// Run after the migrations: a query answering how many statistics rows the search indexes
    /// have, and what to run when none. Postgres gathers statistics of an expression index only
    /// in ANALYZE, and without them its planner misjudges every search (measured after
    /// migration 0006 at a million users: an email search took 2.2 s instead of 1 ms). SQLite
    /// keeps none.
    fn statistics(self) -> Option<(&'static str, &'static str)> {
        match self {
            Self::Sqlite => None,
            Self::Postgres => Some((
                "select count(*) as n from pg_stats where tablename = 'users_search_full_name'",
                "analyze users",
            )),
        }
    }

    /// Serializes transactions that check and change the set of active super-admins, so two of
    /// them cannot each remove "another" super-admin and leave none. SQLite's `BEGIN IMMEDIATE`
    /// already serializes every writer; Postgres takes a transaction-scoped advisory lock.
    fn lock_admins(self) -> Option<&'static str> {
        match self {
            Self::Sqlite => None,
            Self::Postgres => {
                Some("select count(*) as n from (select pg_advisory_xact_lock(7061746963)) as l")
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database URL must start with sqlite:// or postgres://")]
    UnsupportedUrl,
    /// A unique constraint refused the change; `constraint` names the index when the database says.
    #[error("unique constraint violated: {constraint}")]
    Unique { constraint: String },
    #[error("not found")]
    NotFound,
    /// A reference to another row (organization, team) does not hold.
    #[error("foreign key violated")]
    ForeignKey,
    /// The acting admin may not make this change (a provider-admin and a super-admin).
    #[error("forbidden")]
    Forbidden,
    /// The change is not allowed in the current state; the text is for people.
    #[error("{0}")]
    Conflict(&'static str),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err
            && db.is_foreign_key_violation()
        {
            return Self::ForeignKey;
        }
        if let sqlx::Error::Database(db) = &err
            && db.is_unique_violation()
        {
            return Self::Unique {
                constraint: db
                    .constraint()
                    .map(str::to_owned)
                    .unwrap_or_else(|| db.message().to_owned()),
            };
        }
        Self::Database(err)
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The `column` of `row` read by `parse` (a role, a status, an approval): a value the code does
/// not know is a decoding error, not a guess.
pub(super) fn decoded<T>(
    row: &sqlx::any::AnyRow,
    column: &str,
    parse: fn(&str) -> Option<T>,
) -> StoreResult<T> {
    let value: String = row.try_get(column)?;
    parse(&value).ok_or_else(|| {
        sqlx::Error::Decode(format!("users.{column}: unknown value {value:?}").into()).into()
    })
}

/// The users row `u` is an admin. Every query that asks writes this (or [`Audience`]).
pub(crate) const ADMIN_ROLE: &str = "u.role in ('super-admin', 'provider-admin')";
/// The users row `u` is a consumer (a consumer admin or a team member).
pub(crate) const CONSUMER_ROLE: &str = "u.role in ('consumer-admin', 'consumer-team-member')";
/// The users row `u` can sign in: active, approved, its address confirmed. Reset links go only
/// to such accounts.
pub(crate) const CAN_SIGN_IN: &str =
    "u.status = 'active' and u.approval = 'approved' and u.email_confirmed = 1";

/// Which kind of user a lookup may find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Consumers,
    Admins,
}

impl Audience {
    /// The users row `u` is one of this audience.
    fn predicate(self) -> &'static str {
        match self {
            Self::Consumers => CONSUMER_ROLE,
            Self::Admins => ADMIN_ROLE,
        }
    }
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    dialect: Dialect,
    /// The database file, for SQLite on disk.
    sqlite_path: Option<std::path::PathBuf>,
    /// Wakes the mail worker when a committed transaction queued an email.
    mail_wakeup: Arc<Notify>,
    /// The highest value of the gateway change counter (`gateway_state`) this process knows to be
    /// committed: moved by its own commits at once and by the poll for other processes'. The
    /// gateway cache drops its answers when it moves.
    gateway_seen: Arc<AtomicI64>,
    /// Where the users table's plans change (`user_list::PlanLimits`).
    plan_limits: Arc<user_list::PlanLimits>,
    /// The settings last read (`settings::SettingsMemo`).
    settings_memo: Arc<settings::SettingsMemo>,
}

/// How long a pooled connection waits unused before it is checked before its next use.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(1);

impl Store {
    /// Connects to `url`, creating an SQLite file (and its folder) if it does not exist yet.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        sqlx::any::install_default_drivers();
        let dialect = Dialect::from_url(url)?;
        let sqlite_path = match dialect {
            Dialect::Sqlite => prepare_sqlite_path(url),
            Dialect::Postgres => None,
        };
        let url = match dialect {
            Dialect::Sqlite if !url.contains('?') => format!("{url}?mode=rwc"),
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(match dialect {
                Dialect::Sqlite => 8,
                Dialect::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            // sqlx pings every connection it hands out by default (and again as it takes it
            // back): a round trip to SQLite's connection thread or to Postgres before each query.
            // Only a connection idle for a second is checked before use now, as connection pools
            // commonly do (HikariCP skips connections used in the last 500 ms): one Postgres
            // closed while it sat idle longer (a restart, an idle timeout) is replaced unseen;
            // one it closed within the second fails its next query once, and is then replaced.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= IDLE_BEFORE_PING {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if dialect == Dialect::Sqlite {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; \
                             PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Self {
            pool,
            dialect,
            sqlite_path,
            mail_wakeup: Arc::new(Notify::new()),
            gateway_seen: Arc::default(),
            plan_limits: Arc::default(),
            settings_memo: Arc::default(),
        })
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Applies the migrations in `migrations/`. Postgres takes an advisory lock, so instances that
    /// start together apply each migration once; an edited migration is refused by its checksum.
    pub async fn migrate(&self) -> StoreResult<()> {
        // SQLite's migrator takes no lock: a lock file keeps two processes from racing.
        let _lock = match &self.sqlite_path {
            Some(path) => Some(lock_file(path).await?),
            None => None,
        };
        if let Some(prepare) = self.dialect.before_migrations() {
            let mut tx = self.pool.begin().await?;
            tx.execute(prepare).await?;
            tx.commit().await?;
        }
        sqlx::migrate!("../migrations").run(&self.pool).await?;
        self.install_counters().await?;
        if let Some((check, gather)) = self.dialect.statistics() {
            let rows: i64 = sqlx::query(check)
                .fetch_one(&self.pool)
                .await?
                .try_get("n")?;
            if rows == 0 {
                self.pool.execute(gather).await?;
            }
        }
        Ok(())
    }

    /// Creates the default organization and its default team unless they exist; safe when several
    /// instances run it at the same moment.
    pub async fn ensure_defaults(&self, now: Millis) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "insert into organizations (id, name, is_default, created_at, updated_at) \
             values ($1, 'Default Organization', 1, $2, $2) on conflict do nothing",
        )
        .bind(DEFAULT_ORGANIZATION_ID)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "insert into teams (id, organization_id, name, is_default, created_at, updated_at) \
             values ($1, $2, 'Default Organization All users', 1, $3, $3) on conflict do nothing",
        )
        .bind(DEFAULT_TEAM_ID)
        .bind(DEFAULT_ORGANIZATION_ID)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Starts a transaction that will write (`BEGIN IMMEDIATE` on SQLite).
    pub async fn begin_write(&self) -> StoreResult<Tx> {
        Ok(Tx {
            inner: self.pool.begin_with(self.dialect.begin_write()).await?,
            queued_mail: false,
            mail_wakeup: self.mail_wakeup.clone(),
            gateway_changed: None,
            gateway_seen: self.gateway_seen.clone(),
        })
    }

    /// A transaction that only reads: one consistent view of several queries, without taking
    /// SQLite's write lock.
    pub async fn begin_read(&self) -> StoreResult<Tx> {
        Ok(Tx {
            inner: self.pool.begin().await?,
            queued_mail: false,
            mail_wakeup: self.mail_wakeup.clone(),
            gateway_changed: None,
            gateway_seen: self.gateway_seen.clone(),
        })
    }

    /// Resolves when an email was queued (or put back in the queue) since the last wait: the
    /// mail worker waits on it between its rounds.
    pub async fn wait_for_mail(&self) {
        self.mail_wakeup.notified().await;
    }

    /// Answers whether the database responds; for `/readyz`.
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("select 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn count_organizations_named(&self, name: &str) -> StoreResult<i64> {
        Ok(
            sqlx::query("select count(*) as n from organizations where lower(name) = lower($1)")
                .bind(name)
                .fetch_one(&self.pool)
                .await?
                .try_get("n")?,
        )
    }
}

/// The file of an SQLite URL, with its folder created so a fresh clone starts with no preparation.
fn prepare_sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path.starts_with(":memory:") {
        return None;
    }
    let path = std::path::PathBuf::from(path);
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        let _ = std::fs::create_dir_all(parent);
    }
    Some(path)
}

/// An exclusive lock on `<database file>.lock`, held until the returned file is dropped.
async fn lock_file(database: &std::path::Path) -> StoreResult<std::fs::File> {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&name)
        .map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
    tokio::task::spawn_blocking(move || file.lock().map(|()| file))
        .await
        .map_err(|e| StoreError::Database(sqlx::Error::Io(std::io::Error::other(e))))?
        .map_err(|e| StoreError::Database(sqlx::Error::Io(e)))
}
