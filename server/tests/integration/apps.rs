//! Apps, access requests, API keys and the gateway check (SPEC §10), through the server functions
//! a person's pages call and the gateway endpoints a gateway calls: the whole flow, key rotation
//! and expiry on a moved clock, revocation by every path that must revoke, races, bad input, who
//! sees which app, and two instances on one Postgres.

use crate::catalog::{Holds, catalog, plan, product, viewer};
use crate::support::*;
use app::backend::db::DEFAULT_ORGANIZATION_ID;
use app::domain::apps::{
    ALREADY_DECIDED, ALREADY_REQUESTED, AppPage, AppSummary, HAS_LIVE_KEYS, KEY_ALREADY_SHOWN,
    NO_SUCH_APP, NO_SUCH_PLAN, RequestStatus, ShownKey, Submitted,
};
use app::error::AppError;
use reqwest::StatusCode;
use std::time::Duration;

/// A small world: products "payments" and "ledger" (both published), plan "gold" (90-day keys)
/// and an auto-approving "free", a Public catalog with all of them, and a gateway token.
pub(crate) struct World {
    pub(crate) payments: String,
    pub(crate) ledger: String,
    pub(crate) gold: String,
    pub(crate) free: String,
    pub(crate) gateway: String,
}

pub(crate) async fn world(app: &TestApp) -> World {
    let payments = product(app, "payments", true).await;
    let ledger = product(app, "ledger", true).await;
    let gold = plan(app, "gold").await;
    let response = app
        .call(
            "create_plan",
            &[
                ("form[name]", "free"),
                ("form[display_name]", "Free"),
                ("form[auto_approve]", "on"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let free: String = response.json().await.expect("id");
    catalog(
        app,
        "Everything",
        "public",
        Holds {
            products: vec![&payments, &ledger],
            plans: vec![&gold, &free],
            ..Default::default()
        },
    )
    .await;
    let gateway = gateway_token(app, "nginx in front").await;
    World {
        payments,
        ledger,
        gold,
        free,
        gateway,
    }
}

/// Adds a gateway token with the app's (admin) client; answers the token shown once.
pub(crate) async fn gateway_token(app: &TestApp, name: &str) -> String {
    let response = app.call("add_gateway_token", &[("name", name)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.expect("json");
    body["token"].as_str().expect("token").to_owned()
}

/// "Submit request" by `client` for `product` and `plan`, with a new app or an existing one.
pub(crate) async fn request(
    app: &TestApp,
    client: &reqwest::Client,
    product: &str,
    plan: &str,
    app_choice: (&str, &str),
) -> reqwest::Response {
    app.call_with(
        client,
        "request_access",
        &[
            ("form[product]", product),
            ("form[plan]", plan),
            ("form[app]", app_choice.0),
            ("form[new_app]", app_choice.1),
            ("form[comment]", "For our nightly reconciliation."),
        ],
    )
    .await
}

pub(crate) async fn submitted(response: reqwest::Response) -> Submitted {
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    response.json().await.expect("submitted")
}

async fn app_page(app: &TestApp, client: &reqwest::Client, id: &str) -> AppPage {
    let response = app.call_with(client, "view_app", &[("id", id)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("app page")
}

async fn shown_key(app: &TestApp, client: &reqwest::Client, request_id: &str) -> String {
    let response = app
        .call_with(client, "show_key", &[("id", request_id)])
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    let shown: ShownKey = response.json().await.expect("key");
    shown.key
}

/// `GET /gateway/v1/auth` as nginx's `auth_request` sends it; answers the status and headers.
pub(crate) async fn gateway_check(
    app: &TestApp,
    token: &str,
    key: &str,
    path: &str,
) -> (StatusCode, reqwest::header::HeaderMap) {
    let response = reqwest::Client::new()
        .get(app.url("/gateway/v1/auth"))
        .header("X-Portico-Gateway-Token", token)
        .header("Authorization", format!("Bearer {key}"))
        .header("X-Original-URI", path)
        .send()
        .await
        .expect("gateway check");
    (response.status(), response.headers().clone())
}

async fn status_of(app: &TestApp, token: &str, key: &str, path: &str) -> StatusCode {
    gateway_check(app, token, key, path).await.0
}

/// A consumer of the default organization with a live key for payments/gold: (user id, client,
/// app id, request id, key).
pub(crate) async fn consumer_with_key(
    app: &TestApp,
    world: &World,
    email: &str,
) -> (String, reqwest::Client, String, String, String) {
    let id = app
        .insert_consumer(email, "a consumer's long passphrase")
        .await;
    let client = app
        .signed_in_client(email, "a consumer's long passphrase")
        .await;
    let done =
        submitted(request(app, &client, "payments", &world.gold, ("", "Billing sync")).await).await;
    let approved = app
        .call(
            "approve_access_request",
            &[("id", &done.request_id), ("reason", "")],
        )
        .await;
    assert_eq!(approved.status(), StatusCode::OK);
    let key = shown_key(app, &client, &done.request_id).await;
    (id, client, done.app_id, done.request_id, key)
}

#[tokio::test]
async fn a_consumer_requests_access_an_admin_approves_and_the_gateway_lets_the_key_through() {
    let app = spawn_as_admin().await;
    let world = world(&app).await;
    app.insert_consumer("dev@example.com", "a consumer's long passphrase")
        .await;
    let dev = app
        .signed_in_client("dev@example.com", "a consumer's long passphrase")
        .await;

    let done =
        submitted(request(&app, &dev, "payments", &world.gold, ("", "Billing sync")).await).await;
    assert!(!done.approved);
    assert_eq!(
        app.count("select count(*) as n from email_outbox where kind = 'access_requested'")
            .await,
        1,
        "the admins are emailed"
    );
    // The same app, product and plan again: one live request.
    let again = request(&app, &dev, "payments", &world.gold, (&done.app_id, "")).await;
    let (status, error) = error_of(again).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error.to_string(), ALREADY_REQUESTED);

    // The admin's list has it, pending, with its requester and comment.
    let listed: serde_json::Value = app
        .call("access_requests", &[("filter[status]", "pending")])
        .await
        .json()
        .await
        .expect("json");
    let requests = listed["requests"].as_array().expect("requests");
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["requester_email"], "dev@example.com");
    assert_eq!(requests[0]["comment"], "For our nightly reconciliation.");
    assert_eq!(requests[0]["app_name"], "Billing sync");

    // Until approved there is no key to show.
    let early = app
        .call_with(&dev, "show_key", &[("id", &done.request_id)])
        .await;
    assert_eq!(early.status(), StatusCode::NOT_FOUND);

    let approve = [("id", done.request_id.as_str()), ("reason", "Welcome")];
    assert_eq!(
        app.call("approve_access_request", &approve).await.status(),
        StatusCode::OK
    );
    let (status, error) = error_of(app.call("reject_access_request", &approve).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error.to_string(), ALREADY_DECIDED);
    assert_eq!(
        app.count(
            "select count(*) as n from email_outbox where kind = 'access_approved' \
             and to_address = 'dev@example.com'"
        )
        .await,
        1,
        "the requester is emailed"
    );

    let page = app_page(&app, &dev, &done.app_id).await;
    assert_eq!(page.requests[0].status, RequestStatus::Approved);
    assert!(page.requests[0].key_waiting());
    let key = shown_key(&app, &dev, &done.request_id).await;
    assert!(key.starts_with("ptc_") && key.len() == 47, "{key}");
    // Shown once: never again, and only its prefix is stored.
    let (status, error) = error_of(
        app.call_with(&dev, "show_key", &[("id", &done.request_id)])
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error.to_string(), KEY_ALREADY_SHOWN);
    let page = app_page(&app, &dev, &done.app_id).await;
    assert_eq!(page.requests[0].key_prefix, key[..12]);
    assert_eq!(
        app.count(&format!(
            "select count(*) as n from access_requests where key_prefix = '{key}' or comment = '{key}'"
        ))
        .await
            + app
                .count(&format!(
                    "select count(*) as n from api_keys where hash = '{key}'"
                ))
                .await,
        0,
        "the key itself is stored nowhere"
    );

    // Through the gateway check.
    let (status, headers) =
        gateway_check(&app, &world.gateway, &key, "/payments/v1/charges?x=1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["x-portico-app"], done.app_id.as_str());
    assert_eq!(headers["x-portico-organization"], DEFAULT_ORGANIZATION_ID);
    assert_eq!(headers["x-portico-plan"], world.gold.as_str());
    assert_eq!(headers["x-portico-rate-limit"], "100/60s");
    assert_eq!(headers["x-portico-quota"], "10000/day");
    assert_eq!(
        status_of(&app, &world.gateway, &key, "/ledger/v1/entries").await,
        StatusCode::FORBIDDEN,
        "another product's prefix"
    );
    for ambiguous in [
        "/payments/../ledger/v1",
        "/payments/%2e%2e/ledger/v1",
        "/payments/..;/ledger/v1",
        "/payments//v1",
    ] {
        assert_eq!(
            status_of(&app, &world.gateway, &key, ambiguous).await,
            StatusCode::FORBIDDEN,
            "a path an upstream may read as another product's is refused: {ambiguous}"
        );
    }
    assert_eq!(
        status_of(&app, &world.gateway, &key, "/PAYMENTS/v1").await,
        StatusCode::FORBIDDEN,
        "prefixes match the path as sent"
    );
    assert_eq!(
        status_of(&app, &world.gateway, &key, "/elsewhere").await,
        StatusCode::FORBIDDEN
    );
    let unknown = format!("ptc_{}", "A".repeat(43));
    assert_eq!(
        status_of(&app, &world.gateway, &unknown, "/payments/").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        status_of(&app, "ptg_not-a-token", &key, "/payments/").await,
        StatusCode::UNAUTHORIZED,
        "a gateway without a good token is refused"
    );
    // X-API-Key works too, and the JSON form answers the same.
    let by_header = reqwest::Client::new()
        .get(app.url("/gateway/v1/auth"))
        .header("X-Portico-Gateway-Token", &world.gateway)
        .header("X-API-Key", &key)
        .header("X-Original-URI", "/payments/v1")
        .send()
        .await
        .expect("check");
    assert_eq!(by_header.status(), StatusCode::OK);
    let verified = reqwest::Client::new()
        .post(app.url("/gateway/v1/keys/verify"))
        .header("X-Portico-Gateway-Token", &world.gateway)
        .json(&serde_json::json!({"key": key, "path": "/payments/v1"}))
        .send()
        .await
        .expect("verify");
    assert_eq!(verified.status(), StatusCode::OK);
    let verdict: serde_json::Value = verified.json().await.expect("json");
    assert_eq!(verdict["allowed"], true);
    assert_eq!(verdict["app"]["name"], "Billing sync");
    assert_eq!(verdict["plan"]["name"], "gold");
    let refused = reqwest::Client::new()
        .post(app.url("/gateway/v1/keys/verify"))
        .header("X-Portico-Gateway-Token", &world.gateway)
        .json(&serde_json::json!({"key": key, "path": "/ledger/v1"}))
        .send()
        .await
        .expect("verify");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    // "Revoke": refused at once on this instance.
    assert_eq!(
        app.call_with(&dev, "revoke_access", &[("id", &done.request_id)])
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        status_of(&app, &world.gateway, &key, "/payments/v1").await,
        StatusCode::UNAUTHORIZED
    );
    // Revoked, the plan can be asked for again.
    submitted(request(&app, &dev, "payments", &world.gold, (&done.app_id, "")).await).await;
}

#[tokio::test]
async fn an_auto_approving_plan_approves_at_once_and_the_request_is_recorded() {
    let app = spawn_as_admin().await;
    let world = world(&app).await;
    app.insert_consumer("dev@example.com", "a consumer's long passphrase")
        .await;
    let dev = app
        .signed_in_client("dev@example.com", "a consumer's long passphrase")
        .await;
    let done = submitted(request(&app, &dev, "ledger", &world.free, ("", "Books")).await).await;
    assert!(done.approved);
    assert_eq!(
        app.count("select count(*) as n from email_outbox where kind = 'access_requested'")
            .await,
        0
    );
    let key = shown_key(&app, &dev, &done.request_id).await;
    let (status, headers) = gateway_check(&app, &world.gateway, &key, "/ledger/x").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["x-portico-rate-limit"], "unlimited");
    assert_eq!(headers["x-portico-quota"], "unlimited");
    let listed: serde_json::Value = app
        .call("access_requests", &[("filter[status]", "approved")])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(listed["requests"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn a_rotated_key_works_during_its_grace_period_only_and_keys_expire_with_their_plan() {
    let app = spawn_as_admin().await;
    let world = world(&app).await;
    let (_, _, _, request_id, old) = consumer_with_key(&app, &world, "dev@example.com").await;
    // Sessions end long before keys do: the consumer signs in again after each move of months.
    let signed_in = || app.signed_in_client("dev@example.com", "a consumer's long passphrase");
    let rotate = |grace: &'static str| {
        let app = &app;
        let request_id = request_id.clone();
        async move {
            let dev = app
                .signed_in_client("dev@example.com", "a consumer's long passphrase")
                .await;
            let response = app
                .call_with(&dev, "rotate_key", &[("id", &request_id), ("grace", grace)])
                .await;
            assert_eq!(response.status(), StatusCode::OK);
            response.json::<ShownKey>().await.expect("key").key
        }
    };
    let new = rotate("1h").await;
    assert_ne!(new, old);
    for key in [&old, &new] {
        assert_eq!(
            status_of(&app, &world.gateway, key, "/payments/a").await,
            StatusCode::OK
        );
    }
    app.state.clock.advance(Duration::from_secs(59 * 60));
    assert_eq!(
        status_of(&app, &world.gateway, &old, "/payments/a").await,
        StatusCode::OK,
        "still within the hour"
    );
    app.state.clock.advance(Duration::from_secs(2 * 60));
    assert_eq!(
        status_of(&app, &world.gateway, &old, "/payments/a").await,
        StatusCode::UNAUTHORIZED,
        "the grace period is over"
    );
    assert_eq!(
        status_of(&app, &world.gateway, &new, "/payments/a").await,
        StatusCode::OK
    );
    // Without grace the old key stops at once.
    let newest = rotate("none").await;
    assert_eq!(
        status_of(&app, &world.gateway, &new, "/payments/a").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        status_of(&app, &world.gateway, &newest, "/payments/a").await,
        StatusCode::OK
    );
    // Gold keys live 90 days.
    app.state
        .clock
        .advance(Duration::from_secs(89 * 24 * 3600 + 12 * 3600));
    assert_eq!(
        status_of(&app, &world.gateway, &newest, "/payments/a").await,
        StatusCode::OK,
        "half a day before its expiry"
    );
    // A rotation's grace never outlives the old key's expiry: 24 h asked, 12 h left.
    let renewed = rotate("24h").await;
    app.state.clock.advance(Duration::from_secs(13 * 3600));
    assert_eq!(
        status_of(&app, &world.gateway, &newest, "/payments/a").await,
        StatusCode::UNAUTHORIZED,
        "expired inside the grace period"
    );
    assert_eq!(
        status_of(&app, &world.gateway, &renewed, "/payments/a").await,
        StatusCode::OK
    );
    app.state.clock.advance(Duration::from_secs(90 * 24 * 3600));
    assert_eq!(
        status_of(&app, &world.gateway, &renewed, "/payments/a").await,
        StatusCode::UNAUTHORIZED
    );
    // An expired key is not renewed by rotating it.
    let (status, error) = error_of(
        app.call_with(
            &signed_in().await,
            "rotate_key",
            &[("id", &request_id), ("grace", "24h")],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error.to_string(), app::domain::apps::KEY_EXPIRED);
    assert_eq!(
        status_of(&app, &world.gateway, &renewed, "/payments/a").await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn an_access_approved_by_mistake_is_revoked_before_its_key_is_ever_shown() {
    let app = spawn_as_admin().await;
    let world = world(&app).await;
    app.insert_consumer("dev@example.com", "a consumer's long passphrase")
        .await;
    let dev = app
        .signed_in_client("dev@example.com", "a consumer's long passphrase")
        .await;
    let done = submitted(request(&app, &dev, "payments", &world.gold, ("", "Oops")).await).await;
    app.call(
        "approve_access_request",
        &[("id", done.request_id.as_str())],
    )
    .await;
    assert_eq!(
        app.call("revoke_access", &[("id", done.request_id.as_str())])
            .await
            .status(),
        StatusCode::OK,
        "an admin revokes it"
    );
    let shown = app
        .call_with(&dev, "show_key", &[("id", &done.request_id)])
        .await;
    assert_eq!(shown.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.count("select count(*) from api_keys").await, 0);
}

#[tokio::test]
async fn an_admin_reassigns_an_app_and_its_keys_stop() {
    let app = spawn_as_admin().await;
    let world = world(&app).await;
    let (_, _, app_id, _, key) = consumer_with_key(&app, &world, "old@example.com").await;
    app.insert_consumer("new@example.com", "a consumer's long passphrase")
        .await;
    let new_owner = app
        .signed_in_client("new@example.com", "a consumer's long passphrase")
        .await;
    let (status, error) = error_of(
        app.call(
            "reassign_app",
            &[("id", app_id.as_str()), ("owner", "nobody@example.com")],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error.to_string(), "No consumer has this email address.");
    assert_eq!(
        app.call(
            "reassign_app",
            &[("id", app_id.as_str()), ("owner", "new@example.com")],
        )
        .await
        .status(),
        StatusCode::OK
    );
    assert_eq!(
        status_of(&app, &world.gateway, &key, "/payments/v1").await,
        StatusCode::UNAUTHORIZED
    );
    let page = app_page(&app, &new_owner, &app_id).await;
    assert!(page.app.mine);
    assert_eq!(page.requests[0].status, RequestStatus::Revoked);
    // The new owner's page in the admin app lists it.
    let owner_id = app
        .scalar_text("select id from users where email = 'new@example.com'")
        .await;
    let html = app.page_text(&format!("/admin/users/{owner_id}")).await;
    assert!(html.contains("Billing sync"), "{html}");
}

#[tokio::test]
async fn an_apps_page_is_never_kept_by_a_browser_or_a_proxy() {
    let app = spawn_as_admin().await;
    let world = world(&app).await;
    let (_, dev, app_id, _, _) = consumer_with_key(&app, &world, "dev@example.com").await;
    let page = dev
        .get(app.url(&format!("/dashboard/apps/{app_id}")))
        .send()
        .await
        .expect("page");
    assert_eq!(
        page.headers()["cache-control"].to_str().ok(),
        Some("no-store"),
        "a key shown once must not stay in a cache"
    );
    // Markup in an app's fields is shown as text on its page and in the list.
    let evil = "<img src=x onerror=alert(1)>";
    let update = app
        .call_with(
            &dev,
            "update_app",
            &[
                ("id", app_id.as_str()),
                ("form[name]", evil),
                ("form[description]", "<script>alert(2)</script>"),
                ("form[visibility]", "personal"),
            ],
        )
        .await;
    assert_eq!(update.status(), StatusCode::OK);
    for path in [
        format!("/dashboard/apps/{app_id}"),
        "/dashboard/apps".to_owned(),
    ] {
        let html = dev
            .get(app.url(&path))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("html");
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{path}: {html}"
        );
        assert!(
            !html.contains("<img src=x") && !html.contains("<script>alert(2)"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn deactivating_moving_or_deleting_the_owner_or_deleting_the_app_revokes_the_keys() {
    let app = spawn_as_admin().await;
    let world = world(&app).await;
    let check = |key: String| {
        let app = &app;
        let token = world.gateway.clone();
        async move { status_of(app, &token, &key, "/payments/v1").await }
    };
    let (deactivated, _, _, _, key1) = consumer_with_key(&app, &world, "one@example.com").await;
    let (deleted, _, _, _, key2) = consumer_with_key(&app, &world, "two@example.com").await;
    let (_, three, app3, _, key3) = consumer_with_key(&app, &world, "three@example.com").await;
    for key in [&key1, &key2, &key3] {
        assert_eq!(check(key.clone()).await, StatusCode::OK);
    }
    let off = app
        .call(
            "set_user_active",
            &[("id", deactivated.as_str()), ("active", "false")],
        )
        .await;
    assert_eq!(off.status(), StatusCode::OK);
    assert_eq!(check(key1.clone()).await, StatusCode::UNAUTHORIZED);
    // Active again, the key stays revoked.
    app.call(
        "set_user_active",
        &[("id", deactivated.as_str()), ("active", "true")],
    )
    .await;
    assert_eq!(check(key1).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.call("delete_user", &[("id", deleted.as_str())])
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(check(key2).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.call_with(&three, "delete_app", &[("id", app3.as_str())])
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(check(key3).await, StatusCode::UNAUTHORIZED);

    // A consumer admin removes a colleague from the organization: their company app's keys go.
    let company = app.create_organization("Acme").await;
    let team: String = app
        .scalar_text(&format!(
            "select id from teams where organization_id = '{company}'"
        ))
        .await;
    let (boss, boss_client) = viewer(&app, "boss@acme.example", &company, &[&team]).await;
    sqlx::query("update users set role = 'consumer-admin' where id = $1")
        .bind(&boss)
        .execute(app.state.store.pool())
        .await
        .expect("promote");
    let _ = boss_client;
    let (member, member_client) = viewer(&app, "member@acme.example", &company, &[&team]).await;
    let done = submitted(
        request(
            &app,
            &member_client,
            "payments",
            &world.gold,
            ("", "Acme sync"),
        )
        .await,
    )
    .await;
    app.call(
        "approve_access_request",
        &[("id", done.request_id.as_str()), ("reason", "")],
    )
    .await;
    let key = shown_key(&app, &member_client, &done.request_id).await;
    assert_eq!(check(key.clone()).await, StatusCode::OK);
    let boss_client = app
        .signed_in_client("boss@acme.example", "a catalog viewer's long passphrase")
        .await;
    let removed = app
        .call_with(&boss_client, "remove_colleague", &[("id", member.as_str())])
        .await;
    assert_eq!(
        removed.status(),
        StatusCode::OK,
        "{:?}",
        removed.text().await
    );
    assert_eq!(check(key).await, StatusCode::UNAUTHORIZED);
    let page = app_page(&app, &member_client, &done.app_id).await;
    assert_eq!(
        page.app.visibility,
        app::domain::apps::AppVisibility::Personal
    );
    assert_eq!(page.requests[0].status, RequestStatus::Revoked);
}

#[tokio::test]
async fn a_product_or_plan_with_live_keys_cannot_be_deleted_until_they_are_revoked() {
    let app = spawn_as_admin().await;
    let world = world(&app).await;
    let (_, dev, _, request_id, _) = consumer_with_key(&app, &world, "dev@example.com").await;
    // A product no key uses goes at once.
    assert_eq!(
        app.call("delete_api_product", &[("id", world.ledger.as_str())])
            .await
            .status(),
        StatusCode::OK
    );
    for (function, id) in [
        ("delete_api_product", &world.payments),
        ("delete_plan", &world.gold),
    ] {
        let (status, error) = error_of(app.call(function, &[("id", id.as_str())]).await).await;
        assert_eq!(status, StatusCode::CONFLICT, "{function}");
        assert_eq!(error.to_string(), HAS_LIVE_KEYS);
    }
    app.call_with(&dev, "revoke_access", &[("id", &request_id)])
        .await;
    for (function, id) in [
        ("delete_api_product", &world.payments),
        ("delete_plan", &world.gold),
    ] {
        assert_eq!(
            app.call(function, &[("id", id.as_str())]).await.status(),
            StatusCode::OK,
            "{function}"
        );
    }
}

#[tokio::test]
async fn concurrent_requests_decisions_and_key_reveals_each_end_in_one_outcome() {
    let app = spawn_as_admin().await;
    let world = world(&app).await;
    app.insert_consumer("dev@example.com", "a consumer's long passphrase")
        .await;
    let dev = app
        .signed_in_client("dev@example.com", "a consumer's long passphrase")
        .await;
    let app_id: String = app
        .call_with(
            &dev,
            "create_app",
            &[("form[name]", "Racer"), ("form[visibility]", "personal")],
        )
        .await
        .json()
        .await
        .expect("id");
    let statuses: Vec<StatusCode> = futures_join_all((0..20).map(|_| async {
        request(&app, &dev, "payments", &world.gold, (&app_id, ""))
            .await
            .status()
    }))
    .await;
    assert_eq!(count_of(&statuses, StatusCode::OK), 1, "{statuses:?}");
    assert_eq!(
        count_of(&statuses, StatusCode::UNPROCESSABLE_ENTITY),
        19,
        "{statuses:?}"
    );
    let request_id = app.scalar_text("select id from access_requests").await;
    // Approve and reject at once, ten times over: one decision.
    let decisions: Vec<StatusCode> = futures_join_all((0..10).map(|i| {
        let function = if i % 2 == 0 {
            "approve_access_request"
        } else {
            "reject_access_request"
        };
        let app = &app;
        let id = request_id.clone();
        async move { app.call(function, &[("id", id.as_str())]).await.status() }
    }))
    .await;
    assert_eq!(count_of(&decisions, StatusCode::OK), 1, "{decisions:?}");
    assert_eq!(count_of(&decisions, StatusCode::CONFLICT), 9);
    let status = app.scalar_text("select status from access_requests").await;
    if status == "approved" {
        let reveals: Vec<StatusCode> = futures_join_all((0..10).map(|_| async {
            app.call_with(&dev, "show_key", &[("id", &request_id)])
                .await
                .status()
        }))
        .await;
        assert_eq!(count_of(&reveals, StatusCode::OK), 1, "{reveals:?}");
    }
    assert!(app.count("select count(*) as n from api_keys").await <= 1);
}

#[tokio::test]
async fn bad_input_is_a_message_beside_its_field_and_nothing_is_stored() {
    let app = spawn_as_admin().await;
    let world = world(&app).await;
    // A plan offered only to one team's private catalog.
    let company = app.create_organization("Secret Co").await;
    let team = app.create_team(&company, "Insiders").await;
    let hidden = plan(&app, "hidden").await;
    catalog(
        &app,
        "Private",
        "private",
        Holds {
            products: vec![&world.payments],
            plans: vec![&hidden],
            teams: vec![&team],
            ..Default::default()
        },
    )
    .await;
    app.insert_consumer("dev@example.com", "a consumer's long passphrase")
        .await;
    let dev = app
        .signed_in_client("dev@example.com", "a consumer's long passphrase")
        .await;
    let before = app.count("select count(*) as n from apps").await;

    let unknown_product = request(&app, &dev, "nope", &world.gold, ("", "X")).await;
    assert_eq!(unknown_product.status(), StatusCode::NOT_FOUND);
    for plan_id in [hidden.as_str(), "no-such-plan", ""] {
        let (status, error) =
            error_of(request(&app, &dev, "payments", plan_id, ("", "X")).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error.to_string(), NO_SUCH_PLAN, "{plan_id}");
    }
    let (_, error) = error_of(request(&app, &dev, "payments", &world.gold, ("", "  ")).await).await;
    let AppError::Validation { errors, .. } = error else {
        panic!("not a field error");
    };
    assert_eq!(errors[0].field, "new_app");
    let long = "x".repeat(2001);
    let (_, error) = error_of(
        app.call_with(
            &dev,
            "request_access",
            &[
                ("form[product]", "payments"),
                ("form[plan]", &world.gold),
                ("form[new_app]", "X"),
                ("form[comment]", &long),
            ],
        )
        .await,
    )
    .await;
    let AppError::Validation { errors, .. } = error else {
        panic!("not a field error");
    };
    assert_eq!(errors[0].field, "comment");
    // Someone else's app is answered as no app of theirs.
    app.insert_consumer("other@example.com", "a consumer's long passphrase")
        .await;
    let other = app
        .signed_in_client("other@example.com", "a consumer's long passphrase")
        .await;
    let theirs: String = app
        .call_with(&other, "create_app", &[("form[name]", "Theirs")])
        .await
        .json()
        .await
        .expect("id");
    let (_, error) =
        error_of(request(&app, &dev, "payments", &world.gold, (&theirs, "")).await).await;
    assert_eq!(error.to_string(), NO_SUCH_APP);
    assert_eq!(
        app.count("select count(*) as n from apps").await,
        before + 1,
        "only the other consumer's app was made"
    );
    assert_eq!(
        app.count("select count(*) as n from access_requests").await,
        0
    );
    // Admins do not request access; nor do strangers.
    assert_eq!(
        request(&app, &app.client, "payments", &world.gold, ("", "X"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        request(&app, &client(&app.base), "payments", &world.gold, ("", "X"))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    // A duplicate app name is a message under the name.
    app.call_with(&dev, "create_app", &[("form[name]", "Mine")])
        .await;
    let (status, error) = error_of(
        app.call_with(&dev, "create_app", &[("form[name]", "mine")])
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error.to_string(), app::domain::apps::DUPLICATE_APP);
}

#[tokio::test]
async fn a_consumer_never_sees_another_organizations_app_or_someone_elses_personal_app() {
    let app = spawn_as_admin().await;
    let acme = app.create_organization("Acme").await;
    let red = app.create_team(&acme, "Red").await;
    let blue = app.create_team(&acme, "Blue").await;
    let other = app.create_organization("Other").await;
    let other_team: String = app
        .scalar_text(&format!(
            "select id from teams where organization_id = '{other}'"
        ))
        .await;
    let (_, owner) = viewer(&app, "owner@acme.example", &acme, &[&red]).await;
    let (_, teammate) = viewer(&app, "mate@acme.example", &acme, &[&red]).await;
    let (_, colleague) = viewer(&app, "blue@acme.example", &acme, &[&blue]).await;
    let (_, outsider) = viewer(&app, "out@other.example", &other, &[&other_team]).await;
    app.insert_consumer("solo@example.com", "a consumer's long passphrase")
        .await;
    let solo = app
        .signed_in_client("solo@example.com", "a consumer's long passphrase")
        .await;
    let mut ids = Vec::new();
    for (name, visibility) in [
        ("Mine only", "personal"),
        ("Red team's", "team"),
        ("Acme's", "organization"),
    ] {
        let response = app
            .call_with(
                &owner,
                "create_app",
                &[("form[name]", name), ("form[visibility]", visibility)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        ids.push(response.json::<String>().await.expect("id"));
    }
    // In the default organization an app is always Personal.
    let solo_app: String = app
        .call_with(
            &solo,
            "create_app",
            &[("form[name]", "Solo"), ("form[visibility]", "organization")],
        )
        .await
        .json()
        .await
        .expect("id");
    let names = |client: reqwest::Client| {
        let app = &app;
        async move {
            let mut names: Vec<String> = app
                .call_with(&client, "my_apps", &[])
                .await
                .json::<Vec<AppSummary>>()
                .await
                .expect("apps")
                .into_iter()
                .map(|a| a.name)
                .collect();
            names.sort();
            names
        }
    };
    assert_eq!(
        names(owner.clone()).await,
        ["Acme's", "Mine only", "Red team's"]
    );
    assert_eq!(names(teammate.clone()).await, ["Acme's", "Red team's"]);
    assert_eq!(names(colleague.clone()).await, ["Acme's"]);
    assert!(names(outsider.clone()).await.is_empty());
    assert_eq!(names(solo.clone()).await, ["Solo"]);
    // The page agrees with the list: 404 for what is not listed.
    for (client, visible) in [
        (&teammate, [false, true, true]),
        (&colleague, [false, false, true]),
        (&outsider, [false, false, false]),
        (&solo, [false, false, false]),
    ] {
        for (id, visible) in ids.iter().zip(visible) {
            let status = app
                .call_with(client, "view_app", &[("id", id)])
                .await
                .status();
            assert_eq!(
                status,
                if visible {
                    StatusCode::OK
                } else {
                    StatusCode::NOT_FOUND
                }
            );
            // Seeing is not owning: nobody but the owner changes or deletes it.
            let deleted = app
                .call_with(client, "delete_app", &[("id", id)])
                .await
                .status();
            assert_eq!(deleted, StatusCode::NOT_FOUND);
        }
    }
    for client in [&owner, &teammate, &outsider] {
        let status = app
            .call_with(client, "view_app", &[("id", &solo_app)])
            .await
            .status();
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    // Admins see every app.
    let all: Vec<AppSummary> = app.call("all_apps", &[]).await.json().await.expect("apps");
    assert_eq!(all.len(), 4);
}

/// Two instances on one Postgres: a key revoked through instance A is refused by instance B
/// within a second (B learns of it by polling the change counter).
#[tokio::test]
async fn a_key_revoked_on_one_instance_is_refused_by_another_within_a_second() {
    if std::env::var("TEST_POSTGRES_URL").is_err() {
        return; // one SQLite file is one process's
    }
    let a = spawn_as_admin().await;
    let world = world(&a).await;
    let (_, dev, _, request_id, key) = consumer_with_key(&a, &world, "dev@example.com").await;
    let b = spawn_on_database(a.database_url.clone()).await;
    assert_eq!(
        status_of(&b, &world.gateway, &key, "/payments/v1").await,
        StatusCode::OK
    );
    // Now cached on B: revoke on A.
    assert_eq!(
        status_of(&b, &world.gateway, &key, "/payments/v1").await,
        StatusCode::OK
    );
    let revoked = a
        .call_with(&dev, "revoke_access", &[("id", &request_id)])
        .await;
    assert_eq!(revoked.status(), StatusCode::OK);
    let started = std::time::Instant::now();
    loop {
        let status = status_of(&b, &world.gateway, &key, "/payments/v1").await;
        if status == StatusCode::UNAUTHORIZED {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "instance B still lets the revoked key through after {:?}",
            started.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The hot path touches no database when nothing changed: once asked about, a live key and a dead
/// one are answered from memory, so with the keys' table gone both answers stay what they were
/// (a lookup would fail, 503). A key never asked about still needs the store.
#[tokio::test]
async fn keys_asked_about_once_are_answered_from_memory_live_or_dead() {
    let app = spawn_as_admin().await;
    let world = world(&app).await;
    let (_, _, _, _, key) = consumer_with_key(&app, &world, "dev@example.com").await;
    let dead = format!("ptc_{}", "A".repeat(43));
    let never = format!("ptc_{}", "B".repeat(43));
    assert_eq!(
        status_of(&app, &world.gateway, &key, "/payments/v1").await,
        StatusCode::OK
    );
    assert_eq!(
        status_of(&app, &world.gateway, &dead, "/payments/v1").await,
        StatusCode::UNAUTHORIZED
    );
    let pool = app.state.store.pool();
    sqlx::query("alter table api_keys rename to api_keys_away")
        .execute(pool)
        .await
        .expect("rename the keys' table");
    for _ in 0..3 {
        assert_eq!(
            status_of(&app, &world.gateway, &key, "/payments/v1").await,
            StatusCode::OK
        );
        assert_eq!(
            status_of(&app, &world.gateway, &dead, "/payments/v1").await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        status_of(&app, &world.gateway, &never, "/payments/v1").await,
        StatusCode::SERVICE_UNAVAILABLE
    );
    sqlx::query("alter table api_keys_away rename to api_keys")
        .execute(pool)
        .await
        .expect("put the keys' table back");
    assert_eq!(
        status_of(&app, &world.gateway, &never, "/payments/v1").await,
        StatusCode::UNAUTHORIZED
    );
}

/// Memory is trusted only while the change counter can be read: once the last successful read is
/// older than `STALE_AFTER` (2 s), a key answered from memory a moment before needs the store
/// again, so with the store's tables gone the check fails (503) rather than pass on an answer a
/// revocation elsewhere may have made stale. When the counter can be read again, so can the key.
#[tokio::test]
async fn memory_is_not_trusted_once_the_change_counter_cannot_be_read() {
    let app = spawn_as_admin().await;
    let world = world(&app).await;
    let (_, _, _, _, key) = consumer_with_key(&app, &world, "dev@example.com").await;
    assert_eq!(
        status_of(&app, &world.gateway, &key, "/payments/v1").await,
        StatusCode::OK
    );
    let pool = app.state.store.pool();
    let rename = |from: &'static str, to: &'static str| async move {
        sqlx::query(&format!("alter table {from} rename to {to}"))
            .execute(pool)
            .await
            .unwrap_or_else(|e| panic!("rename {from} to {to}: {e}"));
    };
    // With the counter still readable, memory answers (the store could not).
    rename("api_keys", "api_keys_away").await;
    assert_eq!(
        status_of(&app, &world.gateway, &key, "/payments/v1").await,
        StatusCode::OK
    );
    rename("gateway_state", "gateway_state_away").await;
    let until = |wanted: StatusCode| {
        let (app, world, key) = (&app, &world, &key);
        async move {
            let started = std::time::Instant::now();
            loop {
                let status = status_of(app, &world.gateway, key, "/payments/v1").await;
                if status == wanted {
                    return;
                }
                assert!(
                    started.elapsed() < app::backend::gateway::STALE_AFTER + Duration::from_secs(3),
                    "still {status} after {:?}, waiting for {wanted}",
                    started.elapsed()
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    until(StatusCode::SERVICE_UNAVAILABLE).await;
    rename("api_keys_away", "api_keys").await;
    rename("gateway_state_away", "gateway_state").await;
    until(StatusCode::OK).await;
}
