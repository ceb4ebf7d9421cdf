//! Teams: names unique within their organization; deleting one keeps its members placed.

use crate::support::*;
use app::backend::db::{DEFAULT_ORGANIZATION_ID, DEFAULT_TEAM_ID};
use app::domain::team::TeamRow;
use reqwest::StatusCode;

async fn teams(app: &TestApp, organization: &str) -> Vec<TeamRow> {
    let response = app
        .call(
            "list_teams",
            &[("search", ""), ("organization_id", organization)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("rows")
}

#[tokio::test]
async fn teams_are_added_renamed_filtered_and_unique_within_their_organization() {
    let app = spawn_as_admin().await;
    let acme = app.create_organization("Acme").await;
    let devs = app
        .call(
            "create_team",
            &[("organization_id", acme.as_str()), ("name", "Developers")],
        )
        .await;
    assert_eq!(devs.status(), StatusCode::OK);
    let devs: String = devs.json().await.expect("id");
    let same = app
        .call(
            "create_team",
            &[("organization_id", acme.as_str()), ("name", "developers")],
        )
        .await;
    assert_eq!(same.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let elsewhere = app
        .call(
            "create_team",
            &[
                ("organization_id", DEFAULT_ORGANIZATION_ID),
                ("name", "Developers"),
            ],
        )
        .await;
    assert_eq!(
        elsewhere.status(),
        StatusCode::OK,
        "the same name in another organization is fine"
    );
    let nowhere = app
        .call(
            "create_team",
            &[("organization_id", "no-such-org"), ("name", "Ghosts")],
        )
        .await;
    assert_eq!(nowhere.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let of_acme: Vec<String> = teams(&app, &acme)
        .await
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(of_acme, ["Acme All users", "Developers"]);
    assert_eq!(
        app.call(
            "rename_team",
            &[("id", devs.as_str()), ("name", "Builders")]
        )
        .await
        .status(),
        StatusCode::OK
    );
    assert!(
        teams(&app, &acme)
            .await
            .iter()
            .any(|t| t.name == "Builders")
    );
    let default_delete = app.call("delete_team", &[("id", DEFAULT_TEAM_ID)]).await;
    assert_eq!(default_delete.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn deleting_a_team_moves_members_with_no_other_team_to_the_default_team() {
    let app = spawn_as_admin().await;
    let acme = app.create_organization("Acme").await;
    let devs = app.create_team(&acme, "Developers").await;
    let ops = app.create_team(&acme, "Ops").await;
    let only_devs = app
        .create_user_ok(&[
            ("email", "dev@example.com"),
            ("organization_id", acme.as_str()),
            ("team_ids][", devs.as_str()),
        ])
        .await;
    let create = app
        .call(
            "create_user",
            &[
                ("form[first_name]", "Both"),
                ("form[last_name]", "Teams"),
                ("form[email]", "both@example.com"),
                ("form[organization_id]", acme.as_str()),
                ("form[team_ids][]", devs.as_str()),
                ("form[team_ids][]", ops.as_str()),
                ("form[role]", ""),
                ("form[password]", ""),
            ],
        )
        .await;
    assert_eq!(create.status(), StatusCode::OK, "{:?}", create.text().await);
    let both: String = create.json().await.expect("id");

    let deleted = app.call("delete_team", &[("id", devs.as_str())]).await;
    assert_eq!(deleted.status(), StatusCode::OK);
    assert_eq!(deleted.json::<i64>().await.expect("members"), 2);
    assert_eq!(app.team_names(&only_devs).await, ["Acme All users"]);
    assert_eq!(app.team_names(&both).await, ["Ops"]);
}

#[tokio::test]
async fn team_functions_refuse_strangers_and_consumers() {
    let app = spawn_app().await;
    let calls: [(&str, &[(&str, &str)]); 4] = [
        ("list_teams", &[("search", ""), ("organization_id", "")]),
        (
            "create_team",
            &[
                ("organization_id", DEFAULT_ORGANIZATION_ID),
                ("name", "Evil"),
            ],
        ),
        ("rename_team", &[("id", DEFAULT_TEAM_ID), ("name", "Evil")]),
        ("delete_team", &[("id", "x")]),
    ];
    app.assert_admin_only(&calls).await;
    assert_eq!(app.count("select count(*) from teams").await, 1);
}
