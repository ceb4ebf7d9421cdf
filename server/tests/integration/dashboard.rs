//! "My dashboard > Users": a consumer sees the people they share a team with, and nobody else.

use crate::support::*;
use app::backend::db::DEFAULT_ORGANIZATION_ID;
use app::domain::colleague::Colleagues;
use app::domain::user::UserStatus;
use app::error::AppError;
use reqwest::StatusCode;

pub(crate) const PASSWORD: &str = "a long and unusual passphrase 42";

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

pub(crate) async fn users_seen_by(app: &TestApp, client: &reqwest::Client, q: &str) -> Colleagues {
    let response = app.call_with(client, "my_users", &[("q", q)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("colleagues")
}

pub(crate) fn emails(list: &Colleagues) -> Vec<&str> {
    list.people.iter().map(|p| p.email.as_str()).collect()
}

/// Acme has teams Devs and Ops; Globex has its default team. Alice (Acme's consumer admin) and
/// Bob are in Devs, Carol in Ops only, Dave in both, Erin in Globex, Fay in the default
/// organization.
pub(crate) struct World {
    pub app: TestApp,
    pub acme: String,
    pub devs: String,
    pub ops: String,
    pub globex: String,
}

pub(crate) async fn world() -> World {
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
        admin,
    )
    .await;
    World {
        app,
        acme,
        devs,
        ops,
        globex,
    }
}

#[tokio::test]
async fn a_consumer_sees_exactly_the_people_who_share_a_team_with_them() {
    let World { app, .. } = world().await;

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
    let World { app, .. } = world().await;
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
    let World { app, .. } = world().await;
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
    let World { app, .. } = world().await;
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

/// The "Invite new user" form of a consumer admin as posted.
pub(crate) async fn invite(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    organization: &str,
    teams: &[&str],
) -> reqwest::Response {
    let mut form = vec![
        ("form[first_name]", "New"),
        ("form[last_name]", "Comer"),
        ("form[email]", email),
        ("form[organization_id]", organization),
        ("form[role]", "consumer-team-member"),
    ];
    for team in teams {
        form.push(("form[team_ids][]", team));
    }
    app.call_with(client, "invite_colleague", &form).await
}

#[tokio::test]
async fn a_consumer_admin_invites_into_their_own_organization_and_teams_and_the_email_goes_out() {
    let World {
        app,
        acme,
        devs,
        globex,
        ..
    } = world().await;
    let alice = app.signed_in_client("alice@acme.test", PASSWORD).await;
    let alice_id = app
        .scalar_text("select id from users where email = 'alice@acme.test'")
        .await;

    // The organization posted is ignored: the user joins Alice's.
    let response = invite(&app, &alice, "newbie@acme.test", &globex, &[&devs]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let id: String = response.json().await.expect("id");
    assert_eq!(
        app.scalar_text(&format!(
            "select organization_id from users where id = '{id}'"
        ))
        .await,
        acme
    );
    let seen = users_seen_by(&app, &alice, "newbie").await;
    assert_eq!(emails(&seen), ["newbie@acme.test"]);
    assert_eq!(seen.people[0].status, UserStatus::Invited);
    assert_eq!(seen.people[0].teams, ["Devs"]);
    assert_eq!(
        app.count(
            "select count(*) from email_outbox where kind = 'invitation' \
             and to_address = 'newbie@acme.test' and related_token_id is not null"
        )
        .await,
        1,
        "the invitation is queued with its link in the same transaction"
    );
    assert_eq!(
        app.count(&format!(
            "select count(*) from audit_log where subject_id = '{id}' and actor_id = '{alice_id}' \
             and action in ('user.created', 'invitation.sent')"
        ))
        .await,
        2,
        "both steps are audited with the acting consumer"
    );

    // The admin's page of the user shows who did it.
    let detail: app::domain::user::UserDetail = app
        .call("user", &[("id", &id)])
        .await
        .json()
        .await
        .expect("user detail");
    let by_alice: Vec<&str> = detail
        .audit
        .iter()
        .filter(|a| a.actor.as_deref() == Some("alice@acme.test"))
        .map(|a| a.action.as_str())
        .collect();
    assert!(
        by_alice.contains(&"user.created") && by_alice.contains(&"invitation.sent"),
        "{:?}",
        detail.audit
    );

    // No team ticked: the organization's default team.
    let response = invite(&app, &alice, "plain@acme.test", "", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let default_team = app
        .scalar_text(
            "select t.name from team_memberships m join teams t on t.id = m.team_id \
             join users u on u.id = m.user_id where u.email = 'plain@acme.test'",
        )
        .await;
    assert_eq!(default_team, "Acme All users");
    app.assert_counts().await;
}

#[tokio::test]
async fn an_invitation_outside_the_admins_teams_or_of_a_taken_email_is_a_field_error_and_stores_nothing()
 {
    let World { app, ops, .. } = world().await;
    let alice = app.signed_in_client("alice@acme.test", PASSWORD).await;
    let (status, error) = error_of(invite(&app, &alice, "ops@acme.test", "", &[&ops]).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        error.field_message("team_ids").as_deref(),
        Some("Choose among your own teams.")
    );
    assert_eq!(app.users_with_email("ops@acme.test").await, 0);

    let (status, error) = error_of(invite(&app, &alice, "erin@globex.test", "", &[]).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error.field_message("email").is_some(), "{error:?}");
    assert_eq!(
        app.count("select count(*) from email_outbox where to_address = 'ops@acme.test' or to_address = 'erin@globex.test'")
            .await,
        0
    );
}

#[tokio::test]
async fn only_a_consumer_admin_of_a_company_may_invite() {
    let World { app, devs, .. } = world().await;
    let stranger = client(&app.base);
    let (status, _) = error_of(invite(&app, &stranger, "x1@acme.test", "", &[]).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for (who, email) in [
        ("bob@acme.test", "x2@acme.test"),
        ("fay@example.com", "x3@example.com"),
    ] {
        let client = app.signed_in_client(who, PASSWORD).await;
        let (status, _) = error_of(invite(&app, &client, email, "", &[&devs]).await).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(app.users_with_email(email).await, 0);
    }
    let (status, _) = error_of(invite(&app, &app.client, "x4@acme.test", "", &[&devs]).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "an admin uses the admin app");
}

#[tokio::test]
async fn ten_concurrent_invitations_of_one_email_make_one_user_and_one_email() {
    let World { app, devs, .. } = world().await;
    let alice = app.signed_in_client("alice@acme.test", PASSWORD).await;
    let teams = [devs.as_str()];
    let answers = futures::future::join_all(
        (0..10).map(|_| invite(&app, &alice, "race@acme.test", "", &teams)),
    )
    .await;
    let statuses: Vec<StatusCode> = answers.iter().map(|r| r.status()).collect();
    assert_eq!(count_of(&statuses, StatusCode::OK), 1, "{statuses:?}");
    assert_eq!(
        count_of(&statuses, StatusCode::UNPROCESSABLE_ENTITY),
        9,
        "{statuses:?}"
    );
    assert_eq!(app.users_with_email("race@acme.test").await, 1);
    assert_eq!(
        app.count("select count(*) from email_outbox where to_address = 'race@acme.test'")
            .await,
        1
    );
    app.assert_counts().await;
}
