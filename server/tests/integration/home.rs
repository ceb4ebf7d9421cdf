//! The admin home page (issue 15, item 7): what waits for an admin, and the counts of users,
//! organizations and teams from the maintained counters, equal to a recount.

use crate::support::*;
use app::domain::home::AdminHome;
use reqwest::StatusCode;
use std::time::Duration;

async fn home(app: &TestApp) -> AdminHome {
    let response = app.call("what_waits", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("home")
}

#[tokio::test]
async fn the_home_page_counts_what_waits_and_the_portal_from_its_counters() {
    let app = spawn_as_admin().await;
    app.login_admin().await;
    assert_eq!(
        home(&app).await,
        AdminHome {
            organizations: 1,
            teams: 1,
            ..AdminHome::default()
        },
        "a new portal: the default organization and its team, nothing waiting"
    );

    let acme = app.create_organization("Acme").await;
    let devs = app.create_team(&acme, "Devs").await;
    app.create_user_ok(&[
        ("email", "member@acme.test"),
        ("organization_id", &acme),
        ("password", "a member's long password"),
    ])
    .await;
    let invited = app.create_user_ok(&[("email", "invited@acme.test")]).await;
    assert_eq!(
        app.call("send_invite", &[("id", &invited)]).await.status(),
        StatusCode::OK
    );
    // A registrant who confirmed their address waits for approval; an unconfirmed one does not
    // count yet.
    for email in ["waiting@example.com", "unconfirmed@example.com"] {
        let response = app
            .call_with(
                &client(&app.base),
                "register",
                &[
                    ("form[first_name]", "Reg"),
                    ("form[last_name]", "Istrant"),
                    ("form[email]", email),
                    ("form[password]", "a registrant's long password"),
                    ("form[confirm_password]", "a registrant's long password"),
                    ("form[invite_code]", ""),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    app.confirm_registration(
        &client(&app.base),
        "waiting@example.com",
        "a registrant's long password",
    )
    .await;
    app.call(
        "set_registration_settings",
        &[
            ("allow_registration", "on"),
            ("organization_requests", "on"),
        ],
    )
    .await;
    app.insert_consumer("asker@example.com", "an asker's long password")
        .await;
    let asker = app
        .signed_in_client("asker@example.com", "an asker's long password")
        .await;
    assert_eq!(
        app.call_with(&asker, "request_organization", &[("name", "Asker Co")])
            .await
            .status(),
        StatusCode::OK
    );
    sqlx::query("update email_outbox set status = 'failed', attempts = 8 where to_address = 'waiting@example.com'")
        .execute(app.state.store.pool())
        .await
        .expect("fail an email");

    let now = home(&app).await;
    assert_eq!(now.pending_registrations, 1);
    assert_eq!(now.pending_organization_requests, 1);
    assert!(now.failed_emails >= 1, "{now:?}");
    assert_eq!(now.invitations_expiring, 0, "the invitation has 7 days");
    assert_eq!(
        now.users,
        app.count(
            "select count(*) from users where role in ('consumer-admin', 'consumer-team-member')"
        )
        .await
    );
    assert_eq!((now.organizations, now.teams), (2, 3));

    // Six and a half days later the invitation expires within a day.
    app.state
        .clock
        .advance(Duration::from_secs(13 * 12 * 60 * 60));
    app.login_admin().await; // the admin's session went idle meanwhile
    assert_eq!(home(&app).await.invitations_expiring, 1);

    // Deleting a team, then an organization with its teams, moves the counters like a recount.
    assert_eq!(
        app.call("delete_team", &[("id", &devs)]).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.call("delete_organization", &[("id", &acme)])
            .await
            .status(),
        StatusCode::OK
    );
    let after = home(&app).await;
    assert_eq!((after.organizations, after.teams), (1, 1));
    app.assert_counts().await;
    let html = app.page_text("/admin").await;
    assert!(html.contains("1 registration awaits approval"), "{html}");
    assert!(
        html.contains("1 organization request awaits a decision"),
        "{html}"
    );
    assert!(html.contains(r#"href="/admin/approvals""#), "{html}");
}
