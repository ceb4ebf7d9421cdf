//! The foundation: health, sign-in, sessions, CSRF, body limits, errors, start-up.

use crate::support::*;
use reqwest::StatusCode;
use sqlx::Row as _;

#[tokio::test]
async fn health_and_readiness_answer_ok() {
    let app = spawn_app().await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), StatusCode::OK);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), StatusCode::OK);
    assert!(health.headers().contains_key("x-request-id"));
}

#[tokio::test]
async fn the_login_page_renders_with_a_nonce_policy_and_security_headers() {
    let app = spawn_app().await;
    let page = app.get("/login").await;
    assert_eq!(page.status(), StatusCode::OK);
    let headers = page.headers().clone();
    let html = page.text().await.expect("body");
    for text in [
        "Email",
        "Password",
        "Log in",
        "name=\"email\"",
        "name=\"password\"",
    ] {
        assert!(html.contains(text), "login page lacks {text}");
    }
    let csp = headers["content-security-policy"].to_str().expect("csp");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .expect("nonce in CSP");
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "hydration script carries the CSP nonce"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers.contains_key("referrer-policy"));
}

#[tokio::test]
async fn the_admin_from_the_environment_signs_in_and_reaches_the_admin_shell() {
    let app = spawn_app().await;
    let response = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    let shell = app.get("/admin").await;
    assert_eq!(shell.status(), StatusCode::OK);
    let html = shell.text().await.expect("body");
    for text in [
        "API Consumers",
        "Users",
        "Teams",
        "Organizations",
        "Invite codes",
        "Approvals",
        "Settings",
        "Log out",
        ADMIN_EMAIL,
    ] {
        assert!(html.contains(text), "admin shell lacks {text}");
    }
}

#[tokio::test]
async fn the_session_cookie_is_random_http_only_same_site_and_stored_hashed() {
    let app = spawn_app().await;
    let response = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let cookie = TestApp::session_cookie(&response).expect("session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain http public URL: no Secure flag"
    );
    let secret = cookie
        .split(';')
        .next()
        .and_then(|kv| kv.split_once('='))
        .map(|(_, v)| v.to_owned())
        .expect("value");
    assert_eq!(secret.len(), 43, "256 bits in base64url");
    let stored: Vec<String> = sqlx::query("select id_hash from sessions")
        .fetch_all(app.state.store.pool())
        .await
        .expect("sessions")
        .iter()
        .map(|r| r.try_get("id_hash").expect("id_hash"))
        .collect();
    assert_eq!(stored, vec![app::backend::auth::hash_secret(&secret)]);
}

#[tokio::test]
async fn cookies_are_secure_when_the_public_url_is_https() {
    let app = spawn_https_app().await;
    let response = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let cookie = TestApp::session_cookie(&response).expect("session cookie");
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer_and_no_session() {
    let app = spawn_app().await;
    let wrong = app.login(ADMIN_EMAIL, "not the right password").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(TestApp::session_cookie(&wrong).is_none());
    let wrong_body = wrong.text().await.expect("body");
    let unknown = app
        .login("nobody@example.com", "not the right password")
        .await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.text().await.expect("body"), wrong_body);
    assert!(
        wrong_body.contains("Wrong email or password."),
        "{wrong_body}"
    );
    let sessions = app.count("select count(*) from sessions").await;
    assert_eq!(sessions, 0);
    let admin = app.get("/admin").await;
    assert_eq!(admin.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_session_cookie_from_before_log_out_is_refused_after_it() {
    let app = spawn_app().await;
    let response = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let cookie = TestApp::session_cookie(&response).expect("session cookie");
    let cookie_pair = cookie.split(';').next().expect("pair").to_owned();
    let logout = app.call("logout", &[]).await;
    assert_eq!(logout.status(), StatusCode::OK);
    assert!(TestApp::session_cookie(&logout).is_some_and(|c| c.contains("Max-Age=0")));
    // Replay the old cookie by hand, as a thief holding a copy would.
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(app.url("/admin"))
        .header(reqwest::header::COOKIE, &cookie_pair)
        .send()
        .await
        .expect("admin");
    assert_eq!(replay.status(), StatusCode::SEE_OTHER);
    assert!(
        replay.headers()["location"]
            .to_str()
            .expect("location")
            .starts_with("/login")
    );
}

#[tokio::test]
async fn signing_in_again_rotates_the_session() {
    let app = spawn_app().await;
    let first =
        TestApp::session_cookie(&app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await).expect("first");
    let second =
        TestApp::session_cookie(&app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await).expect("second");
    assert_ne!(first, second);
    let sessions = app.count("select count(*) from sessions").await;
    assert_eq!(
        sessions, 1,
        "the session the browser had was replaced, not kept"
    );
}

#[tokio::test]
async fn a_cross_site_post_to_a_server_function_is_refused() {
    let app = spawn_app().await;
    let evil = reqwest::Client::new();
    let from_other_site = evil
        .post(app.url("/api/login"))
        .header("origin", "https://evil.example")
        .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .expect("post");
    assert_eq!(from_other_site.status(), StatusCode::FORBIDDEN);
    let fetch_metadata = evil
        .post(app.url("/api/login"))
        .header("sec-fetch-site", "cross-site")
        .header("origin", app.base.as_str())
        .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .expect("post");
    assert_eq!(fetch_metadata.status(), StatusCode::FORBIDDEN);
    let no_origin = evil
        .post(app.url("/api/login"))
        .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .expect("post");
    assert_eq!(no_origin.status(), StatusCode::FORBIDDEN);
    assert!(TestApp::session_cookie(&no_origin).is_none());
}

#[tokio::test]
async fn admin_pages_send_strangers_to_login_and_refuse_consumers() {
    let app = spawn_app().await;
    let stranger = app.get("/admin/users").await;
    assert_eq!(stranger.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        stranger.headers()["location"],
        "/login?next=%2Fadmin%2Fusers"
    );

    app.insert_consumer("dev@example.com", "a consumer's long password")
        .await;
    let login = app
        .login("dev@example.com", "a consumer's long password")
        .await;
    assert_eq!(login.status(), StatusCode::OK);
    let consumer = app.get("/admin").await;
    assert_eq!(consumer.status(), StatusCode::FORBIDDEN);
    let body = consumer.text().await.expect("body");
    assert!(!body.contains("API Consumers"));
}

#[tokio::test]
async fn login_honours_a_local_next_path_only() {
    let app = spawn_app().await;
    let html = |next: &'static str| {
        let app = &app;
        async move {
            app.admin_login_form(&app.client, next)
                .header(reqwest::header::ACCEPT, "text/html")
                .header(reqwest::header::REFERER, app.url("/login"))
                .send()
                .await
                .expect("login")
        }
    };
    let local = html("/admin/teams").await;
    assert_eq!(local.status(), StatusCode::FOUND);
    assert_eq!(local.headers()["location"], "/admin/teams");
    let elsewhere = html("//evil.example/").await;
    assert_eq!(elsewhere.headers()["location"], "/admin");
}

#[tokio::test]
async fn without_javascript_a_wrong_password_returns_to_the_form_with_the_error() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/login"))
        .header(reqwest::header::ACCEPT, "text/html")
        .header(reqwest::header::REFERER, app.url("/login"))
        .form(&[
            ("email", ADMIN_EMAIL),
            ("password", "not the right password"),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(location.contains("__err="), "{location}");
    let page = text_at(&app.client, &location).await;
    assert!(
        page.contains("Wrong email or password."),
        "the re-rendered form shows the error"
    );
}

#[tokio::test]
async fn a_ten_megabyte_body_gets_413() {
    let app = spawn_app().await;
    let body = vec![b'a'; 10 * 1024 * 1024];
    let response = app
        .client
        .post(app.url("/api/login"))
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(body)
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_database_error_shows_a_reference_and_no_sql() {
    let app = spawn_app().await;
    sqlx::query("drop table sessions")
        .execute(app.state.store.pool())
        .await
        .expect("drop");
    let response = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = response.text().await.expect("body");
    let error: app::error::AppError = serde_json::from_str(&body).expect("an AppError");
    let app::error::AppError::Internal { reference } = &error else {
        panic!("expected Internal, got {error:?}");
    };
    assert_eq!(reference.len(), 12);
    let lower = body.to_lowercase();
    for leak in ["sessions", "table", "sql", "insert", "relation"] {
        assert!(!lower.contains(leak), "{body}");
    }
    assert!(error.to_string().contains(reference.as_str()));
}

#[tokio::test]
async fn starting_twice_at_once_creates_one_default_organization() {
    let url = fresh_database_url().await;
    let (a, b) = tokio::join!(
        spawn_on_database(url.clone()),
        spawn_on_database(url.clone())
    );
    let orgs = sqlx::query("select name from organizations")
        .fetch_all(a.state.store.pool())
        .await
        .expect("orgs");
    assert_eq!(orgs.len(), 1);
    assert_eq!(
        orgs[0].try_get::<String, _>("name").expect("name"),
        "Default Organization"
    );
    let teams = sqlx::query("select name, is_default from teams")
        .fetch_all(b.state.store.pool())
        .await
        .expect("teams");
    assert_eq!(teams.len(), 1);
    assert_eq!(
        teams[0].try_get::<String, _>("name").expect("name"),
        "Default Organization All users"
    );
    let admins = a.count("select count(*) from users").await;
    assert_eq!(admins, 1, "one first admin from PORTICO_ADMIN_*");
}

#[tokio::test]
async fn postgres_has_statistics_for_the_search_indexes_once_users_exist() {
    if !fresh_database_url().await.starts_with("postgres") {
        return;
    }
    // Without them its planner walked a million users for an email search (2.2 s).
    let mut first = spawn_app().await;
    first
        .insert_consumer("grace@example.com", "a long password")
        .await;
    let url = first.database_url.clone();
    first.stop().await;
    let again = spawn_on_database(url).await;
    assert!(
        again
            .count("select count(*) from pg_stats where tablename = 'users_search_full_name'")
            .await
            > 0
    );
}

#[tokio::test]
async fn the_database_keeps_one_default_team_per_organization_and_teams_inside_it() {
    let app = spawn_app().await;
    let pool = app.state.store.pool();
    let second_default = sqlx::query(
        "insert into teams (id, organization_id, name, is_default, created_at, updated_at) \
         values ('t2', $1, 'Another default', 1, 0, 0)",
    )
    .bind(app::backend::db::DEFAULT_ORGANIZATION_ID)
    .execute(pool)
    .await;
    assert!(
        second_default.is_err(),
        "a second default team is refused by the database"
    );
    sqlx::query(
        "insert into organizations (id, name, created_at, updated_at) values ('o2', 'Acme', 0, 0)",
    )
    .execute(pool)
    .await
    .expect("org");
    sqlx::query("insert into teams (id, organization_id, name, created_at, updated_at) values ('t3', 'o2', 'Acme devs', 0, 0)")
        .execute(pool)
        .await
        .expect("team");
    let user = app
        .insert_consumer("dev@example.com", "a consumer's long password")
        .await;
    let foreign = sqlx::query(
        "insert into team_memberships (user_id, team_id, organization_id, created_at) values ($1, 't3', $2, 0)",
    )
    .bind(&user)
    .bind(app::backend::db::DEFAULT_ORGANIZATION_ID)
    .execute(pool)
    .await;
    assert!(
        foreign.is_err(),
        "a membership in another organization's team is refused"
    );
    let duplicate = sqlx::query(
        "insert into organizations (id, name, created_at, updated_at) values ('o3', 'ACME', 0, 0)",
    )
    .execute(pool)
    .await;
    assert!(
        duplicate.is_err(),
        "organization names are unique case-insensitively"
    );
    let email_twice = app.insert_consumer_result("DEV@example.com").await;
    assert!(email_twice.is_err(), "emails are unique case-insensitively");
}

#[tokio::test]
async fn a_fresh_install_prints_a_setup_link_that_creates_the_first_admin_once() {
    let app = spawn_without_admin().await;
    let link = app.setup_link.clone().expect("setup link");
    assert!(link.starts_with(&format!("{}/setup?token=", app.base)));
    let token = link.split("token=").nth(1).expect("token").to_owned();

    let page = app.client.get(&link).send().await.expect("page");
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    assert!(
        page.text()
            .await
            .expect("body")
            .contains("Confirm password")
    );
    // Opening the page consumed nothing.
    assert!(text_at(&app.client, &link).await.contains("Create admin"));

    let bad = app
        .call(
            "complete_setup",
            &[
                ("token", &token),
                ("email", "owner@example.com"),
                ("password", "short"),
                ("confirm_password", "short"),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text()
            .await
            .expect("body")
            .contains("at least 12 characters")
    );

    let form = [
        ("token", token.as_str()),
        ("email", "owner@example.com"),
        ("password", "a very long owner password"),
        ("confirm_password", "a very long owner password"),
    ];
    let ok = app.call("complete_setup", &form).await;
    assert_eq!(ok.status(), StatusCode::OK, "{:?}", ok.text().await);
    assert_eq!(app.get("/admin").await.status(), StatusCode::OK);
    let role: String = sqlx::query("select role from users where email = 'owner@example.com'")
        .fetch_one(app.state.store.pool())
        .await
        .expect("row")
        .try_get("role")
        .expect("role");
    assert_eq!(role, "super-admin");

    let again = app
        .call_with(
            &client(&app.base),
            "complete_setup",
            &[
                ("token", &token),
                ("email", "thief@example.com"),
                ("password", "another long password"),
                ("confirm_password", "another long password"),
            ],
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let page = text_at(&app.client, &link).await;
    assert!(page.contains("This setup link is not valid"));
}

/// `portico migrate` only opens and migrates the store: the running server's setup link stays the
/// one that works (it used to start everything, and a new link revoked the old one).
#[tokio::test]
async fn portico_migrate_leaves_a_pending_setup_link_valid() {
    let app = spawn_without_admin().await;
    let link = app.setup_link.clone().expect("setup link");
    let token = link.split("token=").nth(1).expect("token").to_owned();
    let hash = app::backend::auth::hash_secret(&token);
    let now = app.state.clock.now();
    assert!(
        app.state
            .store
            .setup_token_usable(&hash, now)
            .await
            .expect("read")
    );

    // tokio's process, not std's: a blocking wait would also stop this runtime's server, which
    // may be inside a write transaction, and `portico migrate` would wait out the busy timeout.
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_portico"))
        .arg("migrate")
        .env("PORTICO_DATABASE_URL", &app.database_url)
        .env_remove("PORTICO_ADMIN_EMAIL")
        .env_remove("PORTICO_ADMIN_PASSWORD")
        .env_remove("PORTICO_SMTP_URL")
        .output()
        .await
        .expect("run portico migrate");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("migrations applied"), "{stdout}");
    assert!(
        !stdout.contains("setup"),
        "migrate printed a setup link: {stdout}"
    );
    assert!(
        app.state
            .store
            .setup_token_usable(&hash, now)
            .await
            .expect("read"),
        "portico migrate revoked the running server's setup link"
    );
    let page = app.page_text(&format!("/setup?token={token}")).await;
    assert!(page.contains("Create admin"), "{page}");
}

#[tokio::test]
async fn an_edited_migration_stops_the_start() {
    let mut app = spawn_app().await;
    app.stop().await;
    sqlx::query("update _sqlx_migrations set checksum = $1 where version = 1")
        .bind(vec![0u8; 48])
        .execute(app.state.store.pool())
        .await
        .expect("tamper");
    let result = server::start(settings(&app.database_url, &app.base, true)).await;
    let error = result.err().expect("start refused");
    let text = format!("{error:#}");
    assert!(text.contains("migration"), "{text}");
}

#[tokio::test]
async fn graceful_shutdown_finishes_requests_in_flight() {
    let mut app = spawn_app().await;
    // A sign-in takes an argon2 verification: stop the server while one runs.
    let in_flight = {
        let client = app.client.clone();
        let url = app.url("/api/login");
        tokio::spawn(async move {
            client
                .post(url)
                .header(reqwest::header::ACCEPT, "application/json")
                .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
                .send()
                .await
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(15)).await;
    app.stop().await;
    let response = in_flight
        .await
        .expect("join")
        .expect("the request in flight was answered");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        reqwest::get(app.url("/healthz")).await.is_err(),
        "no new connections after shutdown"
    );
}

#[tokio::test]
async fn every_page_keeps_its_nonce_policy_while_site_files_are_served_at_the_same_time() {
    let root = std::env::temp_dir().join(format!("portico-site-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(root.join("pkg")).expect("site root");
    std::fs::write(root.join("pkg/portico.css"), "body { margin: 0 }").expect("css");
    let app = spawn_with(TestOptions {
        site_root: Some(root.to_string_lossy().into_owned()),
        ..Default::default()
    })
    .await;
    let css = app.get("/pkg/portico.css").await;
    assert_eq!(css.status(), StatusCode::OK);
    let mut missing = Vec::new();
    for _ in 0..4 {
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..20 {
            let (page, file) = (app.url("/register"), app.url("/pkg/portico.css"));
            let client = app.client.clone();
            tasks.spawn(async move {
                let (page, _) = tokio::join!(client.get(page).send(), client.get(file).send());
                let page = page.expect("page");
                page.headers()
                    .get("content-security-policy")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned()
            });
        }
        while let Some(csp) = tasks.join_next().await {
            let csp = csp.expect("task");
            if !csp.contains("'nonce-") {
                missing.push(csp);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{} of 80 pages lost their CSP: {:?}",
        missing.len(),
        missing.first()
    );
    let _ = std::fs::remove_dir_all(root);
}

#[tokio::test]
async fn server_functions_keep_their_own_context_while_pages_render_at_the_same_time() {
    let app = spawn_as_admin().await;
    let mut failures = Vec::new();
    for _ in 0..5 {
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..40 {
            let client = app.client.clone();
            let (page, function) = (app.url("/admin/users"), app.url("/api/me"));
            tasks.spawn(async move {
                if i % 2 == 0 {
                    let r = client.get(page).send().await.expect("page");
                    (r.status(), "page")
                } else {
                    let r = client
                        .post(function)
                        .header(reqwest::header::ACCEPT, "application/json")
                        .send()
                        .await
                        .expect("me");
                    let status = r.status();
                    let me: Option<app::domain::CurrentUser> = r.json().await.unwrap_or(None);
                    if me.is_none() {
                        return (StatusCode::IM_A_TEAPOT, "me answered nobody");
                    }
                    (status, "server function")
                }
            });
        }
        while let Some(answer) = tasks.join_next().await {
            let (status, what) = answer.expect("task");
            if status != StatusCode::OK {
                failures.push(format!("{what}: {status}"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
}

/// The pool checks a connection only when it sat unused for a second (`IDLE_BEFORE_PING`), not
/// before every query. One that Postgres closed meanwhile (a restart, an idle-session timeout)
/// is then replaced before use: no query sees it. A bare store (no background task takes its
/// connections) opens eight at once, Postgres ends them, and eight taken again all answer.
#[tokio::test]
async fn a_database_connection_closed_while_idle_is_replaced_before_a_query_uses_it() {
    let url = fresh_database_url().await;
    let store = app::backend::db::Store::connect(&url)
        .await
        .expect("connect");
    let take_eight = || async {
        let mut held = Vec::new();
        for _ in 0..8 {
            held.push(store.pool().acquire().await.expect("acquire"));
        }
        held
    };
    drop(take_eight().await);
    // Returned connections are pinged back into the pool by a spawned task.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(store.pool().size(), 8);
    if store.dialect() == app::backend::db::Dialect::Postgres {
        let other = sqlx::AnyPool::connect(&url).await.expect("connect");
        let closed: i64 = sqlx::query(
            "select count(*) as n from (select pg_terminate_backend(pid) from pg_stat_activity \
             where datname = current_database() and pid <> pg_backend_pid()) t",
        )
        .fetch_one(&other)
        .await
        .expect("terminate")
        .try_get("n")
        .expect("n");
        assert_eq!(closed, 8);
        other.close().await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    for mut connection in take_eight().await {
        let one: i64 = sqlx::query("select 1 as one")
            .fetch_one(&mut *connection)
            .await
            .expect("a live connection")
            .try_get("one")
            .expect("one");
        assert_eq!(one, 1);
    }
}
