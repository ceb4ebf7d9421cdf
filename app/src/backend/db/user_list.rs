//! The users table: a keyset page of consumers with its search, filters and sorts, and the
//! count beside it.

use super::counts::Scope;
use super::query::{Bind, Sql, escape_like};
use super::users::{ROW_COLUMNS, list_item};
use super::{CONSUMER_ROLE, Millis, Store, StoreResult};
use crate::domain::cursor::{decode as decode_cursor, encode as encode_cursor};
use crate::domain::user::{UserListItem, UserPage, UserSort, UserStatus};
use sqlx::Row as _;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// What the users table asks for.
#[derive(Debug, Clone, Default)]
pub struct UserQuery {
    pub search: Option<String>,
    pub organization_id: Option<String>,
    pub team_id: Option<String>,
    pub status: Option<UserStatus>,
    pub sort: UserSort,
    pub cursor: Option<String>,
    pub limit: i64,
}

impl UserQuery {
    /// The search as typed, trimmed; `None` when there is nothing to search for.
    fn search_text(&self) -> Option<&str> {
        self.search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

/// Where the users table stops counting.
pub const COUNT_CAP: i64 = 1_000;

/// Where the users table's plans change: `COUNT_CAP` and `RECENT_WINDOW` unless a test makes
/// them small, so that a few hundred users take every plan a million do; and the sides chosen
/// to lead recent searches (`Store::lead`).
#[derive(Debug)]
pub(super) struct PlanLimits {
    count_cap: AtomicI64,
    recent_window: AtomicI64,
    leads: Mutex<HashMap<String, (Lead, Instant)>>,
}

impl Default for PlanLimits {
    fn default() -> Self {
        Self {
            count_cap: AtomicI64::new(COUNT_CAP),
            recent_window: AtomicI64::new(RECENT_WINDOW),
            leads: Mutex::default(),
        }
    }
}

/// How long a search's chosen side is reused. The choice only decides the plan, never the rows
/// or the count, so an old one costs time at worst; it is made again after this.
const LEAD_KEPT: Duration = Duration::from_secs(60);
/// Chosen sides kept at most; past it they are chosen again.
const LEADS_KEPT: usize = 1_000;

impl PlanLimits {
    fn lead_of(&self, key: &str) -> Option<Lead> {
        let leads = self.leads.lock().unwrap_or_else(PoisonError::into_inner);
        leads
            .get(key)
            .filter(|(_, at)| at.elapsed() < LEAD_KEPT)
            .map(|(lead, _)| *lead)
    }

    fn keep_lead(&self, key: String, lead: Lead) {
        let mut leads = self.leads.lock().unwrap_or_else(PoisonError::into_inner);
        if leads.len() >= LEADS_KEPT {
            leads.retain(|_, (_, at)| at.elapsed() < LEAD_KEPT);
        }
        if leads.len() >= LEADS_KEPT {
            leads.clear();
        }
        leads.insert(key, (lead, Instant::now()));
    }
}

/// The filter for one shown status; it matches `status_of` exactly. When the search leads
/// (`Lead::Search`) the status column is written so no index is taken for it. The expiry is
/// always compared as `+u.invite_expires_at`: the expiry index (migration 0009) is the
/// sweeper's, and SQLite would otherwise take it for the "Invited" page and sort every match.
fn status_filter(sql: &mut Sql, status: UserStatus, now: Millis, lead: Lead) {
    let column = if lead == Lead::Search {
        " and (u.list_status || '')"
    } else {
        " and u.list_status"
    };
    match status {
        UserStatus::Inactive => {
            sql.push(column).push(" = 'inactive'");
        }
        UserStatus::PendingApproval => {
            sql.push(column).push(" = 'pending'");
        }
        UserStatus::Active => {
            sql.push(column).push(" = 'active'");
        }
        UserStatus::Invited => {
            sql.push(column)
                .push(" = 'invited' and +u.invite_expires_at > ")
                .push_bind(Bind::Int(now));
        }
        UserStatus::NotInvited => {
            sql.push(column)
                .push(" in ('not-invited', 'invited') and (u.list_status = 'not-invited' or +u.invite_expires_at <= ")
                .push_bind(Bind::Int(now))
                .push(")");
        }
    }
}

impl Store {
    /// Makes the users table count to `count_cap` and walk `recent_window` users at most, so a
    /// test of a few hundred users takes the plans a million take. For tests only.
    pub fn set_plan_limits(&self, count_cap: i64, recent_window: i64) {
        self.plan_limits
            .count_cap
            .store(count_cap, Ordering::Relaxed);
        self.plan_limits
            .recent_window
            .store(recent_window, Ordering::Relaxed);
        self.plan_limits
            .leads
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// A page of consumers, newest first unless sorted otherwise, with the total that match.
    /// A search's count stops at `COUNT_CAP` (`total_is_capped`), so a page costs about the same
    /// at a million users as at ten thousand; `count_users` gives the exact total past it.
    pub async fn list_users(&self, query: &UserQuery, now: Millis) -> StoreResult<UserPage> {
        let cap = self.plan_limits.count_cap.load(Ordering::Relaxed);
        let window = self.plan_limits.recent_window.load(Ordering::Relaxed);
        let lead = self.lead(query, now).await?;
        // Without a search the tally gives the exact total for a few rows read, so it is never
        // capped, and the page needs no `count_users` after it.
        let (total, total_is_capped) = match self.tallied_count(query, now).await? {
            Some(exact) => (exact, false),
            None => {
                let mut count = Sql::new("select count(*) as n from (select 1 from users u where ");
                count.push(CONSUMER_ROLE);
                push_filters(&mut count, query, now, Plan::Indexed(lead));
                count
                    .push(" limit ")
                    .push_bind(Bind::Int(cap + 1))
                    .push(") capped");
                let counted: i64 = count.query().fetch_one(&self.pool).await?.try_get("n")?;
                if counted > cap {
                    (cap, true)
                } else {
                    (counted, false)
                }
            }
        };

        let limit = query.limit.clamp(1, 200);
        let searching = query.search_text().is_some();
        // A search matching more than the count's cap, newest first: its first matches are almost
        // always among the most recent users, so walk those newest first before sorting every match.
        let mut rows = Vec::new();
        if total_is_capped
            && searching
            && query.sort == UserSort::Created
            && self.dialect.walks_recent_first()
        {
            rows = page_query(query, now, limit, Plan::RecentFirst(window))
                .query()
                .fetch_all(&self.pool)
                .await?;
        }
        if rows.len() as i64 <= limit {
            rows = page_query(query, now, limit, Plan::Indexed(lead))
                .query()
                .fetch_all(&self.pool)
                .await?;
        }
        // The cursor holds the sort keys as the database computed them (its lower() is not
        // Rust's for every letter), so the next page starts exactly after this one.
        let next_cursor = if rows.len() as i64 > limit {
            rows.truncate(limit as usize);
            rows.last()
                .map(|row| -> StoreResult<String> {
                    let key = |column: &str| row.try_get::<String, _>(column);
                    Ok(encode_cursor(&match query.sort {
                        UserSort::Created => {
                            vec![row.try_get::<i64, _>("created_at")?.to_string(), key("id")?]
                        }
                        UserSort::Name => vec![key("key_last")?, key("key_first")?, key("id")?],
                        UserSort::Email => vec![key("key_email")?, key("id")?],
                    }))
                })
                .transpose()?
        } else {
            None
        };
        let mut users = rows
            .iter()
            .map(|r| list_item(r, now))
            .collect::<StoreResult<Vec<_>>>()?;
        self.fill_teams(&mut users).await?;
        Ok(UserPage {
            users,
            total,
            total_is_capped,
            next_cursor,
        })
    }

    /// How many consumers match the search and filters, counted to the end: the exact total the
    /// users table shows beside a capped page. Without a search it is read from the tally
    /// (`counts`), a few rows whatever the size. A search reads an index entry per match, so the
    /// table asks for it apart from its pages. Admins have no organization (a check constraint)
    /// and so no teams: with an organization or a team chosen, every match is a consumer and the
    /// role test, which would read each row, is left out.
    pub async fn count_users(&self, query: &UserQuery, now: Millis) -> StoreResult<i64> {
        if let Some(exact) = self.tallied_count(query, now).await? {
            return Ok(exact);
        }
        let mut count = if query.organization_id.is_none() && query.team_id.is_none() {
            let mut sql = Sql::new("select count(*) as n from users u where ");
            sql.push(CONSUMER_ROLE);
            sql
        } else {
            Sql::new("select count(*) as n from users u where 1 = 1")
        };
        push_filters(
            &mut count,
            query,
            now,
            Plan::Indexed(self.lead(query, now).await?),
        );
        Ok(count.query().fetch_one(&self.pool).await?.try_get("n")?)
    }

    /// Which side leads a search with a status or an organization on SQLite: the one with fewer
    /// users. The filters' side is exact from the tally; the search's is counted on its ranges
    /// only up to one past it, so choosing costs no more index entries than the smaller side has.
    /// The choice is kept for [`LEAD_KEPT`]: a page asks twice (its rows and its exact count),
    /// and each time counted every match of a search the filters outnumber (10,000 index entries
    /// for "grace hop" with "Active": keeping it took that page from 6.4 to 4.3 ms p50 at a
    /// million users).
    async fn lead(&self, query: &UserQuery, now: Millis) -> StoreResult<Lead> {
        let Some(search) = query.search_text() else {
            return Ok(Lead::Planner);
        };
        if !self.dialect.needs_lead() || (query.status.is_none() && query.organization_id.is_none())
        {
            // A team alone is an `exists` test, which cannot lead: the search's ranges do.
            return Ok(Lead::Planner);
        }
        // Everything the choice reads: the filters' tally (status, organization, team) and the
        // search.
        let key = format!(
            "{:?}\u{0}{}\u{0}{}\u{0}{search}",
            query.status,
            query.organization_id.as_deref().unwrap_or(""),
            query.team_id.as_deref().unwrap_or("")
        );
        if let Some(lead) = self.plan_limits.lead_of(&key) {
            return Ok(lead);
        }
        let lead = self.choose_lead(query, search, now).await?;
        self.plan_limits.keep_lead(key, lead);
        Ok(lead)
    }

    async fn choose_lead(&self, query: &UserQuery, search: &str, now: Millis) -> StoreResult<Lead> {
        let unsearched = UserQuery {
            search: None,
            ..query.clone()
        };
        let Some(filtered) = self.tallied_count(&unsearched, now).await? else {
            return Ok(Lead::Planner);
        };
        let mut count = Sql::new("select count(*) as n from (select 1 from users u where ");
        count.push(CONSUMER_ROLE);
        push_search(&mut count, search, Plan::Indexed(Lead::Search));
        count
            .push(" limit ")
            .push_bind(Bind::Int(filtered + 1))
            .push(") s");
        let matches: i64 = count.query().fetch_one(&self.pool).await?.try_get("n")?;
        Ok(if matches <= filtered {
            Lead::Search
        } else {
            Lead::Filters
        })
    }

    /// The exact count from the tally when the query has no search (`None` with one).
    async fn tallied_count(&self, query: &UserQuery, now: Millis) -> StoreResult<Option<i64>> {
        if query.search_text().is_some() {
            return Ok(None);
        }
        let scope = match (&query.organization_id, &query.team_id) {
            (Some(org), Some(team)) => {
                // A team of another organization matches nobody.
                let ours: i64 = sqlx::query(
                    "select count(*) as n from teams where id = $1 and organization_id = $2",
                )
                .bind(team)
                .bind(org)
                .fetch_one(&self.pool)
                .await?
                .try_get("n")?;
                if ours == 0 {
                    return Ok(Some(0));
                }
                Scope::Team(team)
            }
            (None, Some(team)) => Scope::Team(team),
            (Some(org), None) => Scope::Organization(org),
            (None, None) => Scope::All,
        };
        Ok(Some(self.count_in(scope, query.status, now).await?))
    }

    async fn fill_teams(&self, users: &mut [UserListItem]) -> StoreResult<()> {
        if users.is_empty() {
            return Ok(());
        }
        let mut sql = Sql::new(
            "select m.user_id, t.name from team_memberships m join teams t on t.id = m.team_id where m.user_id in (",
        );
        sql.push_each(users.iter(), ", ", |sql, u| {
            sql.push_bind(Bind::Text(u.id.clone()));
        })
        .push(") order by lower(t.name)");
        for row in sql.query().fetch_all(&self.pool).await? {
            let user_id: String = row.try_get("user_id")?;
            let name: String = row.try_get("name")?;
            if let Some(user) = users.iter_mut().find(|u| u.id == user_id) {
                user.teams.push(name);
            }
        }
        Ok(())
    }
}

/// How many of the most recent users the newest-first search walks before it sorts every match.
pub const RECENT_WINDOW: i64 = 20_000;

/// Which side of a search with filters an SQLite plan starts from. SQLite keeps no statistics:
/// left to itself it takes the status or organization index (an equality) over the search's
/// ranges, and a search matching 1 % of the users with "Active" (80 %) read 800,000 rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lead {
    /// The database's planner chooses (Postgres, which has statistics; or nothing to choose).
    Planner,
    /// The search's ranges lead; the filters are tested on each match.
    Search,
    /// The filters' indexes lead; the search is tested on each row (a LIKE on the columns, the
    /// same test as `Plan::RecentFirst`'s).
    Filters,
}

/// How the users table's page is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// The search and filters on their indexes, led as told, then sorted.
    Indexed(Lead),
    /// Newest first along the creation-time index, testing the search on each row, among the
    /// window's newest users after the cursor only (`RECENT_WINDOW` of them). When that yields a full page it is the
    /// page the whole table gives (every match outside the window is older), found without
    /// sorting every match: for a search matching a large share of users, a few thousand rows
    /// read in order instead of every match sorted.
    RecentFirst(i64),
}

/// The page query of the users table.
fn page_query(query: &UserQuery, now: Millis, limit: i64, plan: Plan) -> Sql {
    let mut page = Sql::new("select ");
    page.push(ROW_COLUMNS)
        .push(
            ", lower(u.last_name) as key_last, lower(u.first_name) as key_first, \
             lower(u.email) as key_email from users u join organizations o on o.id = u.organization_id \
             where ",
        )
        .push(CONSUMER_ROLE);
    let cursor = query.cursor.as_deref().and_then(decode_cursor);
    let text = |value: &String| Bind::Text(value.clone());
    let time = |value: &String| Bind::Int(value.parse().unwrap_or(0));
    if let Plan::RecentFirst(window) = plan {
        // The creation time of the window's oldest user: a range on the creation-time index, so
        // the walk stops there. With fewer users after the cursor than the window holds it is
        // null, the page comes back empty, and the indexed plan answers.
        page.push(" and u.created_at >= (select w.created_at from users w");
        if let Some([at, id]) = cursor.as_deref() {
            page.push(" where (w.created_at < ")
                .push_bind(time(at))
                .push(" or (w.created_at = ")
                .push_bind(time(at))
                .push(" and w.id < ")
                .push_bind(text(id))
                .push("))");
        }
        page.push(" order by w.created_at desc, w.id desc limit 1 offset ")
            .push_bind(Bind::Int(window - 1))
            .push(")");
    }
    push_filters(&mut page, query, now, plan);
    let order = match query.sort {
        UserSort::Created => {
            if let Some([at, id]) = cursor.as_deref() {
                page.push(" and (u.created_at < ")
                    .push_bind(time(at))
                    .push(" or (u.created_at = ")
                    .push_bind(time(at))
                    .push(" and u.id < ")
                    .push_bind(text(id))
                    .push("))");
            }
            " order by u.created_at desc, u.id desc"
        }
        UserSort::Name => {
            if let Some([last, first, id]) = cursor.as_deref() {
                page.push(" and (lower(u.last_name) > ")
                    .push_bind(text(last))
                    .push(" or (lower(u.last_name) = ")
                    .push_bind(text(last))
                    .push(" and (lower(u.first_name) > ")
                    .push_bind(text(first))
                    .push(" or (lower(u.first_name) = ")
                    .push_bind(text(first))
                    .push(" and u.id > ")
                    .push_bind(text(id))
                    .push("))))");
            }
            " order by lower(u.last_name), lower(u.first_name), u.id"
        }
        UserSort::Email => {
            if let Some([email, id]) = cursor.as_deref() {
                page.push(" and (lower(u.email) > ")
                    .push_bind(text(email))
                    .push(" or (lower(u.email) = ")
                    .push_bind(text(email))
                    .push(" and u.id > ")
                    .push_bind(text(id))
                    .push("))");
            }
            " order by lower(u.email), u.id"
        }
    };
    page.push(order)
        .push(" limit ")
        .push_bind(Bind::Int(limit + 1));
    page
}

/// The search: a case-insensitive prefix of the email, the last name or "first last" (which
/// also covers the first name: a name that starts with it starts "first last" too).
fn push_search(sql: &mut Sql, search: &str, plan: Plan) {
    match plan {
        // Byte ranges on the expression indexes of migration 0006, in collation "binary"
        // (SQLite's own; on Postgres one the store creates from "C", so a linguistic database
        // collation changes nothing). lower() in SQL on both sides: the database's idea of lower
        // case (SQLite's changes ASCII letters only) is then the same for the keys and the search.
        Plan::Indexed(Lead::Planner | Lead::Search) => {
            let keys = [
                "lower(u.email)",
                "lower(u.last_name)",
                "lower(u.first_name || ' ' || u.last_name)",
            ];
            sql.push(" and (");
            sql.push_each(keys, " or ", |sql, key| {
                sql.push("(")
                    .push(key)
                    .push(" collate \"binary\" >= lower(")
                    .push_bind(Bind::Text(search.to_owned()))
                    .push(") and ")
                    .push(key)
                    .push(" collate \"binary\" < lower(")
                    .push_bind(Bind::Text(format!("{search}\u{10FFFF}")))
                    .push("))");
            });
            sql.push(")");
        }
        // Tested row by row while the creation-time index is walked, which only SQLite does
        // (`Dialect::walks_recent_first`): its LIKE folds ASCII letters, as its lower() does, so
        // a LIKE on the columns themselves is the same test at a third of the cost of the ranges.
        Plan::RecentFirst(_) | Plan::Indexed(Lead::Filters) => {
            let columns = [
                "u.email",
                "u.last_name",
                "(u.first_name || ' ' || u.last_name)",
            ];
            let pattern = format!("{}%", escape_like(search));
            sql.push(" and (");
            sql.push_each(columns, " or ", |sql, column| {
                sql.push(column)
                    .push(" like ")
                    .push_bind(Bind::Text(pattern.clone()))
                    .push(" escape '\\'");
            });
            sql.push(")");
        }
    }
}

/// The search and filters of the users table, shared by its count and its page.
fn push_filters(sql: &mut Sql, query: &UserQuery, now: Millis, plan: Plan) {
    if let Some(search) = query.search_text() {
        push_search(sql, search, plan);
    }
    let lead = match plan {
        Plan::Indexed(lead) => lead,
        Plan::RecentFirst(_) => Lead::Planner,
    };
    if let Some(org) = &query.organization_id {
        sql.push(if lead == Lead::Search {
            " and (u.organization_id || '') = "
        } else {
            " and u.organization_id = "
        })
        .push_bind(Bind::Text(org.clone()));
    }
    if let Some(team) = &query.team_id {
        sql.push(
            " and exists (select 1 from team_memberships m where m.user_id = u.id and m.team_id = ",
        )
        .push_bind(Bind::Text(team.clone()))
        .push(")");
    }
    if let Some(status) = query.status {
        status_filter(sql, status, now, lead);
    }
}
