//! The admin home page's numbers, each an index range or a few rows of the tally whatever the
//! portal's size: nothing here counts a whole table.

use super::counts::Scope;
use super::{CONSUMER_ROLE, Millis, Store, StoreResult};
use crate::domain::home::AdminHome;
use sqlx::Row as _;

const DAY_MS: Millis = 24 * 60 * 60 * 1000;

impl Store {
    pub async fn admin_home(&self, now: Millis) -> StoreResult<AdminHome> {
        let count = |sql: String, bind: Option<(Millis, Millis)>| async move {
            let mut query = sqlx::query(&sql);
            if let Some((from, to)) = bind {
                query = query.bind(from).bind(to);
            }
            let n: i64 = query.fetch_one(&self.pool).await?.try_get("n")?;
            StoreResult::Ok(n)
        };
        // Registrations awaiting approval are among the few users stored as 'pending' (the
        // status index's range), as are unconfirmed ones, which are not counted.
        let pending_registrations = count(
            format!(
                "select count(*) as n from users u where u.list_status = 'pending' \
                 and u.approval = 'pending' and u.email_confirmed = 1 and {CONSUMER_ROLE}"
            ),
            None,
        )
        .await?;
        let pending_organization_requests = count(
            "select count(*) as n from organization_requests where status = 'pending'".into(),
            None,
        )
        .await?;
        let failed_emails = count(
            "select count(*) as n from email_outbox where status = 'failed'".into(),
            None,
        )
        .await?;
        let invitations_expiring = count(
            format!(
                "select count(*) as n from users u where u.list_status = 'invited' \
                 and u.invite_expires_at > $1 and u.invite_expires_at <= $2 and {CONSUMER_ROLE}"
            ),
            Some((now, now + DAY_MS)),
        )
        .await?;
        let users = self.count_in(Scope::All, None, now).await?;
        let mut groups = (0, 0);
        for row in sqlx::query(
            "select scope, cast(sum(n) as bigint) as n from user_counts \
             where scope in ('organizations', 'teams') group by scope",
        )
        .fetch_all(&self.pool)
        .await?
        {
            let n: i64 = row.try_get("n")?;
            match row.try_get::<String, _>("scope")?.as_str() {
                "organizations" => groups.0 = n,
                _ => groups.1 = n,
            }
        }
        Ok(AdminHome {
            pending_registrations,
            pending_organization_requests,
            failed_emails,
            invitations_expiring,
            users,
            organizations: groups.0,
            teams: groups.1,
        })
    }
}
