//! "My dashboard > Users": a consumer sees the people they share a team with, and nobody else.

use crate::support::*;
use app::backend::db::DEFAULT_ORGANIZATION_ID;
use app::domain::colleague::Colleagues;
use app::domain::user::UserStatus;
use app::error::AppError;
use reqwest::StatusCode;

const PASSWORD: &str = "a long and unusual passphrase 42";

/// A consumer with `PASSWORD`, created by the admin in `organization` and `teams`.
async fn person(
    app: &TestApp,
    email: &str,
    (first, last): (&str, &str),
    organization: &str,
    teams: &[&str],
    role: &str,
) -> String {
    let mut form: Vec<(String, String)> = [
        ("email", email),
        ("first_name", first),
        ("last_name", last),
        ("organization_id", organization),
        ("role", role),
        ("password", PASSWORD),
    ]
    .iter()
    .map(|(k, v)| (format!("form[{k}]"), (*v).to_owned()))
    .collect();
    for team in teams {
        form.push(("form[team_ids][]".to_owned(), (*team).to_owned()));
    }
    let response = app.call_form("create_user", &form).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    response.json::<String>().await.expect("id")
}

async fn users_seen_by(app: &TestApp, client: &reqwest::Client, q: &str) -> Colleagues {
    let response = app.call_with(client, "my_users", &[("q", q)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("colleagues")
}

fn emails(list: &Colleagues) -> Vec<&str> {
    list.people.iter().map(|p| p.email.as_str()).collect()
}

/// Acme has teams Devs and Ops; Globex has its default team. Alice (Acme's consumer admin) and
/// Bob are in Devs, Carol in Ops only, Dave in both, Erin in Globex, Fay in the default
/// organization.
struct World {
    app: TestApp,
}

async fn world() -> World {
    let app = spawn_as_admin().await;
    app.login_admin().await;
    let acme = app.create_organization("Acme").await;
    let devs = app.create_team(&acme, "Devs").await;
    let ops = app.create_team(&acme, "Ops").await;
    let globex = app.create_organization("Globex").await;
    let admin = "consumer-admin";
    let member = "consumer-team-member";
    person(
        &app,
        "alice@acme.test",
        ("Alice", "Able"),
        &acme,
        &[&devs],
        admin,
    )
    .await;
    person(
        &app,
        "bob@acme.test",
        ("Bob", "Baker"),
        &acme,
        &[&devs],
        member,
    )
    .await;
    person(
        &app,
        "carol@acme.test",
        ("Carol", "Cole"),
        &acme,
        &[&ops],
        member,
    )
    .await;
    person(
        &app,
        "dave@acme.test",
        ("Dave", "Dunn"),
        &acme,
        &[&devs, &ops],
        member,
    )
    .await;
    person(
        &app,
        "erin@globex.test",
        ("Erin", "Eve"),
        &globex,
        &[],
        admin,
    )
    .await;
    person(
        &app,
        "fay@example.com",
        ("Fay", "Fox"),
        DEFAULT_ORGANIZATION_ID,
        &[],
        member,
    )
    .await;
    World { app }
}

#[tokio::test]
async fn a_consumer_sees_exactly_the_people_who_share_a_team_with_them() {
    let World { app } = world().await;

    let alice = app.signed_in_client("alice@acme.test", PASSWORD).await;
    let seen = users_seen_by(&app, &alice, "").await;
    assert_eq!(seen.organization.as_deref(), Some("Acme"));
    assert!(seen.viewer_is_admin);
    assert_eq!(
        emails(&seen),
        ["alice@acme.test", "bob@acme.test", "dave@acme.test"],
        "sorted by last name; Carol (Ops only), Erin (Globex) and Fay are not in Alice's teams"
    );
    let dave = seen.people.iter().find(|p| p.email == "dave@acme.test");
    assert_eq!(
        dave.map(|p| p.teams.clone()),
        Some(vec!["Devs".to_owned()]),
        "only the teams shared with the viewer are shown"
    );
    assert!(seen.people.iter().all(|p| p.status == UserStatus::Active));

    let carol = app.signed_in_client("carol@acme.test", PASSWORD).await;
    let seen = users_seen_by(&app, &carol, "").await;
    assert!(!seen.viewer_is_admin);
    assert_eq!(emails(&seen), ["carol@acme.test", "dave@acme.test"]);

    let erin = app.signed_in_client("erin@globex.test", PASSWORD).await;
    let seen = users_seen_by(&app, &erin, "").await;
    assert_eq!(
        emails(&seen),
        ["erin@globex.test"],
        "another organization sees none of Acme"
    );

    let fay = app.signed_in_client("fay@example.com", PASSWORD).await;
    let seen = users_seen_by(&app, &fay, "").await;
    assert_eq!(seen.organization, None);
    assert!(
        seen.people.is_empty(),
        "the default organization is not a company: nobody is listed"
    );
}

#[tokio::test]
async fn the_search_matches_names_and_emails_literally_within_the_visible_people() {
    let World { app } = world().await;
    let alice = app.signed_in_client("alice@acme.test", PASSWORD).await;
    assert_eq!(
        emails(&users_seen_by(&app, &alice, "BAKER").await),
        ["bob@acme.test"]
    );
    assert_eq!(
        emails(&users_seen_by(&app, &alice, "dave d").await),
        ["dave@acme.test"]
    );
    assert_eq!(emails(&users_seen_by(&app, &alice, "@acme").await).len(), 3);
    assert!(
        users_seen_by(&app, &alice, "carol").await.people.is_empty(),
        "not in her teams"
    );
    assert!(
        users_seen_by(&app, &alice, "%").await.people.is_empty(),
        "% is no wildcard"
    );
    assert!(
        users_seen_by(&app, &alice, "a_").await.people.is_empty(),
        "_ is no wildcard"
    );
}

#[tokio::test]
async fn strangers_and_admins_are_refused() {
    let World { app } = world().await;
    let stranger = client(&app.base);
    let (status, _) = error_of(app.call_with(&stranger, "my_users", &[("q", "")]).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, error) = error_of(app.call("my_users", &[("q", "")]).await).await;
    assert_eq!(
        (status, error),
        (StatusCode::FORBIDDEN, AppError::Forbidden)
    );
}

#[tokio::test]
async fn the_page_lists_the_people_without_javascript() {
    let World { app } = world().await;
    let bob = app.signed_in_client("bob@acme.test", PASSWORD).await;
    let page = bob
        .get(app.url("/dashboard?q=able"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(page.contains("My dashboard"), "{page}");
    assert!(page.contains("alice@acme.test"), "{page}");
    assert!(
        !page.contains("dave@acme.test"),
        "the search keeps Alice only"
    );
    assert!(page.contains("Only a consumer admin of your organization can change them."));

    let fay = app.signed_in_client("fay@example.com", PASSWORD).await;
    let page = fay
        .get(app.url("/dashboard"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        page.contains("You are not in an organization yet"),
        "{page}"
    );
    assert!(!page.contains("bob@acme.test"));
}
