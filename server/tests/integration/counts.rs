//! The user tally (issue 14): random sequences of the admin's changes, one at a time and several
//! at once, after which every stored count equals its recount and every count the users table
//! shows equals a slow count of the rows.

use crate::support::*;
use app::domain::user::UserStatus;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::StatusCode;
use sqlx::Row as _;
use std::time::Duration;

/// One change an admin (or an invited user) makes; the numbers pick users, teams, organizations.
#[derive(Debug, Clone)]
enum Op {
    Create {
        org: u8,
        team: u8,
        password: bool,
    },
    Invite(u8),
    Accept(u8),
    Revoke(u8),
    SetActive(u8, bool),
    Move {
        user: u8,
        org: u8,
        team: u8,
    },
    JoinTeam(u8, u8),
    LeaveTeam(u8, u8),
    Delete(u8),
    DeleteTeam(u8),
    DeleteOrganization(u8),
    /// An invitation's lifetime passes; `sweep` runs the sweeper afterwards.
    Expire {
        sweep: bool,
    },
    Fold,
    /// Several of the above at the same moment.
    Together(Vec<Op>),
}

fn single_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (any::<u8>(), any::<u8>(), any::<bool>())
            .prop_map(|(org, team, password)| Op::Create { org, team, password }),
        3 => any::<u8>().prop_map(Op::Invite),
        2 => any::<u8>().prop_map(Op::Accept),
        1 => any::<u8>().prop_map(Op::Revoke),
        2 => (any::<u8>(), any::<bool>()).prop_map(|(u, a)| Op::SetActive(u, a)),
        2 => (any::<u8>(), any::<u8>(), any::<u8>())
            .prop_map(|(user, org, team)| Op::Move { user, org, team }),
        2 => (any::<u8>(), any::<u8>()).prop_map(|(u, t)| Op::JoinTeam(u, t)),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(u, t)| Op::LeaveTeam(u, t)),
        1 => any::<u8>().prop_map(Op::Delete),
        1 => any::<u8>().prop_map(Op::DeleteTeam),
        1 => any::<u8>().prop_map(Op::DeleteOrganization),
        1 => any::<bool>().prop_map(|sweep| Op::Expire { sweep }),
        1 => Just(Op::Fold),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => single_op(),
        2 => prop::collection::vec(single_op(), 2..5).prop_map(Op::Together),
    ]
}

/// What the sequence made so far: ids to pick from.
#[derive(Default)]
struct World {
    users: Vec<(String, String)>,
    organizations: Vec<String>,
    teams: Vec<(String, String)>,
    created: usize,
}

fn pick<T: Clone>(items: &[T], n: u8) -> Option<T> {
    (!items.is_empty()).then(|| items[n as usize % items.len()].clone())
}

/// Calls `function` and answers its status (a refusal, such as a deleted user, is fine here: the
/// counts must hold whatever the answer).
async fn call(app: &TestApp, function: &str, form: &[(&str, &str)]) -> StatusCode {
    app.call(function, form).await.status()
}

async fn run(app: &TestApp, world: &mut World, op: Op) {
    match op {
        Op::Create {
            org,
            team,
            password,
        } => {
            let Some(org) = pick(&world.organizations, org) else {
                return;
            };
            let teams: Vec<String> = world
                .teams
                .iter()
                .filter(|(_, o)| *o == org)
                .map(|(t, _)| t.clone())
                .collect();
            world.created += 1;
            let email = format!("user{}@example.com", world.created);
            let mut fields = vec![
                ("email", email.as_str()),
                ("organization_id", org.as_str()),
                (
                    "password",
                    if password {
                        "a long enough password"
                    } else {
                        ""
                    },
                ),
            ];
            let team = pick(&teams, team).filter(|_| team % 2 == 0);
            if let Some(team) = &team {
                fields.push(("team_ids][", team.as_str()));
            }
            let response = app.create_user(&fields).await;
            if response.status() == StatusCode::OK {
                let id: String = response.json().await.expect("id");
                world.users.push((id, email));
            }
        }
        Op::Invite(u) => {
            if let Some((id, _)) = pick(&world.users, u) {
                call(app, "send_invite", &[("id", &id)]).await;
            }
        }
        Op::Accept(u) => {
            let Some((_, email)) = pick(&world.users, u) else {
                return;
            };
            let secret = sqlx::query(
                "select link_secret from email_outbox where kind = 'invitation' and to_address = $1 \
                 and link_secret is not null order by created_at desc limit 1",
            )
            .bind(&email)
            .fetch_optional(app.state.store.pool())
            .await
            .expect("secret");
            if let Some(row) = secret {
                let secret: String = row.try_get("link_secret").expect("secret");
                // In a browser of their own: accepting signs the new user in.
                app.call_with(
                    &client(&app.base),
                    "accept_invitation",
                    &[
                        ("token", &secret),
                        ("password", "a long enough password"),
                        ("confirm_password", "a long enough password"),
                    ],
                )
                .await;
            }
        }
        Op::Revoke(u) => {
            if let Some((id, _)) = pick(&world.users, u) {
                call(app, "revoke_invite", &[("id", &id)]).await;
            }
        }
        Op::SetActive(u, active) => {
            if let Some((id, _)) = pick(&world.users, u) {
                let active = if active { "true" } else { "false" };
                call(app, "set_user_active", &[("id", &id), ("active", active)]).await;
            }
        }
        Op::Move { user, org, team } => {
            let (Some((id, email)), Some(org)) =
                (pick(&world.users, user), pick(&world.organizations, org))
            else {
                return;
            };
            let teams: Vec<String> = world
                .teams
                .iter()
                .filter(|(_, o)| *o == org)
                .map(|(t, _)| t.clone())
                .collect();
            let mut form = vec![
                ("id", id.as_str()),
                ("form[first_name]", "Moved"),
                ("form[last_name]", "User"),
                ("form[email]", email.as_str()),
                ("form[organization_id]", org.as_str()),
                ("form[role]", "consumer-team-member"),
            ];
            let team = pick(&teams, team);
            if let Some(team) = &team {
                form.push(("form[team_ids][]", team.as_str()));
            }
            call(app, "update_user", &form).await;
        }
        Op::JoinTeam(u, t) => {
            if let (Some((user, _)), Some((team, _))) =
                (pick(&world.users, u), pick(&world.teams, t))
            {
                call(
                    app,
                    "add_user_to_team",
                    &[("user_id", &user), ("team_id", &team)],
                )
                .await;
            }
        }
        Op::LeaveTeam(u, t) => {
            if let (Some((user, _)), Some((team, _))) =
                (pick(&world.users, u), pick(&world.teams, t))
            {
                call(
                    app,
                    "remove_team_member",
                    &[("team_id", &team), ("user_id", &user)],
                )
                .await;
            }
        }
        Op::Delete(u) => {
            if let Some((id, _)) = pick(&world.users, u) {
                call(app, "delete_user", &[("id", &id)]).await;
            }
        }
        Op::DeleteTeam(t) => {
            if let Some((team, _)) = pick(&world.teams, t) {
                call(app, "delete_team", &[("id", &team)]).await;
            }
        }
        Op::DeleteOrganization(o) => {
            if let Some(org) = pick(&world.organizations, o) {
                call(app, "delete_organization", &[("id", &org)]).await;
            }
        }
        Op::Expire { sweep } => {
            app.state.clock.advance(Duration::from_secs(31 * 24 * 3600));
            // The admin's session is past its lifetime too.
            app.login_admin().await;
            if sweep {
                while app
                    .state
                    .store
                    .sweep_expired_invitations(app.state.clock.now())
                    .await
                    .expect("sweep")
                    > 0
                {}
            }
        }
        Op::Fold => while app.state.store.fold_counts().await.expect("fold") > 0 {},
        Op::Together(ops) => {
            // Creations first, so the ids they add are known; the rest at the same moment.
            let mut rest = Vec::new();
            for op in ops {
                match op {
                    Op::Create { .. } => Box::pin(run(app, world, op)).await,
                    other => rest.push(other),
                }
            }
            let snapshot = World {
                users: world.users.clone(),
                organizations: world.organizations.clone(),
                teams: world.teams.clone(),
                created: world.created,
            };
            let together = rest.into_iter().map(|op| {
                let mut mine = World {
                    users: snapshot.users.clone(),
                    organizations: snapshot.organizations.clone(),
                    teams: snapshot.teams.clone(),
                    created: snapshot.created,
                };
                async move { Box::pin(run(app, &mut mine, op)).await }
            });
            futures::future::join_all(together).await;
            // Concurrent runs never create, so the world is as before.
        }
    }
}

/// The users table's count for one filter against a slow count of the rows with the same rule.
async fn assert_table_counts(app: &TestApp, world: &World) {
    let now = app.state.clock.now();
    let mut scopes: Vec<(String, String, String)> =
        vec![(String::new(), String::new(), String::new())];
    for org in &world.organizations {
        scopes.push((
            org.clone(),
            String::new(),
            format!(" and u.organization_id = '{org}'"),
        ));
    }
    for (team, org) in &world.teams {
        let filter = format!(
            " and exists (select 1 from team_memberships m where m.user_id = u.id and m.team_id = '{team}')"
        );
        scopes.push((String::new(), team.clone(), filter.clone()));
        scopes.push((org.clone(), team.clone(), filter));
    }
    let statuses: Vec<(String, String)> = std::iter::once((String::new(), String::new()))
        .chain(UserStatus::ALL.into_iter().map(|s| {
            let rule = match s {
                UserStatus::Active => "u.list_status = 'active'".to_owned(),
                UserStatus::Inactive => "u.list_status = 'inactive'".to_owned(),
                UserStatus::PendingApproval => "u.list_status = 'pending'".to_owned(),
                UserStatus::Invited => {
                    format!("u.list_status = 'invited' and u.invite_expires_at > {now}")
                }
                UserStatus::NotInvited => format!(
                    "(u.list_status = 'not-invited' or (u.list_status = 'invited' and u.invite_expires_at <= {now}))"
                ),
            };
            (s.key().to_owned(), format!(" and {rule}"))
        }))
        .collect();
    for (org, team, scope_rule) in &scopes {
        for (status, status_rule) in &statuses {
            let slow = app
                .count(&format!(
                    "select count(*) from users u where u.role in ('consumer-admin', 'consumer-team-member'){scope_rule}{status_rule}"
                ))
                .await;
            let response = app
                .call(
                    "count_users",
                    &[
                        ("search", ""),
                        ("organization_id", org),
                        ("team_id", team),
                        ("status", status),
                    ],
                )
                .await;
            assert_eq!(response.status(), StatusCode::OK);
            let shown: i64 = response.json().await.expect("count");
            assert_eq!(
                shown, slow,
                "count_users(organization {org:?}, team {team:?}, status {status:?})"
            );
        }
    }
}

async fn case(ops: Vec<Op>) {
    let app = spawn_as_admin().await;
    app.login_admin().await;
    let mut world = World::default();
    world
        .organizations
        .push(app::backend::db::DEFAULT_ORGANIZATION_ID.to_owned());
    world.teams.push((
        app::backend::db::DEFAULT_TEAM_ID.to_owned(),
        app::backend::db::DEFAULT_ORGANIZATION_ID.to_owned(),
    ));
    for name in ["Acme", "Globex"] {
        let org = app.create_organization(name).await;
        for team in ["Red", "Blue"] {
            let id = app.create_team(&org, &format!("{name} {team}")).await;
            world.teams.push((id, org.clone()));
        }
        world.organizations.push(org);
    }
    for op in ops {
        run(&app, &mut world, op).await;
    }
    app.assert_counts().await;
    assert_table_counts(&app, &world).await;
    // Folding changes no count.
    while app.state.store.fold_counts().await.expect("fold") > 0 {}
    app.assert_counts().await;
    assert_table_counts(&app, &world).await;
}

#[test]
fn every_count_equals_its_recount_after_random_changes() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut runner = TestRunner::new(Config {
        cases: 6,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&prop::collection::vec(op(), 10..40), |ops| {
            runtime.block_on(case(ops));
            Ok(())
        })
        .expect("counts hold");
}

/// An invitation counts as "Invited" until it expires, then as "Not invited", before and after
/// the sweeper stores the change, and the organizations and teams lists count from the tally.
#[tokio::test]
async fn expired_invitations_leave_invited_before_and_after_the_sweep() {
    let app = spawn_as_admin().await;
    app.login_admin().await;
    let acme = app.create_organization("Acme").await;
    let red = app.create_team(&acme, "Red").await;
    let ada = app
        .create_user_ok(&[("organization_id", &acme), ("team_ids][", &red)])
        .await;
    assert_eq!(
        app.call("send_invite", &[("id", &ada)]).await.status(),
        StatusCode::OK
    );
    let count = |status: &'static str, org: String, team: String| {
        let app = &app;
        async move {
            app.call(
                "count_users",
                &[
                    ("search", ""),
                    ("organization_id", &org),
                    ("team_id", &team),
                    ("status", status),
                ],
            )
            .await
            .json::<i64>()
            .await
            .expect("count")
        }
    };
    for (org, team) in [
        (String::new(), String::new()),
        (acme.clone(), String::new()),
        (String::new(), red.clone()),
    ] {
        assert_eq!(count("invited", org.clone(), team.clone()).await, 1);
        assert_eq!(count("not-invited", org, team).await, 0);
    }
    app.state.clock.advance(Duration::from_secs(31 * 24 * 3600));
    app.login_admin().await;
    for (org, team) in [
        (String::new(), String::new()),
        (acme.clone(), String::new()),
        (String::new(), red.clone()),
    ] {
        assert_eq!(count("invited", org.clone(), team.clone()).await, 0);
        assert_eq!(count("not-invited", org, team).await, 1);
    }
    let moved = app
        .state
        .store
        .sweep_expired_invitations(app.state.clock.now())
        .await
        .expect("sweep");
    assert_eq!(moved, 1);
    assert_eq!(
        app.scalar_text(&format!("select list_status from users where id = '{ada}'"))
            .await,
        "not-invited"
    );
    assert_eq!(count("invited", String::new(), red.clone()).await, 0);
    assert_eq!(count("not-invited", String::new(), red.clone()).await, 1);
    app.assert_counts().await;

    let organizations = app.page_text("/admin/organizations").await;
    assert!(organizations.contains("Acme"), "{organizations}");
    let row = app
        .call("list_organizations", &[("search", "Acme")])
        .await
        .text()
        .await
        .expect("rows");
    assert!(row.contains("\"users\":1"), "{row}");
    let teams = app
        .call("list_teams", &[("search", "Red"), ("organization_id", "")])
        .await
        .text()
        .await
        .expect("rows");
    assert!(teams.contains("\"members\":1"), "{teams}");
}

/// `portico doctor` finds a count changed behind the triggers' back, and `--fix` recounts.
#[tokio::test]
async fn a_drifted_count_is_found_and_recounted() {
    let app = spawn_as_admin().await;
    app.login_admin().await;
    app.create_user_ok(&[]).await;
    app.assert_counts().await;
    sqlx::query("insert into user_counts (scope, list_status, n) values ('', 'not-invited', 5)")
        .execute(app.state.store.pool())
        .await
        .expect("drift");
    let drift = app.state.store.check_counts().await.expect("check");
    assert_eq!(drift.len(), 1, "{drift:?}");
    assert_eq!((drift[0].tallied, drift[0].recounted), (6, 1));
    app.state.store.recount_counts().await.expect("recount");
    app.assert_counts().await;
}
