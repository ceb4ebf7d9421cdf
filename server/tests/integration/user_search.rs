//! The users table against a slow reference (issue 14, item 2): every search × status ×
//! organization × team × sort, each page walked to the end, gives exactly the users a plain filter
//! of every row gives, in the same order, and its count is theirs. The store's plan limits are made
//! small, so these few hundred users take the plans a million take (the capped count, the walk of
//! the newest users, the plan chosen by the smaller side).

use crate::support::*;
use app::domain::user::{UserPage, UserStatus};
use reqwest::StatusCode;
use sqlx::Row as _;

const FIRST: [&str; 6] = ["Grace", "Greta", "Ada", "Alan", "Gray", "Hopper"];
const LAST: [&str; 6] = ["Hopper", "Hop", "Lovelace", "Turing", "Graham", "Adams"];
const STORED: [&str; 5] = ["active", "inactive", "pending", "invited", "not-invited"];

/// One consumer as the reference sees it.
#[derive(Debug, Clone)]
struct Person {
    id: String,
    first: String,
    last: String,
    email: String,
    organization: String,
    teams: Vec<String>,
    status: UserStatus,
    created_at: i64,
}

impl Person {
    /// The search rule SPEC gives, written plainly: a case-insensitive prefix of the email, the
    /// last name or "first last" (ASCII folding, as both databases fold these names).
    fn matches(&self, search: &str) -> bool {
        let search = search.trim().to_ascii_lowercase();
        if search.is_empty() {
            return true;
        }
        let full = format!("{} {}", self.first, self.last).to_ascii_lowercase();
        self.email.to_ascii_lowercase().starts_with(&search)
            || self.last.to_ascii_lowercase().starts_with(&search)
            || full.starts_with(&search)
    }
}

/// Seeds `n` consumers straight into the rows (the triggers count them), spread over names,
/// stored statuses (some invitations already expired), organizations and teams; answers them
/// with their shown status at `now`.
async fn seed(app: &TestApp, n: usize, now: i64) -> (Vec<Person>, Vec<(String, String)>) {
    let acme = app.create_organization("Acme").await;
    let globex = app.create_organization("Globex").await;
    let mut teams = vec![(
        app::backend::db::DEFAULT_TEAM_ID.to_owned(),
        app::backend::db::DEFAULT_ORGANIZATION_ID.to_owned(),
    )];
    for org in [&acme, &globex] {
        for name in ["Red", "Blue"] {
            let team = app.create_team(org, &format!("{name} {org}")).await;
            teams.push((team, org.clone()));
        }
    }
    let organizations = [
        app::backend::db::DEFAULT_ORGANIZATION_ID.to_owned(),
        acme,
        globex,
    ];
    let pool = app.state.store.pool();
    let mut people = Vec::new();
    for i in 0..n {
        let first = FIRST[i % FIRST.len()];
        let last = LAST[(i / FIRST.len()) % LAST.len()];
        let email = format!(
            "{}.{}{i}@example.com",
            first.to_lowercase(),
            last.to_lowercase()
        );
        let organization = organizations[(i * 7) % 3].clone();
        let stored = STORED[(i * 3) % STORED.len()];
        // Half the invitations expired an hour ago, the other half expire in a day.
        let expires = (stored == "invited").then_some(if i % 2 == 0 {
            now - 3_600_000
        } else {
            now + 86_400_000
        });
        // Some share a creation time, so the id breaks the tie.
        let created_at = 1_000 + (i as i64 / 3) * 10;
        let id = uuid::Uuid::now_v7().to_string();
        sqlx::query(
            "insert into users (id, email, first_name, last_name, role, organization_id, status, \
             list_status, invite_expires_at, created_at, updated_at) \
             values ($1, $2, $3, $4, 'consumer-team-member', $5, 'active', $6, $7, $8, $8)",
        )
        .bind(&id)
        .bind(&email)
        .bind(first)
        .bind(last)
        .bind(&organization)
        .bind(stored)
        .bind(expires)
        .bind(created_at)
        .execute(pool)
        .await
        .expect("insert user");
        let ours: Vec<&String> = teams
            .iter()
            .filter(|(_, o)| *o == organization)
            .map(|(t, _)| t)
            .collect();
        let mut mine = Vec::new();
        for (k, team) in ours.iter().enumerate() {
            if (i + k) % 2 == 0 || ours.len() == 1 {
                sqlx::query(
                    "insert into team_memberships (user_id, team_id, organization_id, created_at) \
                     values ($1, $2, $3, 0)",
                )
                .bind(&id)
                .bind(*team)
                .bind(&organization)
                .execute(pool)
                .await
                .expect("insert membership");
                mine.push((*team).clone());
            }
        }
        let status = match stored {
            "active" => UserStatus::Active,
            "inactive" => UserStatus::Inactive,
            "pending" => UserStatus::PendingApproval,
            "invited" if expires.is_some_and(|at| at > now) => UserStatus::Invited,
            _ => UserStatus::NotInvited,
        };
        people.push(Person {
            id,
            first: first.to_owned(),
            last: last.to_owned(),
            email,
            organization,
            teams: mine,
            status,
            created_at,
        });
    }
    (people, teams)
}

/// Every page of the table for one query, walked by its cursors: the ids in order, and the
/// count shown (the exact one from `count_users`).
async fn walk(app: &TestApp, fields: &[(&str, &str)]) -> (Vec<String>, i64) {
    let mut ids = Vec::new();
    let mut cursor = String::new();
    loop {
        let mut form = with_fields(&USERS_QUERY, fields);
        form.retain(|(k, _)| *k != "cursor");
        form.push(("cursor", &cursor));
        let response = app.call("list_users", &form).await;
        assert_eq!(response.status(), StatusCode::OK, "{fields:?}");
        let page: UserPage = response.json().await.expect("page");
        ids.extend(page.users.iter().map(|u| u.id.clone()));
        match page.next_cursor {
            Some(next) => cursor = next,
            None => break,
        }
        assert!(
            ids.len() < 10_000,
            "the cursors go round in circles: {fields:?}"
        );
    }
    let count_form: Vec<(&str, &str)> = with_fields(&USERS_QUERY, fields)
        .into_iter()
        .filter(|(k, _)| matches!(*k, "search" | "organization_id" | "team_id" | "status"))
        .collect();
    let response = app.call("count_users", &count_form).await;
    assert_eq!(response.status(), StatusCode::OK);
    (ids, response.json().await.expect("count"))
}

#[tokio::test]
async fn every_search_filter_and_sort_gives_what_a_plain_filter_of_every_row_gives() {
    let app = spawn_as_admin().await;
    app.login_admin().await;
    // A page counts to 20 and the newest-first walk looks at 60 users at most.
    app.state.store.set_plan_limits(20, 60);
    let now = app.state.clock.now();
    let (people, teams) = seed(&app, 420, now).await;
    // The sweeper has run for some of the expired invitations only.
    let swept: i64 = sqlx::query(
        "select count(*) as n from users where list_status = 'invited' and invite_expires_at <= $1",
    )
    .bind(now)
    .fetch_one(app.state.store.pool())
    .await
    .expect("count")
    .try_get("n")
    .expect("n");
    assert!(swept > 10, "some invitations expired: {swept}");
    app.state
        .store
        .sweep_expired_invitations(now)
        .await
        .expect("sweep");

    let searches = [
        "",
        "g",
        "gr",
        "grace hop",
        "GRACE H",
        "ada",
        "hop",
        "grace.hopper1",
        "zz",
        "grace  ",
    ];
    let mut organizations = vec![String::new()];
    organizations.extend(teams.iter().map(|(_, o)| o.clone()));
    organizations.dedup();
    let mut scopes: Vec<(String, String)> = organizations
        .iter()
        .map(|o| (o.clone(), String::new()))
        .collect();
    for (team, org) in &teams {
        scopes.push((String::new(), team.clone()));
        scopes.push((org.clone(), team.clone()));
    }
    // A team with another organization matches nobody.
    scopes.push((organizations[1].clone(), teams[teams.len() - 1].0.clone()));
    let statuses: Vec<Option<UserStatus>> = std::iter::once(None)
        .chain(UserStatus::ALL.into_iter().map(Some))
        .collect();
    let mut combinations = 0;
    for search in searches {
        for (org, team) in &scopes {
            for status in &statuses {
                for sort in ["", "name", "email"] {
                    // The sorts by name and email are walked without a scope only: the scope's
                    // filter is the same code whatever the order.
                    let scoped = !org.is_empty() || !team.is_empty();
                    if !sort.is_empty() && scoped {
                        continue;
                    }
                    let mut expected: Vec<&Person> = people
                        .iter()
                        .filter(|p| p.matches(search))
                        .filter(|p| org.is_empty() || p.organization == *org)
                        .filter(|p| team.is_empty() || p.teams.contains(team))
                        .filter(|p| status.is_none_or(|s| p.status == s))
                        .collect();
                    match sort {
                        "name" => expected.sort_by_key(|p| {
                            (
                                p.last.to_ascii_lowercase(),
                                p.first.to_ascii_lowercase(),
                                p.id.clone(),
                            )
                        }),
                        "email" => {
                            expected.sort_by_key(|p| (p.email.to_ascii_lowercase(), p.id.clone()))
                        }
                        _ => expected
                            .sort_by_key(|p| std::cmp::Reverse((p.created_at, p.id.clone()))),
                    }
                    let expected: Vec<String> = expected.iter().map(|p| p.id.clone()).collect();
                    let status_key = status.map(|s| s.key()).unwrap_or("");
                    let fields = [
                        ("search", search),
                        ("organization_id", org.as_str()),
                        ("team_id", team.as_str()),
                        ("status", status_key),
                        ("sort", sort),
                    ];
                    let (ids, count) = walk(&app, &fields).await;
                    assert_eq!(ids, expected, "the pages of {fields:?}");
                    assert_eq!(count, expected.len() as i64, "the count of {fields:?}");
                    combinations += 1;
                }
            }
        }
    }
    assert!(combinations > 500, "{combinations} combinations");
    app.assert_counts().await;
}
