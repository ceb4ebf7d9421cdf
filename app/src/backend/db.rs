//! The one store behind both databases. Every query is written once in SQL that SQLite and
//! Postgres both accept; the dialect differences live in [`Dialect`] alone.

mod accounts;
mod admins;
mod invite_codes;
mod limits;
mod memberships;
mod organizations;
mod outbox;
mod query;
mod teams;
mod templates;
mod users;

pub use accounts::{
    CodeRefusal, Confirmed, NewRegistration, Registered, RegistrationEmails, ResetLookup,
};
pub use admins::AdminChange;
pub use invite_codes::NewInviteCode;
pub use outbox::{LINK_HIDDEN, LINK_MARKER, Leased, NewEmail, OutboxMessage, may_see_link};
pub use users::{Audience, InvitationLookup, NewUser, Person, RECENT_WINDOW, UserQuery};

use super::{Millis, new_id};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor, Row};
use std::str::FromStr;
use std::time::Duration;

pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

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

    /// Whether a broad newest-first search walks the newest users itself (`Plan::RecentFirst`).
    /// SQLite's planner keeps no statistics and would sort every match; Postgres's knows how
    /// many match and walks the creation-time index by itself when that is cheaper (measured:
    /// 4.4 ms), where the explicit walk only added parallel workers (49 ms).
    pub(super) fn walks_recent_first(self) -> bool {
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

/// A user as the login and session checks need it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRow {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: String,
    pub status: String,
    pub approval: String,
    pub password_hash: Option<String>,
    pub must_change_password: i64,
    /// 0 while a self-registered account has not confirmed its address.
    pub email_confirmed: i64,
}

/// The users row `u` is an admin.
pub(crate) const ADMIN_ROLE: &str = "u.role in ('super-admin', 'provider-admin')";

const ACCOUNT_COLUMNS: &str = "u.id, u.email, u.first_name, u.last_name, u.role, u.status, \
     u.approval, u.password_hash, u.must_change_password, u.email_confirmed";

/// A new admin account.
pub struct NewAdmin<'a> {
    pub email: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub role: &'a str,
    pub password_hash: Option<&'a str>,
    pub must_change_password: bool,
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    dialect: Dialect,
    /// The database file, for SQLite on disk.
    sqlite_path: Option<std::path::PathBuf>,
}

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
        Ok(self.pool.begin_with(self.dialect.begin_write()).await?)
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

    pub async fn admin_exists(&self) -> StoreResult<bool> {
        let row = sqlx::query(
            "select count(*) as n from users where role in ('super-admin', 'provider-admin')",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }

    /// Creates an admin: the first one is a super-admin whatever `role` says.
    pub async fn create_admin(&self, admin: &NewAdmin<'_>, now: Millis) -> StoreResult<String> {
        let mut tx = self.begin_write().await?;
        let id = insert_admin(&mut tx, admin, now).await?;
        audit(
            &mut tx,
            now,
            None,
            "admin.created",
            "user",
            Some(&id),
            admin.email,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn account_by_email(&self, email: &str) -> StoreResult<Option<AccountRow>> {
        let sql = format!("select {ACCOUNT_COLUMNS} from users u where lower(u.email) = lower($1)");
        Ok(sqlx::query_as::<_, AccountRow>(&sql)
            .bind(email)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Stores a new session and, in the same transaction, ends the one it replaces (rotation).
    pub async fn create_session(
        &self,
        id_hash: &str,
        user_id: &str,
        replaces: Option<&str>,
        now: Millis,
        expires_at: Millis,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        if let Some(old) = replaces {
            sqlx::query("delete from sessions where id_hash = $1")
                .bind(old)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "insert into sessions (id_hash, user_id, created_at, expires_at, last_seen_at) \
             values ($1, $2, $3, $4, $3)",
        )
        .bind(id_hash)
        .bind(user_id)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            now,
            Some(user_id),
            "session.login",
            "user",
            Some(user_id),
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Notes a failed sign-in in the audit log: on the account when the email is one, with the
    /// client's address (never the password, nor an unknown email as typed).
    pub async fn record_failed_login(
        &self,
        user_id: Option<&str>,
        address: &str,
        now: Millis,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let (subject, detail) = match user_id {
            Some(_) => ("user", format!("from {address}")),
            None => ("login", format!("unknown email, from {address}")),
        };
        audit(
            &mut tx,
            now,
            None,
            "session.login_failed",
            subject,
            user_id,
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The account a live device token was given to at a successful sign-in, if any.
    pub async fn device_user(&self, token_hash: &str, now: Millis) -> StoreResult<Option<String>> {
        Ok(sqlx::query(
            "select user_id from device_tokens where token_hash = $1 and expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?
        .map(|r| r.try_get("user_id"))
        .transpose()?)
    }

    /// Stores a device token for `user_id`, replacing the one the browser had.
    pub async fn add_device(
        &self,
        token_hash: &str,
        user_id: &str,
        replaces: Option<&str>,
        now: Millis,
        expires_at: Millis,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        if let Some(old) = replaces {
            sqlx::query("delete from device_tokens where token_hash = $1")
                .bind(old)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "insert into device_tokens (token_hash, user_id, created_at, expires_at) values ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn delete_session(&self, id_hash: &str) -> StoreResult<()> {
        sqlx::query("delete from sessions where id_hash = $1")
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The active account behind a live session, if any: not past its absolute lifetime, nor
    /// idle longer than `idle_ms` allows (admins, consumers). A use is recorded in `last_seen_at`
    /// at most every `seen_every_ms`, so reading a session rarely writes.
    pub async fn session_account(
        &self,
        id_hash: &str,
        now: Millis,
        idle_ms: (Millis, Millis),
        seen_every_ms: Millis,
    ) -> StoreResult<Option<AccountRow>> {
        use sqlx::FromRow as _;
        let sql = format!(
            "select {ACCOUNT_COLUMNS}, s.last_seen_at from sessions s join users u on u.id = s.user_id \
             where s.id_hash = $1 and s.expires_at > $2 and u.status = 'active' \
             and u.approval = 'approved' and u.email_confirmed = 1 and s.last_seen_at > $2 - case when {ADMIN_ROLE} then $3 else $4 end"
        );
        let Some(row) = sqlx::query(&sql)
            .bind(id_hash)
            .bind(now)
            .bind(idle_ms.0)
            .bind(idle_ms.1)
            .fetch_optional(&self.pool)
            .await?
        else {
            return Ok(None);
        };
        let seen: Millis = row.try_get("last_seen_at")?;
        if now - seen >= seen_every_ms {
            sqlx::query(
                "update sessions set last_seen_at = $1 where id_hash = $2 and last_seen_at = $3",
            )
            .bind(now)
            .bind(id_hash)
            .bind(seen)
            .execute(&self.pool)
            .await?;
        }
        Ok(Some(AccountRow::from_row(&row)?))
    }

    /// Stores a new admin-setup token and revokes any earlier one, so only the newest link works.
    pub async fn create_setup_token(
        &self,
        token_hash: &str,
        now: Millis,
        expires_at: Millis,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "update one_time_tokens set revoked_at = $1 \
             where purpose = 'admin_setup' and used_at is null and revoked_at is null",
        )
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "insert into one_time_tokens (id, token_hash, purpose, created_at, expires_at) \
             values ($1, $2, 'admin_setup', $3, $4)",
        )
        .bind(new_id())
        .bind(token_hash)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether an admin-setup token is still usable (GET of the setup page consumes nothing).
    pub async fn setup_token_usable(&self, token_hash: &str, now: Millis) -> StoreResult<bool> {
        let row = sqlx::query(
            "select count(*) as n from one_time_tokens where token_hash = $1 \
             and purpose = 'admin_setup' and used_at is null and revoked_at is null and expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get::<i64, _>("n")? > 0 && !self.admin_exists().await?)
    }

    /// Consumes the setup token and creates the first super-admin in one transaction; answers
    /// `NotFound` when the token is unknown, used, revoked or expired, or an admin already exists.
    pub async fn complete_setup(
        &self,
        token_hash: &str,
        admin: &NewAdmin<'_>,
        now: Millis,
    ) -> StoreResult<String> {
        let mut tx = self.begin_write().await?;
        let consumed = sqlx::query(
            "update one_time_tokens set used_at = $1 where token_hash = $2 \
             and purpose = 'admin_setup' and used_at is null and revoked_at is null and expires_at > $1",
        )
        .bind(now)
        .bind(token_hash)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let admins: i64 = sqlx::query(
            "select count(*) as n from users where role in ('super-admin', 'provider-admin')",
        )
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
        if consumed != 1 || admins > 0 {
            return Err(StoreError::NotFound);
        }
        let id = insert_admin(&mut tx, admin, now).await?;
        audit(
            &mut tx,
            now,
            Some(&id),
            "admin.setup",
            "user",
            Some(&id),
            admin.email,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }
}

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
    async fn rename(
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

async fn insert_admin(tx: &mut Tx, admin: &NewAdmin<'_>, now: Millis) -> StoreResult<String> {
    let admins: i64 = sqlx::query(
        "select count(*) as n from users where role in ('super-admin', 'provider-admin')",
    )
    .fetch_one(&mut **tx)
    .await?
    .try_get("n")?;
    let role = if admins == 0 {
        "super-admin"
    } else {
        admin.role
    };
    let id = new_id();
    sqlx::query(
        "insert into users (id, email, first_name, last_name, role, organization_id, status, \
         password_hash, must_change_password, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, null, 'active', $6, $7, $8, $8)",
    )
    .bind(&id)
    .bind(admin.email)
    .bind(admin.first_name)
    .bind(admin.last_name)
    .bind(role)
    .bind(admin.password_hash)
    .bind(i64::from(admin.must_change_password))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Appends an entry to the audit log inside the caller's transaction.
pub async fn audit(
    tx: &mut Tx,
    now: Millis,
    actor_id: Option<&str>,
    action: &str,
    subject_type: &str,
    subject_id: Option<&str>,
    detail: &str,
) -> StoreResult<()> {
    sqlx::query(
        "insert into audit_log (id, at, actor_id, action, subject_type, subject_id, detail) \
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(now)
    .bind(actor_id)
    .bind(action)
    .bind(subject_type)
    .bind(subject_id)
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
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
