//! The admin REST API (SPEC §11) as a script uses it: API tokens (added in Settings, shown once,
//! hashed, read-only or read-write, expiry, revocation, a deactivated admin's tokens), problem
//! details, `/api/v1/users` against the users menu's server functions, cursor paging over 1,000
//! users, the CSRF rule for token requests, the rate limit, and the served OpenAPI document equal
//! to `docs/openapi.json`.

use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::HashSet;

/// "Add API token" by `client` (an admin's); answers the token shown once.
pub(crate) async fn api_token(
    app: &TestApp,
    client: &reqwest::Client,
    name: &str,
    access: &str,
    days: &str,
) -> String {
    let response = app
        .call_with(
            client,
            "add_api_token",
            &[
                ("form[name]", name),
                ("form[access]", access),
                ("form[expires_in_days]", days),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    body["token"].as_str().expect("token").to_owned()
}

/// A request as a script sends it: no cookie, no Origin; the token, if any, as a bearer.
pub(crate) async fn rest(
    app: &TestApp,
    method: Method,
    token: Option<&str>,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = reqwest::Client::new().request(method, app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("REST request")
}

/// The status and the JSON body (a problem detail, for an error).
async fn answer(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn new_user(email: &str) -> Value {
    json!({
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": email,
        "organization_id": app::backend::db::DEFAULT_ORGANIZATION_ID,
    })
}

#[tokio::test]
async fn a_token_is_shown_once_stored_hashed_and_refused_once_revoked_expired_or_its_admin_deactivated()
 {
    let app = spawn_as_admin().await;
    let token = api_token(&app, &app.client, "CRM sync", "write", "30").await;
    assert!(token.starts_with("pta_") && token.len() == 47, "{token}");
    assert_eq!(
        app.count(&format!(
            "select count(*) from api_tokens where hash = '{}'",
            app::backend::gateway::hash(&token)
        ))
        .await,
        1
    );
    assert_eq!(
        app.count(&format!(
            "select count(*) from api_tokens where hash = '{token}' or prefix = '{token}'"
        ))
        .await,
        0,
        "the token itself is not stored"
    );
    let listed: Value = app
        .call("api_tokens", &[])
        .await
        .json()
        .await
        .expect("list");
    let row = &listed["tokens"][0];
    assert_eq!(row["name"], "CRM sync");
    assert_eq!(row["prefix"], &token[..12]);
    assert_eq!(row["last_used_at"], Value::Null);
    assert_eq!(listed["shown"], Value::Null, "shown once: not in the list");

    // Without a token, with a wrong one, or with a cookie only: 401 as a problem detail.
    for bad in [None, Some("pta_nonsense"), Some("Basic abc")] {
        let response = rest(&app, Method::GET, bad, "/api/v1/users", None).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        let (_, problem) = answer(response).await;
        assert_eq!(problem["status"], 401);
        assert_eq!(problem["type"], "about:blank");
        assert_eq!(problem["title"], "Unauthorized");
    }
    let signed_in = app
        .client
        .get(app.url("/api/v1/users"))
        .send()
        .await
        .expect("get");
    assert_eq!(
        signed_in.status(),
        StatusCode::UNAUTHORIZED,
        "a session is not a token"
    );

    let ok = rest(&app, Method::GET, Some(&token), "/api/v1/users", None).await;
    assert_eq!(ok.status(), StatusCode::OK);
    let listed: Value = app
        .call("api_tokens", &[])
        .await
        .json()
        .await
        .expect("list");
    assert!(
        listed["tokens"][0]["last_used_at"].is_i64(),
        "last use shown"
    );

    // Expiry: 30 days.
    app.state
        .clock
        .advance(std::time::Duration::from_secs(31 * 24 * 3600));
    let expired = rest(&app, Method::GET, Some(&token), "/api/v1/users", None).await;
    assert_eq!(expired.status(), StatusCode::UNAUTHORIZED);

    // Revocation, by a new admin session (the old one idled out with the clock).
    let app = spawn_as_admin().await;
    let token = api_token(&app, &app.client, "Billing", "write", "0").await;
    assert_eq!(
        rest(&app, Method::GET, Some(&token), "/api/v1/users", None)
            .await
            .status(),
        StatusCode::OK
    );
    let listed: Value = app
        .call("api_tokens", &[])
        .await
        .json()
        .await
        .expect("list");
    let id = listed["tokens"][0]["id"].as_str().expect("id").to_owned();
    assert_eq!(
        app.call("revoke_api_token", &[("id", &id)]).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        rest(&app, Method::GET, Some(&token), "/api/v1/users", None)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );

    // A provider admin's token dies with their deactivation, and stays dead after activation.
    app.add_provider_admin("a provider's long passphrase").await;
    let provider = app
        .signed_in_client("provider@example.com", "a provider's long passphrase")
        .await;
    let theirs = api_token(&app, &provider, "Onboarding", "write", "90").await;
    assert_eq!(
        rest(&app, Method::GET, Some(&theirs), "/api/v1/users", None)
            .await
            .status(),
        StatusCode::OK
    );
    let provider_id = app
        .scalar_text("select id from users where email = 'provider@example.com'")
        .await;
    let change = |change: &'static str| {
        let (app, id) = (&app, provider_id.clone());
        async move {
            let response = app
                .call("change_admin", &[("id", &id), ("change", change)])
                .await;
            assert_eq!(response.status(), StatusCode::OK);
        }
    };
    change("deactivate").await;
    assert_eq!(
        rest(&app, Method::GET, Some(&theirs), "/api/v1/users", None)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    change("activate").await;
    assert_eq!(
        rest(&app, Method::GET, Some(&theirs), "/api/v1/users", None)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    // The provider admin sees only their own token; the super admin sees both and may revoke it.
    // (Deactivation ended the provider's sessions: they sign in again.)
    let provider = app
        .signed_in_client("provider@example.com", "a provider's long passphrase")
        .await;
    let own: Value = app
        .call_with(&provider, "api_tokens", &[])
        .await
        .json()
        .await
        .expect("list");
    assert_eq!(own["tokens"].as_array().map(Vec::len), Some(1));
    let everyone: Value = app
        .call("api_tokens", &[])
        .await
        .json()
        .await
        .expect("list");
    assert_eq!(everyone["tokens"].as_array().map(Vec::len), Some(2));
    let super_token = everyone["tokens"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["name"] == "Billing"))
        .and_then(|t| t["id"].as_str())
        .expect("billing")
        .to_owned();
    assert_eq!(
        app.call_with(&provider, "revoke_api_token", &[("id", &super_token)])
            .await
            .status(),
        StatusCode::NOT_FOUND,
        "a provider admin cannot revoke another admin's token"
    );
}

#[tokio::test]
async fn bad_token_forms_are_field_errors_and_consumers_and_strangers_get_no_tokens() {
    let app = spawn_as_admin().await;
    let (status, error) = error_of(
        app.call(
            "add_api_token",
            &[
                ("form[name]", ""),
                ("form[access]", "root"),
                ("form[expires_in_days]", "5"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["name", "access", "expires_in_days"] {
        assert!(error.field_message(field).is_some(), "{field}: {error:?}");
    }
    assert_eq!(app.count("select count(*) from api_tokens").await, 0);
    app.insert_consumer("dev@example.com", "a consumer's long passphrase")
        .await;
    let consumer = app
        .signed_in_client("dev@example.com", "a consumer's long passphrase")
        .await;
    let form = [
        ("form[name]", "mine"),
        ("form[access]", "write"),
        ("form[expires_in_days]", "30"),
    ];
    assert_eq!(
        app.call_with(&consumer, "add_api_token", &form)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let stranger = client(&app.base);
    assert_eq!(
        app.call_with(&stranger, "add_api_token", &form)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.call_with(&stranger, "api_tokens", &[]).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.count("select count(*) from api_tokens").await, 0);
}

#[tokio::test]
async fn users_are_added_read_changed_invited_and_deleted_and_every_write_is_audited_with_the_token()
 {
    let app = spawn_as_admin().await;
    let token = api_token(&app, &app.client, "Onboarding script", "write", "90").await;
    let token = Some(token.as_str());
    let created = rest(
        &app,
        Method::POST,
        token,
        "/api/v1/users",
        Some(json!({
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@example.com",
            "organization_id": app::backend::db::DEFAULT_ORGANIZATION_ID,
            "role": "consumer-admin",
            "invite": true,
        })),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let location = created.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let (_, user) = answer(created).await;
    let id = user["id"].as_str().expect("id").to_owned();
    assert_eq!(location, format!("/api/v1/users/{id}"));
    assert_eq!(user["status"], "invited");
    assert_eq!(user["role"], "consumer-admin");
    assert_eq!(user["organization"]["name"], "Default Organization");
    assert!(user["invitation_expires_at"].is_i64());
    assert_eq!(
        app.count("select count(*) from email_outbox where to_address = 'ada@example.com'")
            .await,
        1,
        "the invitation is queued"
    );
    let (status, outbox) =
        answer(rest(&app, Method::GET, token, "/api/v1/outbox", None).await).await;
    assert_eq!(status, StatusCode::OK);
    let mail = outbox["items"]
        .as_array()
        .and_then(|items| items.iter().find(|m| m["to_address"] == "ada@example.com"))
        .expect("the invitation in the outbox");
    assert_eq!(mail["kind"], "invitation");
    assert_eq!(mail["status"], "queued", "no SMTP in this test");
    assert!(
        !outbox.to_string().contains("/invite?token="),
        "no one-time link through the API: {outbox}"
    );
    let retry = format!("/api/v1/outbox/{}/retry", mail["id"].as_str().expect("id"));
    let (status, _) = answer(rest(&app, Method::POST, token, &retry, None).await).await;
    assert!(
        status == StatusCode::NO_CONTENT || status == StatusCode::CONFLICT,
        "{status}"
    );

    let (status, read) = answer(rest(&app, Method::GET, token, &location, None).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read, user);

    let (status, changed) = answer(
        rest(
            &app,
            Method::PUT,
            token,
            &location,
            Some(json!({
                "first_name": "Augusta Ada",
                "last_name": "King",
                "email": "ada@example.com",
                "organization_id": app::backend::db::DEFAULT_ORGANIZATION_ID,
            })),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(changed["first_name"], "Augusta Ada");
    assert_eq!(changed["role"], "consumer-team-member");

    let revoke = format!("{location}/invitation");
    assert_eq!(
        rest(&app, Method::DELETE, token, &revoke, None)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    let (status, problem) = answer(rest(&app, Method::DELETE, token, &revoke, None).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["detail"], "This user has no pending invitation.");
    assert_eq!(
        rest(&app, Method::POST, token, &revoke, None)
            .await
            .status(),
        StatusCode::NO_CONTENT,
        "a new invitation"
    );
    for action in ["deactivate", "activate"] {
        assert_eq!(
            rest(
                &app,
                Method::POST,
                token,
                &format!("{location}/{action}"),
                None
            )
            .await
            .status(),
            StatusCode::NO_CONTENT
        );
    }
    // The user's page says which token made each change.
    let page = app.page_text(&format!("/admin/users/{id}")).await;
    assert!(
        page.contains("with the API token &quot;Onboarding script&quot;")
            || page.contains("with the API token \"Onboarding script\""),
        "{page}"
    );
    assert_eq!(
        rest(&app, Method::DELETE, token, &location, None)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    let (status, problem) = answer(rest(&app, Method::GET, token, &location, None).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(problem["status"], 404);

    // Every write names the token; none is anonymous.
    let writes = app
        .count(&format!(
            "select count(*) from audit_log where subject_id = '{id}' and via = 'Onboarding script'"
        ))
        .await;
    assert!(writes >= 7, "{writes} audited writes");
    assert_eq!(
        app.count(&format!(
            "select count(*) from audit_log where subject_id = '{id}' and via is null"
        ))
        .await,
        0
    );
    app.assert_counts().await;
}

#[tokio::test]
async fn the_api_and_the_users_menu_answer_the_same_input_with_the_same_field_errors() {
    let app = spawn_as_admin().await;
    let token = api_token(&app, &app.client, "script", "write", "7").await;
    app.create_user_ok(&[("email", "taken@example.com")]).await;
    for (email, first_name) in [("not an email", ""), ("TAKEN@example.com", "Ada")] {
        let (ui_status, ui_error) = error_of(
            app.create_user(&[("email", email), ("first_name", first_name)])
                .await,
        )
        .await;
        let mut body = new_user(email);
        body["first_name"] = json!(first_name);
        let (status, problem) = answer(
            rest(
                &app,
                Method::POST,
                Some(&token),
                "/api/v1/users",
                Some(body),
            )
            .await,
        )
        .await;
        assert_eq!(status, ui_status);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let app::error::AppError::Validation { errors, .. } = ui_error else {
            panic!("not a validation error: {ui_error:?}");
        };
        let api_errors: Vec<(String, String)> = problem["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| {
                (
                    e["field"].as_str().unwrap_or_default().to_owned(),
                    e["message"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let ui_errors: Vec<(String, String)> =
            errors.into_iter().map(|e| (e.field, e.message)).collect();
        assert_eq!(api_errors, ui_errors);
    }
    assert_eq!(app.users_with_email("taken@example.com").await, 1);
    assert_eq!(
        app.count("select count(*) from users where role like 'consumer%'")
            .await,
        1
    );
    // A body that is not JSON of the operation is a 400 problem, nothing stored.
    let (status, problem) = answer(
        rest(
            &app,
            Method::POST,
            Some(&token),
            "/api/v1/users",
            Some(json!({"email": 5})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(problem["status"], 400);
}

/// Every writing operation on the user at `user` (and one adding `email`).
fn writes(user: &str, email: &str) -> Vec<(Method, String, Option<Value>)> {
    vec![
        (
            Method::POST,
            "/api/v1/users".to_owned(),
            Some(new_user(email)),
        ),
        (
            Method::PUT,
            user.to_owned(),
            Some(new_user(&format!("changed-{email}"))),
        ),
        (Method::POST, format!("{user}/deactivate"), None),
        (Method::POST, format!("{user}/activate"), None),
        (Method::POST, format!("{user}/invitation"), None),
        (Method::DELETE, format!("{user}/invitation"), None),
        (Method::POST, format!("{user}/password-reset"), None),
        (Method::POST, "/api/v1/outbox/x/retry".to_owned(), None),
        (Method::DELETE, user.to_owned(), None),
    ]
}

/// The matrix of SPEC §11: every operation × {no token, read-only, read-write of a provider
/// admin, read-write of a super admin}. Without a token: 401; read-only: reads pass, writes 403;
/// read-write of either role: past authorization (the users resource is the same for both).
#[tokio::test]
async fn every_operation_answers_no_token_read_only_and_both_admin_roles_read_write_tokens() {
    let app = spawn_as_admin().await;
    let ada = app.create_user_ok(&[("email", "ada@example.com")]).await;
    let bob = app.create_user_ok(&[("email", "bob@example.com")]).await;
    app.add_provider_admin("a provider's long passphrase").await;
    let provider = app
        .signed_in_client("provider@example.com", "a provider's long passphrase")
        .await;
    let read = api_token(&app, &app.client, "reporting", "read", "30").await;
    let provider_read = api_token(&app, &provider, "their reporting", "read", "30").await;
    let super_write = api_token(&app, &app.client, "sync", "write", "30").await;
    let provider_write = api_token(&app, &provider, "their sync", "write", "30").await;
    let (ada, bob) = (
        format!("/api/v1/users/{ada}"),
        format!("/api/v1/users/{bob}"),
    );
    let reads = [
        "/api/v1/users".to_owned(),
        ada.clone(),
        "/api/v1/outbox".to_owned(),
    ];
    for path in &reads {
        assert_eq!(
            rest(&app, Method::GET, None, path, None).await.status(),
            StatusCode::UNAUTHORIZED,
            "GET {path} without a token"
        );
        for token in [&read, &provider_read, &super_write, &provider_write] {
            assert_eq!(
                rest(&app, Method::GET, Some(token), path, None)
                    .await
                    .status(),
                StatusCode::OK,
                "GET {path}"
            );
        }
    }
    for (method, path, body) in writes(&ada, "new@example.com") {
        assert_eq!(
            rest(&app, method.clone(), None, &path, body.clone())
                .await
                .status(),
            StatusCode::UNAUTHORIZED,
            "{method} {path} without a token"
        );
        for token in [&read, &provider_read] {
            assert_eq!(
                rest(&app, method.clone(), Some(token), &path, body.clone())
                    .await
                    .status(),
                StatusCode::FORBIDDEN,
                "{method} {path} read-only"
            );
        }
    }
    assert_eq!(app.users_with_email("new@example.com").await, 0);
    assert_eq!(app.count("select count(*) from email_outbox").await, 0);
    for (token, user, email) in [
        (&super_write, &ada, "new@example.com"),
        (&provider_write, &bob, "newer@example.com"),
    ] {
        for (method, path, body) in writes(user, email) {
            let status = rest(&app, method.clone(), Some(token), &path, body)
                .await
                .status();
            assert!(
                status.is_success()
                    || status == StatusCode::CONFLICT
                    || status == StatusCode::NOT_FOUND,
                "{method} {path} read-write: {status}"
            );
        }
    }
    assert_eq!(app.users_with_email("new@example.com").await, 1);
    assert_eq!(app.users_with_email("newer@example.com").await, 1);
    assert_eq!(app.users_with_email("ada@example.com").await, 0, "deleted");
}

#[tokio::test]
async fn a_thousand_users_are_paged_by_cursor_without_duplicates_or_gaps() {
    let app = spawn_as_admin().await;
    let values: Vec<String> = (0..1000)
        .map(|i| {
            format!(
                "('bulk-{i:04}', 'bulk{i}@example.com', 'Bulk', 'User{}', 'consumer-team-member', '{}', 'not-invited', {}, 0)",
                i % 7,
                app::backend::db::DEFAULT_ORGANIZATION_ID,
                i / 3
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
    let token = api_token(&app, &app.client, "export", "read", "7").await;
    for sort in ["created", "name", "email"] {
        let mut seen = HashSet::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let mut path = format!("/api/v1/users?limit=200&sort={sort}");
            if let Some(c) = &cursor {
                path.push_str(&format!("&cursor={}", urlencode(c)));
            }
            let (status, page) =
                answer(rest(&app, Method::GET, Some(&token), &path, None).await).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            pages += 1;
            for item in page["items"].as_array().expect("items") {
                let id = item["id"].as_str().expect("id").to_owned();
                assert!(seen.insert(id.clone()), "{id} twice in {sort}");
            }
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
            assert!(pages <= 6, "paging does not end");
        }
        assert_eq!(seen.len(), 1000, "{sort}");
        assert_eq!(pages, 5, "{sort}");
    }
    for bad in [
        "/api/v1/users?limit=0",
        "/api/v1/users?limit=201",
        "/api/v1/users?limit=x",
        "/api/v1/users?cursor=broken",
        "/api/v1/users?status=asleep",
    ] {
        let (status, problem) =
            answer(rest(&app, Method::GET, Some(&token), bad, None).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(problem["status"], 400, "{bad}");
    }
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn a_request_with_a_cookie_and_no_bearer_token_meets_the_csrf_guard_and_a_bearer_token_does_not_need_to()
 {
    let app = spawn_as_admin().await;
    let token = api_token(&app, &app.client, "script", "write", "7").await;
    let cross_site = |email: &str, cookie: bool, bearer: bool| {
        let mut request = reqwest::Client::new()
            .post(app.url("/api/v1/users"))
            .header("Origin", "https://evil.example")
            .json(&new_user(email));
        if cookie {
            request = request.header("Cookie", "portico_session=anything");
        }
        if bearer {
            request = request.bearer_auth(&token);
        }
        request.send()
    };
    let refused = cross_site("a@example.com", true, false)
        .await
        .expect("send");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        refused.text().await.expect("body"),
        "Cross-site request refused."
    );
    assert_eq!(
        cross_site("b@example.com", false, true)
            .await
            .expect("send")
            .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        cross_site("c@example.com", true, true)
            .await
            .expect("send")
            .status(),
        StatusCode::CREATED,
        "a client with a cookie jar (a load balancer's cookie) and its token"
    );
    assert_eq!(app.users_with_email("a@example.com").await, 0);
}

/// A NUL character (which Postgres refuses in text) is a 400 problem wherever it comes.
#[tokio::test]
async fn a_nul_character_in_a_path_query_or_body_is_a_bad_request() {
    let app = spawn_as_admin().await;
    let token = api_token(&app, &app.client, "script", "write", "7").await;
    let mut body = new_user("nul@example.com");
    body["organization_id"] = json!("x\u{0}y");
    for (method, path, body) in [
        (Method::GET, "/api/v1/users/a%00b", None),
        (Method::GET, "/api/v1/users?q=a%00b", None),
        (Method::POST, "/api/v1/users", Some(body)),
    ] {
        let (status, problem) =
            answer(rest(&app, method.clone(), Some(&token), path, body).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{method} {path}");
        assert_eq!(problem["status"], 400);
    }
    assert_eq!(app.users_with_email("nul@example.com").await, 0);
}

#[tokio::test]
async fn a_token_over_its_rate_is_answered_429_with_a_retry_after() {
    let app = spawn_with(TestOptions {
        api_rate_per_minute: 5,
        ..Default::default()
    })
    .await;
    app.login_admin().await;
    app.to_window_start(60_000);
    let token = api_token(&app, &app.client, "busy", "read", "7").await;
    let other = api_token(&app, &app.client, "quiet", "read", "7").await;
    for _ in 0..5 {
        assert_eq!(
            rest(&app, Method::GET, Some(&token), "/api/v1/users", None)
                .await
                .status(),
            StatusCode::OK
        );
    }
    let refused = rest(&app, Method::GET, Some(&token), "/api/v1/users", None).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key("retry-after"));
    assert_eq!(
        rest(&app, Method::GET, Some(&other), "/api/v1/users", None)
            .await
            .status(),
        StatusCode::OK,
        "counted per token"
    );
    app.state.clock.advance(std::time::Duration::from_secs(60));
    assert_eq!(
        rest(&app, Method::GET, Some(&token), "/api/v1/users", None)
            .await
            .status(),
        StatusCode::OK,
        "the next minute"
    );
}

#[tokio::test]
async fn the_served_openapi_document_is_docs_openapi_json() {
    let app = spawn_app().await;
    let response = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .expect("get");
    assert_eq!(response.status(), StatusCode::OK);
    let served: Value = response.json().await.expect("json");
    assert_eq!(served["openapi"], "3.1.0");
    let committed: Value = serde_json::from_str(include_str!("../../../docs/openapi.json"))
        .expect("docs/openapi.json");
    assert!(
        served == committed,
        "docs/openapi.json differs from the served document: run \
         `cargo run -p server --bin portico -- openapi > docs/openapi.json`"
    );
    // Unknown paths under /api/v1 are problem details too.
    let (status, problem) =
        answer(rest(&app, Method::GET, None, "/api/v1/nothing", None).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(problem["status"], 404);
}

/// `/api/v1/users` is the consumers' menu: an admin's id is not found there, whatever the
/// token's admin, so a provider admin's token cannot read, change or stop a super admin.
#[tokio::test]
async fn a_provider_admins_token_cannot_reach_a_super_admin_through_the_users_resource() {
    let app = spawn_as_admin().await;
    app.add_provider_admin("a provider's long passphrase").await;
    let provider = app
        .signed_in_client("provider@example.com", "a provider's long passphrase")
        .await;
    let token = api_token(&app, &provider, "provider's", "write", "7").await;
    let super_id = app
        .scalar_text("select id from users where role = 'super-admin'")
        .await;
    let user = format!("/api/v1/users/{super_id}");
    let change = json!({
        "first_name": "Mallory",
        "last_name": "Admin",
        "email": "mallory@example.com",
        "organization_id": app::backend::db::DEFAULT_ORGANIZATION_ID,
    });
    for (method, path, body) in [
        (Method::GET, user.clone(), None),
        (Method::PUT, user.clone(), Some(change)),
        (Method::POST, format!("{user}/deactivate"), None),
        (Method::POST, format!("{user}/password-reset"), None),
        (Method::POST, format!("{user}/invitation"), None),
        (Method::DELETE, user.clone(), None),
    ] {
        let status = rest(&app, method.clone(), Some(&token), &path, body)
            .await
            .status();
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}");
    }
    assert_eq!(
        app.scalar_text(&format!("select status from users where id = '{super_id}'"))
            .await,
        "active"
    );
    assert_eq!(app.count("select count(*) from email_outbox").await, 0);
    assert_eq!(
        app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.status(),
        StatusCode::OK,
        "the super admin still signs in"
    );
}
