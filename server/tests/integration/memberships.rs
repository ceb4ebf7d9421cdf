//! Team pages and the user page's teams: members are added and removed one at a time, never
//! across organizations, and a user never ends up without a team.

use crate::support::*;
use app::backend::db::{DEFAULT_ORGANIZATION_ID, DEFAULT_TEAM_ID};
use app::domain::organization::OrganizationRow;
use app::domain::team::TeamRow;
use reqwest::StatusCode;

/// Acme with its default team and a team "Devs"; answers (acme, devs).
async fn acme_with_devs(app: &TestApp) -> (String, String) {
    let acme = app.create_organization("Acme").await;
    let devs = app.create_team(&acme, "Devs").await;
    (acme, devs)
}

/// Adds the user with `email` to `team` from the team page.
async fn add_member(app: &TestApp, team: &str, email: &str) -> reqwest::Response {
    app.call("add_team_member", &[("team_id", team), ("email", email)])
        .await
}

/// Adds the user to `team` from the user page.
async fn add_to_team(app: &TestApp, user: &str, team: &str) -> reqwest::Response {
    app.call("add_user_to_team", &[("user_id", user), ("team_id", team)])
        .await
}

/// Saves Ada's edit form as a browser without wasm posts it: in `organization`, with `team`
/// still selected.
async fn post_edit(app: &TestApp, ada: &str, organization: &str, team: &str) -> reqwest::Response {
    app.call(
        "update_user",
        &[
            ("id", ada),
            ("form[first_name]", "Ada"),
            ("form[last_name]", "Lovelace"),
            ("form[email]", "ada@example.com"),
            ("form[organization_id]", organization),
            ("form[team_ids][]", team),
            ("form[role]", "consumer-team-member"),
        ],
    )
    .await
}

/// The message of a refusal: the response is asserted to be a 422.
async fn refusal(response: reqwest::Response) -> String {
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.expect("body");
    let error: app::error::AppError = serde_json::from_str(&body).expect("an AppError");
    error.to_string()
}

#[tokio::test]
async fn a_team_page_adds_members_by_email_and_a_member_removed_from_its_last_team_returns_to_the_default_team()
 {
    let app = spawn_as_admin().await;
    let (acme, devs) = acme_with_devs(&app).await;
    let ada = app
        .create_user_ok(&[("organization_id", acme.as_str())])
        .await;
    assert_eq!(app.team_names(&ada).await, ["Acme All users"]);

    let added = add_member(&app, &devs, " ADA@example.com ").await;
    assert_eq!(added.status(), StatusCode::OK, "{:?}", added.text().await);
    assert_eq!(app.team_names(&ada).await, ["Acme All users", "Devs"]);
    let team: TeamRow = app
        .call("team", &[("id", devs.as_str())])
        .await
        .json()
        .await
        .expect("team");
    assert_eq!((team.name.as_str(), team.members), ("Devs", 1));

    let again = add_member(&app, &devs, "ada@example.com").await;
    assert_eq!(refusal(again).await, "Already a member of this team.");
    let unknown = add_member(&app, &devs, "nobody@example.com").await;
    assert_eq!(refusal(unknown).await, "No user has this email.");

    let acme_default = app
        .scalar_text(&format!(
            "select id from teams where organization_id = '{acme}' and is_default = 1"
        ))
        .await;
    let remove = |team: String| {
        let (app, ada) = (&app, ada.clone());
        async move {
            app.call(
                "remove_team_member",
                &[("team_id", team.as_str()), ("user_id", ada.as_str())],
            )
            .await
            .status()
        }
    };
    assert_eq!(remove(acme_default.clone()).await, StatusCode::OK);
    assert_eq!(app.team_names(&ada).await, ["Devs"]);
    assert_eq!(
        remove(devs.clone()).await,
        StatusCode::OK,
        "removing the last team is allowed"
    );
    assert_eq!(
        app.team_names(&ada).await,
        ["Acme All users"],
        "and puts the user back in the default team"
    );
    assert_eq!(
        remove(acme_default).await,
        StatusCode::CONFLICT,
        "the default team is the one team a user cannot leave when it is the only one"
    );
    assert_eq!(app.team_names(&ada).await, ["Acme All users"]);
    assert_eq!(
        remove(devs).await,
        StatusCode::NOT_FOUND,
        "not a member any more"
    );
}

#[tokio::test]
async fn a_member_of_another_organization_is_refused_by_the_team_page_and_by_the_database() {
    let app = spawn_as_admin().await;
    let (_, devs) = acme_with_devs(&app).await;
    let grace = app.create_user_ok(&[("email", "grace@example.com")]).await;
    let refused = add_member(&app, &devs, "grace@example.com").await;
    assert_eq!(
        refusal(refused).await,
        "This user belongs to another organization."
    );
    let from_user_page = add_to_team(&app, &grace, &devs).await;
    assert_eq!(from_user_page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.team_names(&grace).await,
        ["Default Organization All users"]
    );
    let direct = app
        .state
        .store
        .add_team_member(&devs, &grace, app::backend::db::By::user("test", 1))
        .await;
    assert!(
        matches!(direct, Err(app::backend::db::StoreError::ForeignKey)),
        "{direct:?}"
    );
}

#[tokio::test]
async fn the_user_page_adds_a_team_of_the_users_organization() {
    let app = spawn_as_admin().await;
    let (acme, devs) = acme_with_devs(&app).await;
    let ada = app
        .create_user_ok(&[("organization_id", acme.as_str())])
        .await;
    let empty = add_to_team(&app, &ada, "").await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let added = add_to_team(&app, &ada, &devs).await;
    assert_eq!(added.status(), StatusCode::OK);
    assert_eq!(app.team_names(&ada).await, ["Acme All users", "Devs"]);
    let audit = app
        .count(&format!(
            "select count(*) from audit_log where subject_id = '{ada}' and action = 'user.team_added'"
        ))
        .await;
    assert_eq!(audit, 1);
}

#[tokio::test]
async fn an_edit_posted_without_javascript_that_moves_a_user_drops_the_old_organizations_teams() {
    let app = spawn_as_admin().await;
    let (acme, devs) = acme_with_devs(&app).await;
    let ada = app
        .create_user_ok(&[("organization_id", acme.as_str())])
        .await;
    add_to_team(&app, &ada, &devs).await;
    // The browser without wasm still shows Acme's teams, selected, after the organization changed.
    let moved = post_edit(&app, &ada, DEFAULT_ORGANIZATION_ID, &devs).await;
    assert_eq!(moved.status(), StatusCode::OK, "{:?}", moved.text().await);
    assert_eq!(
        app.team_names(&ada).await,
        ["Default Organization All users"]
    );

    // Back to Acme with a team of a third organization: refused, nothing changed.
    let other = app.create_organization("Other").await;
    let other_team = app.create_team(&other, "Elsewhere").await;
    let refused = post_edit(&app, &ada, &acme, &other_team).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.team_names(&ada).await,
        ["Default Organization All users"]
    );
    assert_eq!(
        app.scalar_text(&format!(
            "select organization_id from users where id = '{ada}'"
        ))
        .await,
        DEFAULT_ORGANIZATION_ID
    );
}

#[tokio::test]
async fn an_organization_page_shows_its_counts() {
    let app = spawn_as_admin().await;
    let (acme, _) = acme_with_devs(&app).await;
    app.create_user_ok(&[("organization_id", acme.as_str())])
        .await;
    let org: OrganizationRow = app
        .call("organization", &[("id", acme.as_str())])
        .await
        .json()
        .await
        .expect("organization");
    assert_eq!(
        (org.name.as_str(), org.teams, org.users, org.is_default),
        ("Acme", 2, 1, false)
    );
    assert_eq!(
        app.call("organization", &[("id", "nope")]).await.status(),
        StatusCode::NOT_FOUND
    );
    let page = app.page_text(&format!("/admin/organizations/{acme}")).await;
    assert!(
        page.contains("Acme All users") && page.contains("Devs"),
        "{page}"
    );
    assert!(page.contains("ada@example.com"));
}

#[tokio::test]
async fn membership_functions_refuse_strangers_and_consumers() {
    let app = spawn_app().await;
    let calls: [(&str, &[(&str, &str)]); 5] = [
        ("team", &[("id", DEFAULT_TEAM_ID)]),
        ("organization", &[("id", DEFAULT_ORGANIZATION_ID)]),
        (
            "add_team_member",
            &[
                ("team_id", DEFAULT_TEAM_ID),
                ("email", "refused@example.com"),
            ],
        ),
        (
            "add_user_to_team",
            &[("user_id", "x"), ("team_id", DEFAULT_TEAM_ID)],
        ),
        (
            "remove_team_member",
            &[("team_id", DEFAULT_TEAM_ID), ("user_id", "x")],
        ),
    ];
    app.assert_admin_only(&calls).await;
}
