//! The users menu, the "Add user" dialog, invitations and their email.

use crate::smtp::{SmtpServer, invite_link};
use crate::support::*;
use app::domain::user::{UserDetail, UserPage, UserStatus};
use app::error::AppError;
use reqwest::StatusCode;
use std::time::Duration;

async fn app_with_smtp() -> (TestApp, SmtpServer) {
    let smtp = SmtpServer::start().await;
    let app = spawn_with_smtp(smtp.url()).await;
    app.login_admin().await;
    (app, smtp)
}

async fn detail(app: &TestApp, id: &str) -> UserDetail {
    let response = app.call("user", &[("id", id)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("detail")
}

async fn list(app: &TestApp, fields: &[(&str, &str)]) -> UserPage {
    let response = app
        .call("list_users", &with_fields(&USERS_QUERY, fields))
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    response.json().await.expect("page")
}

async fn field_error(response: reqwest::Response) -> (String, String) {
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    match response.json::<AppError>().await.expect("AppError") {
        AppError::Validation { errors, .. } => (errors[0].field.clone(), errors[0].message.clone()),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_invited_user_sets_a_password_from_the_emailed_link_and_signs_in() {
    let (app, smtp) = app_with_smtp().await;
    let id = app.create_user_ok(&[]).await;
    assert_eq!(detail(&app, &id).await.status, UserStatus::NotInvited);

    assert_eq!(
        app.call("send_invite", &[("id", &id)]).await.status(),
        StatusCode::OK
    );
    let user = detail(&app, &id).await;
    assert_eq!(user.status, UserStatus::Invited);
    assert!(user.invitation_expires_at.is_some());

    let message = smtp.wait_for(1).await.remove(0);
    assert!(message.contains("To: ada@example.com"), "{message}");
    assert!(
        message.contains("Subject: You're invited to Portico"),
        "{message}"
    );
    assert!(message.contains("Hello Ada"));
    let link = invite_link(&message);
    assert!(link.starts_with(&app.base), "{link}");

    let consumer = client(&app.base);
    let page = consumer.get(&link).send().await.expect("page");
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    let html = page.text().await.expect("html");
    assert!(html.contains("Welcome, Ada Lovelace") && html.contains("ada@example.com"));
    // Opening the page twice (a mail scanner, then the person) consumes nothing.
    assert!(text_at(&consumer, &link).await.contains("Confirm password"));

    let token = link.split("token=").nth(1).expect("token");
    let accepted = app
        .call_with(
            &consumer,
            "accept_invitation",
            &[
                ("token", token),
                ("password", "ada's long password"),
                ("confirm_password", "ada's long password"),
            ],
        )
        .await;
    assert_eq!(
        accepted.status(),
        StatusCode::OK,
        "{:?}",
        accepted.text().await
    );
    let me: Option<app::domain::CurrentUser> = app
        .call_with(&consumer, "me", &[])
        .await
        .json()
        .await
        .expect("me");
    assert_eq!(me.map(|m| m.email).as_deref(), Some("ada@example.com"));
    assert_eq!(detail(&app, &id).await.status, UserStatus::Active);

    assert_eq!(
        app.call_with(&consumer, "logout", &[]).await.status(),
        StatusCode::OK
    );
    app.signed_in_client("ada@example.com", "ada's long password")
        .await;

    // The link is spent.
    let reuse = app
        .call_with(
            &client(&app.base),
            "accept_invitation",
            &[
                ("token", token),
                ("password", "another long password"),
                ("confirm_password", "another long password"),
            ],
        )
        .await;
    assert_eq!(reuse.status(), StatusCode::CONFLICT);
    assert!(
        text_at(&consumer, &link)
            .await
            .contains("This invitation was already used.")
    );
    let history = detail(&app, &id).await;
    assert!(
        history.invitations[0].accepted_at.is_some()
            && history.invitations[0].delivered_at.is_some()
    );
    assert!(
        history
            .audit
            .iter()
            .any(|a| a.action == "invitation.accepted")
    );
}

#[tokio::test]
async fn bad_input_is_a_field_error_and_stores_nothing() {
    let app = spawn_as_admin().await;
    let long = "x".repeat(101);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("first_name", "  ")], "first_name"),
        (vec![("last_name", "")], "last_name"),
        (vec![("first_name", long.as_str())], "first_name"),
        (vec![("email", "not-an-address")], "email"),
        (vec![("email", "a@b")], "email"),
        (vec![("password", "short")], "password"),
        (vec![("password", "ada@example.com")], "password"),
        (vec![("must_change_password", "on")], "must_change_password"),
        (vec![("team_ids][", "no-such-team")], "team_ids"),
    ];
    for (fields, field) in cases {
        let (got, message) = field_error(app.create_user(&fields).await).await;
        assert_eq!(got, field, "{fields:?}: {message}");
        assert!(!message.is_empty());
    }
    assert_eq!(
        app.count("select count(*) from users where role like 'consumer%'")
            .await,
        0
    );

    app.create_user_ok(&[]).await;
    let (field, message) =
        field_error(app.create_user(&[("email", "ADA@example.com")]).await).await;
    assert_eq!(
        (field.as_str(), message.as_str()),
        ("email", "A user with this email already exists")
    );
    assert_eq!(
        app.count("select count(*) from users where role like 'consumer%'")
            .await,
        1
    );
    assert_eq!(
        app.count("select count(*) from team_memberships").await,
        1,
        "the default team only"
    );
}

#[tokio::test]
async fn a_user_with_a_password_is_active_and_can_never_be_invited() {
    let app = spawn_as_admin().await;
    let id = app
        .create_user_ok(&[("password", "a long enough password")])
        .await;
    assert_eq!(detail(&app, &id).await.status, UserStatus::Active);
    let invite = app.call("send_invite", &[("id", &id)]).await;
    assert_eq!(invite.status(), StatusCode::CONFLICT);
    assert_eq!(
        app.count("select count(*) from one_time_tokens where purpose = 'invitation'")
            .await,
        0
    );
    assert_eq!(app.count("select count(*) from email_outbox").await, 0);
}

#[tokio::test]
async fn html_in_names_renders_as_text() {
    let app = spawn_as_admin().await;
    let id = app
        .create_user_ok(&[
            ("first_name", "<script>alert(1)</script>"),
            ("last_name", "<b>Bold</b>"),
        ])
        .await;
    for path in ["/admin/users".to_owned(), format!("/admin/users/{id}")] {
        let html = app.page_text(&path).await;
        assert!(
            !html.contains("<script>alert(1)") && !html.contains("<b>Bold"),
            "{path}: {}",
            html.split("<script>alert(1)")
                .next()
                .map(|h| &h[h.len().saturating_sub(300)..])
                .unwrap_or_default()
        );
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn twenty_concurrent_creates_of_one_email_make_one_user() {
    let app = spawn_as_admin().await;
    let attempts = (0..20).map(|i| {
        let app = &app;
        async move {
            let name = format!("Racer{i}");
            app.create_user(&[("first_name", name.as_str()), ("email", "race@example.com")])
                .await
                .status()
        }
    });
    let statuses = futures_join_all(attempts).await;
    assert_eq!(count_of(&statuses, StatusCode::OK), 1, "{statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::UNPROCESSABLE_ENTITY),
        "{statuses:?}"
    );
    assert_eq!(app.users_with_email("race@example.com").await, 1);
    assert_eq!(app.count("select count(*) from team_memberships").await, 1);
}

/// Ada, the default new user, invited; answers (id, token).
async fn invited_user(app: &TestApp) -> (String, String) {
    invited_user_named(app, "ada@example.com").await
}

#[tokio::test]
async fn sixteen_concurrent_redemptions_of_one_token_succeed_once() {
    let app = spawn_as_admin().await;
    let (id, token) = invited_user(&app).await;
    let attempts = (0..16).map(|i| {
        let app = &app;
        let token = token.clone();
        async move {
            let password = format!("racing password number {i}");
            app.call_with(
                &client(&app.base),
                "accept_invitation",
                &[
                    ("token", token.as_str()),
                    ("password", password.as_str()),
                    ("confirm_password", password.as_str()),
                ],
            )
            .await
            .status()
        }
    });
    let statuses = futures_join_all(attempts).await;
    assert_eq!(count_of(&statuses, StatusCode::OK), 1, "{statuses:?}");
    assert_eq!(
        app.count("select count(*) from sessions").await,
        2,
        "the admin's and the one winner's"
    );
    assert_eq!(detail(&app, &id).await.status, UserStatus::Active);
}

#[tokio::test]
async fn expired_used_and_revoked_links_are_refused_each_with_its_own_message() {
    let app = spawn_as_admin().await;
    let accept = |token: String| {
        let app = &app;
        async move {
            let response = app
                .call_with(
                    &client(&app.base),
                    "accept_invitation",
                    &[
                        ("token", token.as_str()),
                        ("password", "a long enough password"),
                        ("confirm_password", "a long enough password"),
                    ],
                )
                .await;
            let status = response.status();
            (status, response.text().await.expect("body"))
        }
    };
    let page = |token: String| {
        let app = &app;
        async move {
            let path = format!("/invite?token={token}");
            app.page_text(&path).await
        }
    };

    // Revoked: a resend replaces the first link; "Revoke invite" withdraws the second.
    let (id, first) = invited_user(&app).await;
    assert_eq!(
        app.call("send_invite", &[("id", &id)]).await.status(),
        StatusCode::OK
    );
    let (status, body) = accept(first.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("withdrawn"), "{body}");
    assert!(page(first).await.contains("This invitation was withdrawn."));
    assert_eq!(
        app.call("revoke_invite", &[("id", &id)]).await.status(),
        StatusCode::OK
    );
    assert_eq!(detail(&app, &id).await.status, UserStatus::NotInvited);

    // Expired: eight days later by the injectable clock.
    let (_, token) = invited_user_named(&app, "expired@example.com").await;
    app.state.clock.advance(Duration::from_secs(8 * 24 * 3600));
    let (status, body) = accept(token.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("expired"), "{body}");
    let html = page(token.clone()).await;
    assert!(
        html.contains("This invitation has expired.") && html.contains("Request a new invitation")
    );

    // Asking for a new one tells the admins and the same answer goes to anyone.
    let asked = app
        .call_with(
            &client(&app.base),
            "request_new_invitation",
            &[("token", &token)],
        )
        .await;
    let stranger = app
        .call_with(
            &client(&app.base),
            "request_new_invitation",
            &[("token", "made-up")],
        )
        .await;
    assert_eq!(asked.status(), stranger.status());
    assert_eq!(
        asked.text().await.expect("body"),
        stranger.text().await.expect("body")
    );
    assert_eq!(
        app.count("select count(*) from email_outbox where kind = 'invitation_requested'")
            .await,
        1
    );

    let (status, _) = accept("made-up".to_owned()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        page("made-up".into())
            .await
            .contains("This invitation link is not valid.")
    );
}

async fn invited_user_named(app: &TestApp, email: &str) -> (String, String) {
    let id = app.create_user_ok(&[("email", email)]).await;
    assert_eq!(
        app.call("send_invite", &[("id", &id)]).await.status(),
        StatusCode::OK
    );
    let outbox: Vec<app::domain::outbox::OutboxMessage> =
        app.call("outbox", &[]).await.json().await.expect("outbox");
    let message = outbox
        .iter()
        .find(|m| m.to_address == email)
        .expect("email");
    let link = invite_link(&message.text_body);
    (id, link.split("token=").nth(1).expect("token").to_owned())
}

#[tokio::test]
async fn without_smtp_the_email_waits_in_the_outbox_with_its_link_built_from_the_public_url() {
    let app = spawn_https_app().await;
    app.login_admin().await;
    let id = app.create_user_ok(&[]).await;
    assert_eq!(
        app.call("send_invite", &[("id", &id)]).await.status(),
        StatusCode::OK
    );
    let outbox: Vec<app::domain::outbox::OutboxMessage> =
        app.call("outbox", &[]).await.json().await.expect("outbox");
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].status, "queued");
    assert!(
        invite_link(&outbox[0].text_body).starts_with("https://portal.example.com/invite?token=")
    );
    assert!(
        outbox[0]
            .html_body
            .contains("href=\"https://portal.example.com/invite?token=")
    );
    let page = app.page_text("/admin/settings/email/outbox").await;
    assert!(
        page.contains("You&#x27;re invited to Portico")
            || page.contains("You're invited to Portico"),
        "the outbox page lists it"
    );
}

#[tokio::test]
async fn when_smtp_is_down_invitations_wait_and_are_delivered_exactly_once_after_a_restart() {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("probe");
        probe.local_addr().expect("addr").port()
    };
    let smtp_url = format!("smtp://127.0.0.1:{port}?tls=none");
    let database_url = fresh_database_url().await;
    let mut first = spawn_with(TestOptions {
        smtp_url: Some(smtp_url.clone()),
        database_url: Some(database_url.clone()),
        ..Default::default()
    })
    .await;
    first.login_admin().await;
    for n in 0..3 {
        let email = format!("down{n}@example.com");
        let id = first.create_user_ok(&[("email", email.as_str())]).await;
        assert_eq!(
            first.call("send_invite", &[("id", &id)]).await.status(),
            StatusCode::OK
        );
    }
    for _ in 0..200 {
        if first
            .count(
                "select count(*) from email_outbox where attempts >= 1 and last_error is not null",
            )
            .await
            == 3
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let outbox: Vec<app::domain::outbox::OutboxMessage> = first
        .call("outbox", &[])
        .await
        .json()
        .await
        .expect("outbox");
    assert!(
        outbox
            .iter()
            .all(|m| m.status == "queued" && m.last_error.is_some()),
        "{outbox:?}"
    );
    first.stop().await;

    let smtp = SmtpServer::start_on(port).await;
    let second = spawn_with(TestOptions {
        smtp_url: Some(smtp_url),
        database_url: Some(database_url),
        ..Default::default()
    })
    .await;
    // Past the retry back-off; the worker's next round (within a second) delivers.
    second.state.clock.advance(Duration::from_secs(3600));
    let delivered = smtp.wait_for(3).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(smtp.messages().len(), 3, "each delivered once");
    for n in 0..3 {
        assert_eq!(
            delivered
                .iter()
                .filter(|m| m.contains(&format!("To: down{n}@example.com")))
                .count(),
            1
        );
    }
    assert_eq!(
        second
            .count("select count(*) from email_outbox where status = 'sent'")
            .await,
        3
    );
}

/// Emails go out over kept connections: one after another they share one connection, and one
/// the SMTP server closed meanwhile (it restarted) is noticed before use and replaced, so the
/// next message still goes out at its first attempt.
#[tokio::test]
async fn emails_share_a_kept_smtp_connection_and_one_the_server_closed_is_replaced() {
    let first = SmtpServer::start().await;
    let port = first.port;
    let app = spawn_with_smtp(first.url()).await;
    app.login_admin().await;
    let invite = |n: usize| {
        let app = &app;
        async move {
            let email = format!("kept{n}@example.com");
            let id = app.create_user_ok(&[("email", email.as_str())]).await;
            assert_eq!(
                app.call("send_invite", &[("id", &id)]).await.status(),
                StatusCode::OK
            );
        }
    };
    for n in 0..3 {
        invite(n).await;
        first.wait_for(n + 1).await;
    }
    assert_eq!(first.connections(), 1, "three emails, one connection");

    first.stop().await;
    let second = SmtpServer::start_on(port).await;
    invite(3).await;
    let delivered = second.wait_for(1).await;
    assert!(
        delivered[0].contains("To: kept3@example.com"),
        "{delivered:?}"
    );
    assert_eq!(
        app.count(
            "select count(*) from email_outbox where status = 'sent' and attempts = 1 \
             and last_error is null"
        )
        .await,
        4,
        "every email went out at its first attempt"
    );
}

#[tokio::test]
async fn a_failed_email_can_be_retried_by_hand() {
    let app = spawn_as_admin().await;
    let (_, _) = invited_user(&app).await;
    sqlx::query(
        "update email_outbox set status = 'failed', attempts = 8, last_error = 'relay refused'",
    )
    .execute(app.state.store.pool())
    .await
    .expect("fail it");
    let outbox: Vec<app::domain::outbox::OutboxMessage> =
        app.call("outbox", &[]).await.json().await.expect("outbox");
    assert_eq!(outbox[0].last_error.as_deref(), Some("relay refused"));
    assert_eq!(
        app.call("retry_email", &[("id", &outbox[0].id)])
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.count("select count(*) from email_outbox where status = 'queued' and attempts = 0")
            .await,
        1
    );
}

#[tokio::test]
async fn the_users_table_searches_filters_sorts_and_pages_by_keyset() {
    let app = spawn_as_admin().await;
    for n in 0..30 {
        let email = format!("user{n:02}@example.com");
        let last = format!("Zed{n:02}");
        app.create_user_ok(&[("email", email.as_str()), ("last_name", last.as_str())])
            .await;
    }
    let with_password = app
        .create_user_ok(&[
            ("email", "active@example.com"),
            ("first_name", "Grace"),
            ("last_name", "Hopper"),
            ("password", "a long enough password"),
        ])
        .await;

    let first = list(&app, &[]).await;
    assert_eq!(first.total, 31);
    assert_eq!(first.users.len(), 25);
    assert_eq!(first.users[0].id, with_password, "newest first");
    let second = list(
        &app,
        &[("cursor", first.next_cursor.as_deref().expect("next"))],
    )
    .await;
    assert_eq!(second.users.len(), 6);
    assert!(second.next_cursor.is_none());
    let mut seen: Vec<String> = first
        .users
        .iter()
        .chain(second.users.iter())
        .map(|u| u.id.clone())
        .collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 31, "no row twice, none missing");

    let by_name = list(&app, &[("sort", "name")]).await;
    assert_eq!(by_name.users[0].last_name, "Hopper");
    let by_email_page2 = {
        let p1 = list(&app, &[("sort", "email")]).await;
        assert_eq!(p1.users[0].email, "active@example.com");
        list(
            &app,
            &[
                ("sort", "email"),
                ("cursor", p1.next_cursor.as_deref().expect("next")),
            ],
        )
        .await
    };
    assert_eq!(
        by_email_page2.users.last().map(|u| u.email.as_str()),
        Some("user29@example.com")
    );

    let search = list(&app, &[("search", "HOPP")]).await;
    assert_eq!(
        (search.total, search.users[0].email.as_str()),
        (1, "active@example.com")
    );
    let by_email = list(&app, &[("search", "user1")]).await;
    assert_eq!(by_email.total, 10);
    let percent = list(&app, &[("search", "%")]).await;
    assert_eq!(percent.total, 0, "nothing is a wildcard");
    assert_eq!(
        list(&app, &[("search", "grace h")]).await.total,
        1,
        "a prefix of the full name"
    );
    assert_eq!(
        list(&app, &[("search", "opper")]).await.total,
        0,
        "prefixes only"
    );

    assert_eq!(list(&app, &[("status", "active")]).await.total, 1);
    assert_eq!(list(&app, &[("status", "not-invited")]).await.total, 30);
    let invited = first.users[1].id.clone();
    assert_eq!(
        app.call("send_invite", &[("id", &invited)]).await.status(),
        StatusCode::OK
    );
    let invited_page = list(&app, &[("status", "invited")]).await;
    assert_eq!(
        (invited_page.total, invited_page.users[0].id.as_str()),
        (1, invited.as_str())
    );
    assert_eq!(
        list(&app, &[("team_id", app::backend::db::DEFAULT_TEAM_ID)])
            .await
            .total,
        31
    );
    assert_eq!(
        list(&app, &[("organization_id", "no-such-org")])
            .await
            .total,
        0
    );
    assert_eq!(
        first.users[0].teams,
        vec!["Default Organization All users".to_owned()]
    );
}

#[tokio::test]
async fn deactivating_ends_sessions_and_invitations_and_deleting_removes_the_user() {
    let app = spawn_as_admin().await;
    let (id, token) = invited_user(&app).await;
    assert_eq!(
        app.call("set_user_active", &[("id", &id), ("active", "false")])
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(detail(&app, &id).await.status, UserStatus::Inactive);
    let accepted = app
        .call_with(
            &client(&app.base),
            "accept_invitation",
            &[
                ("token", &token),
                ("password", "a long enough password"),
                ("confirm_password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(
        accepted.status(),
        StatusCode::CONFLICT,
        "deactivation revoked the invitation"
    );
    assert_eq!(
        app.call("set_user_active", &[("id", &id), ("active", "true")])
            .await
            .status(),
        StatusCode::OK
    );

    let member = app
        .create_user_ok(&[
            ("email", "member@example.com"),
            ("password", "a long enough password"),
        ])
        .await;
    let member_client = app
        .signed_in_client("member@example.com", "a long enough password")
        .await;
    assert_eq!(
        app.call("set_user_active", &[("id", &member), ("active", "false")])
            .await
            .status(),
        StatusCode::OK
    );
    let me: Option<app::domain::CurrentUser> = app
        .call_with(&member_client, "me", &[])
        .await
        .json()
        .await
        .expect("me");
    assert!(me.is_none(), "the deactivated user's session ended");

    assert_eq!(
        app.call("delete_user", &[("id", &member)]).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.call("user", &[("id", &member)]).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.count("select count(*) from team_memberships").await, 1);
}

#[tokio::test]
async fn activating_and_deactivating_a_user_who_signs_in_emails_them_once_per_change() {
    let (app, smtp) = app_with_smtp().await;
    let member = app
        .create_user_ok(&[
            ("email", "member@example.com"),
            ("password", "a long enough password"),
        ])
        .await;
    let never_invited = app.create_user_ok(&[("email", "quiet@example.com")]).await;
    let set = |id: String, active: &'static str| {
        let app = &app;
        async move {
            let response = app
                .call("set_user_active", &[("id", &id), ("active", active)])
                .await;
            assert_eq!(response.status(), StatusCode::OK);
        }
    };
    set(member.clone(), "false").await;
    // Deactivating an inactive user again changes nothing and tells nobody.
    set(member.clone(), "false").await;
    // Someone who never had a password cannot sign in either way: no email.
    set(never_invited.clone(), "false").await;
    set(never_invited, "true").await;
    set(member.clone(), "true").await;

    let messages = smtp.wait_for(2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let messages_after = smtp.messages();
    assert_eq!(messages_after.len(), 2, "{messages_after:#?}");
    assert!(
        messages[0].contains("To: member@example.com"),
        "{}",
        messages[0]
    );
    assert!(
        messages[0].contains("Subject: Your Portico account was deactivated"),
        "{}",
        messages[0]
    );
    assert!(messages[1].contains("Subject: Your Portico account is active"));
    assert!(messages[1].contains(&format!("{}/login", app.base)));
    assert_eq!(
        app.count(
            "select count(*) from email_outbox where kind in ('account_activated', 'account_deactivated')"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn a_user_who_must_change_their_password_can_do_nothing_else() {
    let app = spawn_as_admin().await;
    app.create_user_ok(&[
        ("email", "temp@example.com"),
        ("password", "a temporary password"),
        ("must_change_password", "on"),
    ])
    .await;
    let user = client(&app.base);
    let login = app
        .login_as(&user, "temp@example.com", "a temporary password")
        .await;
    assert_eq!(login.status(), StatusCode::OK);
    assert_eq!(login.headers()["location"], "/change-password");
    let home = user.get(app.url("/admin")).send().await.expect("admin");
    assert_eq!(home.headers()["location"], "/change-password");
    for function in ["list_users", "outbox", "user_choices"] {
        assert_ne!(
            app.call_with(&user, function, &[]).await.status(),
            StatusCode::OK,
            "{function}"
        );
    }
    let weak = app
        .call_with(
            &user,
            "change_password",
            &[("new_password", "short"), ("confirm_new_password", "short")],
        )
        .await;
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let changed = app
        .call_with(
            &user,
            "change_password",
            &[
                ("new_password", "my very own password"),
                ("confirm_new_password", "my very own password"),
            ],
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let again = app
        .login_as(
            &client(&app.base),
            "temp@example.com",
            "my very own password",
        )
        .await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.headers()["location"], "/");
}

#[tokio::test]
async fn every_users_menu_function_refuses_strangers_and_consumers() {
    let app = spawn_app().await;
    let calls: [(&str, &[(&str, &str)]); 11] = [
        ("list_users", &USERS_QUERY),
        ("count_users", &USERS_FILTER),
        ("user_choices", &[]),
        (
            "create_user",
            &[
                ("form[first_name]", "A"),
                ("form[last_name]", "B"),
                ("form[email]", "x@example.com"),
                (
                    "form[organization_id]",
                    app::backend::db::DEFAULT_ORGANIZATION_ID,
                ),
                ("form[role]", ""),
            ],
        ),
        ("user", &[("id", "x")]),
        ("send_invite", &[("id", "x")]),
        ("revoke_invite", &[("id", "x")]),
        ("set_user_active", &[("id", "x"), ("active", "false")]),
        ("delete_user", &[("id", "x")]),
        ("outbox", &[]),
        ("retry_email", &[("id", "x")]),
    ];
    app.assert_admin_only(&calls).await;
    assert_eq!(app.users_with_email("x@example.com").await, 0);
}

#[tokio::test]
async fn editing_a_user_changes_every_field_with_the_same_rules() {
    let app = spawn_as_admin().await;
    let id = app.create_user_ok(&[]).await;
    app.create_user_ok(&[("email", "taken@example.com")]).await;
    let edit = |fields: Vec<(&'static str, &'static str)>| {
        let app = &app;
        let id = id.clone();
        async move {
            let defaults = [
                ("id", id.as_str()),
                ("form[first_name]", "Augusta"),
                ("form[last_name]", "King"),
                ("form[email]", "augusta@example.com"),
                (
                    "form[organization_id]",
                    app::backend::db::DEFAULT_ORGANIZATION_ID,
                ),
                ("form[role]", "consumer-admin"),
            ];
            app.call_form("update_user", &dialog_form(&defaults, &fields))
                .await
        }
    };
    let (field, message) = field_error(edit(vec![("email", "TAKEN@example.com")]).await).await;
    assert_eq!(
        (field.as_str(), message.as_str()),
        ("email", "A user with this email already exists")
    );
    let (field, _) = field_error(edit(vec![("last_name", " ")]).await).await;
    assert_eq!(field, "last_name");
    assert_eq!(
        detail(&app, &id).await.email,
        "ada@example.com",
        "nothing stored"
    );

    let saved = edit(vec![]).await;
    assert_eq!(saved.status(), StatusCode::OK, "{:?}", saved.text().await);
    let user = detail(&app, &id).await;
    assert_eq!(
        (
            user.first_name.as_str(),
            user.last_name.as_str(),
            user.email.as_str()
        ),
        ("Augusta", "King", "augusta@example.com")
    );
    assert_eq!(user.role, app::domain::Role::ConsumerAdmin);
    assert_eq!(user.teams.len(), 1);
    assert!(user.audit.iter().any(|a| a.action == "user.updated"));
}

#[tokio::test]
async fn the_invitation_lifetime_setting_sets_new_invitations_expiry() {
    let app = spawn_as_admin().await;
    let bad = app.call("set_invitation_lifetime", &[("days", "0")]).await;
    assert_eq!(field_error(bad).await.0, "days");
    assert_eq!(
        app.call("set_invitation_lifetime", &[("days", "2")])
            .await
            .status(),
        StatusCode::OK
    );
    let days: i64 = app
        .call("invitation_lifetime", &[])
        .await
        .json()
        .await
        .expect("days");
    assert_eq!(days, 2);
    let id = app.create_user_ok(&[]).await;
    let before = app.state.clock.now();
    assert_eq!(
        app.call("send_invite", &[("id", &id)]).await.status(),
        StatusCode::OK
    );
    let expires = detail(&app, &id)
        .await
        .invitation_expires_at
        .expect("pending");
    let two_days = 2 * 24 * 3600 * 1000;
    assert!(
        (expires - before - two_days).abs() < 60_000,
        "expires in two days"
    );
    let stranger = client(&app.base);
    assert_eq!(
        app.call_with(&stranger, "set_invitation_lifetime", &[("days", "5")])
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn past_a_thousand_matches_a_page_counts_to_the_cap_and_the_table_shows_the_exact_total() {
    let app = spawn_as_admin().await;
    let values: Vec<String> = (0..1001)
        .map(|i| {
            format!(
                "('bulk-{i}', 'bulk{i}@example.com', 'Bulk', 'User', 'consumer-team-member', '{}', 'not-invited', {i}, {i})",
                app::backend::db::DEFAULT_ORGANIZATION_ID
            )
        })
        .collect();
    sqlx::raw_sql(&format!(
        "insert into users (id, email, first_name, last_name, role, organization_id, list_status, created_at, updated_at) values {}",
        values.join(",")
    ))
    .execute(app.state.store.pool())
    .await
    .expect("bulk insert");
    // Without a search the total comes from the tally, exact at any size.
    let page = list(&app, &[]).await;
    assert_eq!((page.total, page.total_is_capped), (1001, false));
    let broad = list(&app, &[("search", "bulk")]).await;
    assert_eq!((broad.total, broad.total_is_capped), (1000, true));
    let few = list(&app, &[("search", "bulk100")]).await;
    assert_eq!(
        (few.total, few.total_is_capped),
        (2, false),
        "bulk100 and bulk1000"
    );
    let count = |fields: &[(&str, &str)]| {
        let form: Vec<(String, String)> = with_fields(&USERS_FILTER, fields)
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let app = &app;
        async move {
            let response = app.call_form("count_users", &form).await;
            assert_eq!(response.status(), StatusCode::OK);
            response.json::<i64>().await.expect("count")
        }
    };
    assert_eq!(count(&[]).await, 1001);
    assert_eq!(
        count(&[("search", "BULK1")]).await,
        112,
        "bulk1, bulk10–19, bulk100–199, bulk1000"
    );
    assert_eq!(count(&[("status", "not-invited")]).await, 1001);
    assert_eq!(count(&[("status", "active")]).await, 0);
    assert_eq!(
        count(&[("organization_id", app::backend::db::DEFAULT_ORGANIZATION_ID)]).await,
        1001
    );
    // A team alone is counted from its memberships: 300 of the bulk users are in the default
    // team, and each count agrees with the page's own below its cap.
    sqlx::query(
        "insert into team_memberships (user_id, team_id, organization_id, created_at) \
         select id, $1, organization_id, 0 from users where email like 'bulk%' and created_at < 300",
    )
    .bind(app::backend::db::DEFAULT_TEAM_ID)
    .execute(app.state.store.pool())
    .await
    .expect("memberships");
    let team = app::backend::db::DEFAULT_TEAM_ID;
    let org = app::backend::db::DEFAULT_ORGANIZATION_ID;
    let combinations: [&[(&str, &str)]; 6] = [
        &[("team_id", team)],
        &[("team_id", team), ("search", "bulk1")],
        &[("team_id", team), ("organization_id", org)],
        &[("organization_id", org), ("search", "bulk2")],
        &[("organization_id", org), ("status", "active")],
        &[("search", "bulk99")],
    ];
    for fields in combinations {
        let page = list(&app, fields).await;
        assert!(!page.total_is_capped, "{fields:?}");
        assert_eq!(count(fields).await, page.total, "{fields:?}");
    }
    assert_eq!(count(&[("team_id", team)]).await, 300);
    // The page itself, rendered by the server (what a browser without JavaScript gets).
    let html = app.page_text("/admin/users").await;
    assert!(html.contains("1,001 users"), "{html}");
    assert!(!html.contains("More than"));
    let filtered = app
        .page_text("/admin/users?q=bulk&status=not-invited&sort=name")
        .await;
    assert!(filtered.contains("1,001 users"), "{filtered}");
}

/// Inserts `count` consumers named `first` `last{n}` with creation times `from + n`.
async fn bulk_consumers(app: &TestApp, prefix: &str, first: &str, count: i64, from: i64) {
    sqlx::query(
        "with recursive seq(n) as (select 1 union all select n + 1 from seq where n < $1) \
         insert into users (id, email, first_name, last_name, role, organization_id, status, \
         created_at, updated_at) \
         select $2 || n, $2 || n || '@example.com', $3, 'Number' || n, 'consumer-team-member', $4, \
         'active', $5 + n, $5 + n from seq",
    )
    .bind(count)
    .bind(prefix)
    .bind(first)
    .bind(app::backend::db::DEFAULT_ORGANIZATION_ID)
    .bind(from)
    .execute(app.state.store.pool())
    .await
    .expect("bulk insert");
}

#[tokio::test]
async fn a_broad_search_pages_newest_first_whether_its_matches_are_recent_or_old() {
    let app = spawn_app().await;
    // 1,100 old matches, then more non-matching users than the recent window holds, then 1,100
    // new matches: the first pages come from the window, the later ones from the whole table.
    bulk_consumers(&app, "old-", "Zed", 1_100, 0).await;
    let filler = app::backend::db::RECENT_WINDOW + 1_000;
    bulk_consumers(&app, "filler-", "Filler", filler, 100_000).await;
    bulk_consumers(&app, "new-", "Zed", 1_100, 10_000_000).await;
    let mut seen: Vec<(i64, String)> = Vec::new();
    let mut cursor = None;
    loop {
        let page = store_page(
            &app,
            app::backend::db::UserQuery {
                search: Some("zed".into()),
                cursor: cursor.clone(),
                limit: 50,
                ..Default::default()
            },
        )
        .await;
        assert!(page.total_is_capped);
        seen.extend(page.users.iter().map(|u| (u.created_at, u.id.clone())));
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(seen.len(), 2_200);
    assert!(
        seen.windows(2).all(|w| w[0] > w[1]),
        "newest first, each once"
    );
    assert!(seen[0].1.starts_with("new-") && seen[2_199].1.starts_with("old-"));
}

/// A page of the users table as the store answers it.
async fn store_page(app: &TestApp, query: app::backend::db::UserQuery) -> UserPage {
    app.state
        .store
        .list_users(&query, app.state.clock.now())
        .await
        .expect("page")
}

/// The first 50 users a search finds, newest first.
async fn search_page(app: &TestApp, search: &str) -> UserPage {
    store_page(
        app,
        app::backend::db::UserQuery {
            search: Some(search.into()),
            limit: 50,
            ..Default::default()
        },
    )
    .await
}

/// The names a search of the users table finds, as the store answers it.
async fn search_names(app: &TestApp, search: &str) -> Vec<String> {
    let page = search_page(app, search).await;
    let mut names: Vec<String> = page.users.into_iter().map(|u| u.first_name).collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_search_finds_exactly_the_names_that_start_with_it_whatever_the_database_collation() {
    // On Postgres the database gets a linguistic (ICU) collation, under which a plain range
    // from "gra" took in "Gräce" and could miss others; SQLite runs the same assertions.
    let database_url = fresh_database_url_with(
        "template template0 locale_provider icu icu_locale 'en-US' locale 'C.UTF-8'",
    )
    .await;
    let app = spawn_on_database(database_url).await;
    app.login_admin().await;
    for (n, first) in ["Grace", "grab", "Gra", "Gräce", "Gr-ace", "Agra", "Élodie"]
        .iter()
        .enumerate()
    {
        app.create_user_ok(&[
            ("first_name", first),
            ("last_name", "Tester"),
            ("email", &format!("person{n}@example.com")),
        ])
        .await;
    }
    assert_eq!(search_names(&app, "gra").await, ["Gra", "Grace", "grab"]);
    assert_eq!(search_names(&app, "GRA").await, ["Gra", "Grace", "grab"]);
    assert_eq!(search_names(&app, "gr-").await, ["Gr-ace"]);
    assert_eq!(search_names(&app, "grä").await, ["Gräce"]);
    assert_eq!(search_names(&app, "gra tes").await, ["Gra"]);
    // Typed as it is written, a name starting with a letter beyond ASCII is found on both
    // databases (SQLite's lower() changes ASCII letters only, so "élodie" finds it on Postgres alone).
    assert_eq!(search_names(&app, "Élodie").await, ["Élodie"]);
}

#[tokio::test]
async fn paging_by_name_keeps_every_user_whose_name_starts_beyond_ascii() {
    let app = spawn_as_admin().await;
    let last_names = [
        "Ökland", "Ökland", "Ülker", "Zed", "Adams", "östberg", "Çelik", "Ökland",
    ];
    for (n, last) in last_names.iter().enumerate() {
        app.create_user_ok(&[
            ("first_name", &format!("First{n}")),
            ("last_name", last),
            ("email", &format!("person{n}@example.com")),
        ])
        .await;
    }
    for sort in [
        app::domain::user::UserSort::Name,
        app::domain::user::UserSort::Email,
    ] {
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = store_page(
                &app,
                app::backend::db::UserQuery {
                    sort,
                    cursor: cursor.clone(),
                    limit: 1,
                    ..Default::default()
                },
            )
            .await;
            seen.extend(page.users.into_iter().map(|u| u.id));
            cursor = page.next_cursor;
            if cursor.is_none() {
                break;
            }
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(seen.len(), last_names.len(), "{sort:?}: each user once");
        assert_eq!(unique.len(), last_names.len(), "{sort:?}: each user once");
    }
}

#[tokio::test]
async fn a_broad_search_takes_percent_and_underscore_as_themselves() {
    let app = spawn_app().await;
    // More than the count's cap of each, the "Zed"s newest: were "_" a wildcard, they would
    // fill the newest-first page of a search for "z_d".
    bulk_consumers(&app, "underscore-", "Z_d", 1_100, 0).await;
    bulk_consumers(&app, "plain-", "Zed", 1_100, 100_000).await;
    bulk_consumers(&app, "percent-", "Z%d", 1_100, 200_000).await;
    for (search, prefix) in [("z_d", "underscore-"), ("z%", "percent-"), ("ze", "plain-")] {
        let page = search_page(&app, search).await;
        assert!(page.total_is_capped, "{search}");
        assert_eq!(page.users.len(), 50, "{search}");
        assert!(
            page.users.iter().all(|u| u.id.starts_with(prefix)),
            "{search}: {:?}",
            page.users.iter().map(|u| &u.first_name).collect::<Vec<_>>()
        );
    }
}

/// A cursor Portico did not make, or one made for another sort, is a 400 with a plain message,
/// not a silent first page.
#[tokio::test]
async fn a_cursor_that_does_not_decode_is_a_400_with_a_plain_message() {
    let app = spawn_as_admin().await;
    for n in 0..3 {
        app.create_user_ok(&[("email", &format!("reader{n}@example.com"))])
            .await;
    }
    let by_name = list(&app, &[("sort", "name")]).await;
    assert!(by_name.next_cursor.is_none(), "three users fit a page");
    // A name cursor that sorts before everyone: the next page is every user.
    let name_cursor =
        app::domain::cursor::encode(&["a".to_owned(), "a".to_owned(), "a".to_owned()]);
    assert!(
        !list(&app, &[("sort", "name"), ("cursor", &name_cursor)])
            .await
            .users
            .is_empty()
    );
    for (sort, cursor) in [
        ("", "not a cursor"),
        ("", "e30"),
        ("", name_cursor.as_str()),
        ("email", name_cursor.as_str()),
        ("name", "W10"),
    ] {
        let query = with_fields(&USERS_QUERY, &[("sort", sort), ("cursor", cursor)]);
        let response = app.call("list_users", &query).await;
        assert_eq!(
            response.status(),
            StatusCode::BAD_REQUEST,
            "{sort} {cursor}"
        );
        assert_eq!(
            response
                .json::<AppError>()
                .await
                .expect("AppError")
                .to_string(),
            app::domain::user::BROKEN_CURSOR
        );
    }
}
