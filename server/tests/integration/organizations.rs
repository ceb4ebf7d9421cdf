//! Organizations: each with its default team; deleting one keeps every user placed.

use crate::support::*;
use app::domain::organization::OrganizationRow;
use app::error::AppError;
use reqwest::StatusCode;

async fn organizations(app: &TestApp) -> Vec<OrganizationRow> {
    let response = app.call("list_organizations", &[("search", "")]).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("rows")
}

/// The organizations and teams the filters and the add-user dialog offer.
async fn choices(
    app: &TestApp,
) -> (
    Vec<app::domain::user::Choice>,
    Vec<app::domain::user::TeamChoice>,
) {
    app.call("user_choices", &[])
        .await
        .json()
        .await
        .expect("choices")
}

async fn create(app: &TestApp, name: &str) -> reqwest::Response {
    app.call("create_organization", &[("name", name)]).await
}

#[tokio::test]
async fn a_new_organization_comes_with_its_default_team_and_names_are_unique_case_insensitively() {
    let app = spawn_as_admin().await;
    let fresh = organizations(&app).await;
    assert_eq!(fresh.len(), 1);
    assert!(fresh[0].is_default && fresh[0].name == "Default Organization");

    assert_eq!(create(&app, "  Acme  ").await.status(), StatusCode::OK);
    let (_, teams) = choices(&app).await;
    assert!(
        teams
            .iter()
            .any(|t| t.name == "Acme All users" && t.is_default)
    );

    for bad in ["ACME", "", &"x".repeat(101)] {
        let response = create(&app, bad).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad:?}"
        );
        let error: AppError = response.json().await.expect("error");
        assert!(error.field_message("name").is_some());
    }
    assert_eq!(organizations(&app).await.len(), 2);
}

#[tokio::test]
async fn twenty_concurrent_creates_of_one_name_make_one_organization() {
    let app = spawn_as_admin().await;
    let mut handles = Vec::new();
    for i in 0..20 {
        let client = app.client.clone();
        let url = app.url("/api/create_organization");
        let name = if i % 2 == 0 { "Globex" } else { "GLOBEX" };
        handles.push(tokio::spawn(async move {
            client
                .post(url)
                .header(reqwest::header::ACCEPT, "application/json")
                .form(&[("name", name)])
                .send()
                .await
                .expect("post")
                .status()
        }));
    }
    let mut ok = 0;
    for handle in handles {
        let status = handle.await.expect("join");
        assert!(
            status == StatusCode::OK || status == StatusCode::UNPROCESSABLE_ENTITY,
            "{status}"
        );
        ok += usize::from(status == StatusCode::OK);
    }
    assert_eq!(ok, 1);
    assert_eq!(
        app.count("select count(*) from organizations where lower(name) = 'globex'")
            .await,
        1
    );
    assert_eq!(
        app.count("select count(*) from teams where name like 'G%All users'")
            .await,
        1
    );
}

#[tokio::test]
async fn deleting_an_organization_moves_its_users_to_the_default_team() {
    let app = spawn_as_admin().await;
    let acme = app.create_organization("Acme").await;
    for n in 0..3 {
        let email = format!("acme{n}@example.com");
        app.create_user_ok(&[
            ("email", email.as_str()),
            ("organization_id", acme.as_str()),
        ])
        .await;
    }
    let listed = organizations(&app).await;
    let row = listed.iter().find(|o| o.id == acme).expect("acme");
    assert_eq!((row.teams, row.users), (1, 3));
    let page = app
        .page_text(&format!("/admin/organizations?delete={acme}"))
        .await;
    assert!(
        page.contains("Its 3 users move to “Default Organization All users”"),
        "the confirmation says where users go"
    );

    let deleted = app.call("delete_organization", &[("id", &acme)]).await;
    assert_eq!(deleted.status(), StatusCode::OK);
    assert_eq!(deleted.json::<i64>().await.expect("moved"), 3);
    assert_eq!(app.count("select count(*) from organizations").await, 1);
    assert_eq!(
        app.count("select count(*) from teams").await,
        1,
        "its teams went with it"
    );
    assert_eq!(
        app.count(&format!(
            "select count(*) from team_memberships where team_id = '{}' and user_id in (select id from users where email like 'acme%')",
            app::backend::db::DEFAULT_TEAM_ID
        ))
        .await,
        3
    );
    let refused = app
        .call(
            "delete_organization",
            &[("id", app::backend::db::DEFAULT_ORGANIZATION_ID)],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn renaming_keeps_the_default_team_and_refuses_a_taken_name() {
    let app = spawn_as_admin().await;
    let acme = app.create_organization("Acme").await;
    create(&app, "Initech").await;
    let taken = app
        .call("rename_organization", &[("id", &acme), ("name", "initech")])
        .await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.call(
            "rename_organization",
            &[("id", &acme), ("name", "Acme Corp")]
        )
        .await
        .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.call(
            "rename_organization",
            &[
                ("id", app::backend::db::DEFAULT_ORGANIZATION_ID),
                ("name", "Everyone")
            ]
        )
        .await
        .status(),
        StatusCode::OK
    );
    let names: Vec<String> = organizations(&app)
        .await
        .into_iter()
        .map(|o| o.name)
        .collect();
    assert_eq!(names, ["Everyone", "Acme Corp", "Initech"]);
    assert_eq!(
        app.count("select count(*) from teams where name = 'Acme All users'")
            .await,
        1
    );
}

#[tokio::test]
async fn organization_functions_refuse_strangers_and_consumers() {
    let app = spawn_app().await;
    let calls: [(&str, &[(&str, &str)]); 4] = [
        ("list_organizations", &[("search", "")]),
        ("create_organization", &[("name", "Evil")]),
        (
            "rename_organization",
            &[
                ("id", app::backend::db::DEFAULT_ORGANIZATION_ID),
                ("name", "Evil"),
            ],
        ),
        ("delete_organization", &[("id", "x")]),
    ];
    app.assert_admin_only(&calls).await;
    assert_eq!(app.count("select count(*) from organizations").await, 1);
}

/// `%` and `_` in a search are the characters typed, not wildcards, for organizations, teams and
/// users alike (organizations and teams used to drop them, so "100%" found "100 Acme").
#[tokio::test]
async fn searches_take_percent_and_underscore_literally() {
    let app = spawn_as_admin().await;
    for name in ["100% Acme", "100 Acme", "a_b Labs", "axb Labs"] {
        assert_eq!(create(&app, name).await.status(), StatusCode::OK);
    }
    let found = |search: &'static str| {
        let app = &app;
        async move {
            let orgs: Vec<OrganizationRow> = app
                .call("list_organizations", &[("search", search)])
                .await
                .json()
                .await
                .expect("rows");
            let teams: Vec<app::domain::team::TeamRow> = app
                .call("list_teams", &[("search", search), ("organization_id", "")])
                .await
                .json()
                .await
                .expect("rows");
            (
                orgs.into_iter().map(|o| o.name).collect::<Vec<_>>(),
                teams.into_iter().map(|t| t.name).collect::<Vec<_>>(),
            )
        }
    };
    assert_eq!(
        found("100%").await,
        (
            vec!["100% Acme".to_owned()],
            vec!["100% Acme All users".to_owned()]
        )
    );
    assert_eq!(
        found("a_b").await,
        (
            vec!["a_b Labs".to_owned()],
            vec!["a_b Labs All users".to_owned()]
        )
    );
    assert_eq!(found("\\").await, (vec![], vec![]));

    app.create_user_ok(&[("email", "a_b@example.com")]).await;
    app.create_user_ok(&[("email", "axb@example.com")]).await;
    let page: app::domain::user::UserPage = app
        .call(
            "list_users",
            &[
                ("search", "a_b"),
                ("organization_id", ""),
                ("team_id", ""),
                ("status", ""),
                ("sort", ""),
                ("cursor", ""),
            ],
        )
        .await
        .json()
        .await
        .expect("page");
    let emails: Vec<String> = page.users.into_iter().map(|u| u.email).collect();
    assert_eq!(emails, ["a_b@example.com"]);
}

/// The filters and the add-user dialog offer the organizations and the teams from one query:
/// each list with its default first, then by name whatever the case, then by id.
#[tokio::test]
async fn the_choices_list_the_defaults_first_then_names_whatever_their_case() {
    let app = spawn_as_admin().await;
    let zeta = app.create_organization("zeta").await;
    let alpha = app.create_organization("Alpha").await;
    app.create_organization("beta").await;
    app.create_team(&zeta, "b team").await;
    app.create_team(&alpha, "A team").await;
    app.create_team(&zeta, "c team").await;
    let (organizations, teams) = choices(&app).await;
    let names = organizations
        .iter()
        .map(|o| o.name.as_str())
        .collect::<Vec<_>>();
    assert_eq!(names, ["Default Organization", "Alpha", "beta", "zeta"]);
    assert_eq!(
        organizations,
        app.state
            .store
            .organization_choices()
            .await
            .expect("organizations")
    );
    let names = teams.iter().map(|t| t.name.as_str()).collect::<Vec<_>>();
    // The four organizations' "All users" teams are their defaults.
    assert_eq!(
        names,
        [
            "Alpha All users",
            "beta All users",
            "Default Organization All users",
            "zeta All users",
            "A team",
            "b team",
            "c team"
        ]
    );
    assert!(teams[..4].iter().all(|t| t.is_default));
    assert_eq!(teams[4].organization_id, alpha);
    assert_eq!(teams[5].organization_id, zeta);
}
