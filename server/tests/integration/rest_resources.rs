//! The admin REST API's resources beyond users (SPEC §11): organizations, teams and memberships,
//! invite codes, approvals and organization requests, apps, access requests and credentials, and
//! the audit log. Each against what the admin pages' server functions do with the same input,
//! every write audited with the token, lists paged by cursor, and the token matrix.

use crate::apps::{consumer_with_key, gateway_check, request, submitted, world};
use crate::rest::{api_token, rest};
use crate::self_service::register_with;
use crate::support::*;
use app::backend::db::{DEFAULT_ORGANIZATION_ID, DEFAULT_TEAM_ID};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::HashSet;

/// The status and the JSON body (a problem detail, for an error).
async fn answer(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn call(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    answer(rest(app, method, Some(token), path, body).await).await
}

/// The field errors of a 422 problem, as `(field, message)`.
fn field_errors(problem: &Value) -> Vec<(String, String)> {
    assert_eq!(problem["status"], 422, "{problem}");
    problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or_default().to_owned(),
                e["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// Every page of `path` (which has no query yet, or ends in one) with `limit`, by cursor; the
/// items' ids in order.
async fn walk(app: &TestApp, token: &str, path: &str, limit: usize) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    let join = if path.contains('?') { '&' } else { '?' };
    for _ in 0..1000 {
        let url = match &cursor {
            Some(c) => format!("{path}{join}limit={limit}&cursor={c}"),
            None => format!("{path}{join}limit={limit}"),
        };
        let (status, page) = call(app, token, Method::GET, &url, None).await;
        assert_eq!(status, StatusCode::OK, "{url}: {page}");
        let items = page["items"].as_array().expect("items");
        assert!(items.len() <= limit);
        ids.extend(
            items
                .iter()
                .map(|i| i["id"].as_str().expect("id").to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return ids,
        }
    }
    panic!("{path} never ended");
}

#[tokio::test]
async fn organizations_teams_and_members_are_managed_as_the_pages_do_and_audited_with_the_token() {
    let app = spawn_as_admin().await;
    let token = api_token(&app, &app.client, "HR sync", "write", "30").await;

    let created = rest(
        &app,
        Method::POST,
        Some(&token),
        "/api/v1/organizations",
        Some(json!({ "name": "Acme" })),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let location = created.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let (_, acme) = answer(created).await;
    let acme_id = acme["id"].as_str().expect("id").to_owned();
    assert_eq!(location, format!("/api/v1/organizations/{acme_id}"));
    assert_eq!(acme["name"], "Acme");
    assert_eq!(acme["teams"], 1, "with its default team");
    assert_eq!(acme["is_default"], false);

    // The same refusal as the Organizations page, beside the same field.
    let (status, problem) = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/organizations",
        Some(json!({ "name": " acme " })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = error_of(app.call("create_organization", &[("name", " acme ")]).await).await;
    let app::error::AppError::Validation { errors, .. } = page.1 else {
        panic!("{page:?}")
    };
    assert_eq!(
        field_errors(&problem),
        errors
            .iter()
            .map(|e| (e.field.clone(), e.message.clone()))
            .collect::<Vec<_>>()
    );
    assert_eq!(field_errors(&problem)[0].0, "name");
    let (status, problem) = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/organizations",
        Some(json!({ "name": "" })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem)[0].0, "name");

    let (status, renamed) = call(
        &app,
        &token,
        Method::PUT,
        &location,
        Some(json!({ "name": "Acme Corp" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(renamed["name"], "Acme Corp");
    let (status, found) = call(
        &app,
        &token,
        Method::GET,
        "/api/v1/organizations?q=corp",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(found["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(found["items"][0]["id"], acme_id.as_str());

    // A team, a member of it, and the refusals of the team's page.
    let (status, devs) = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/teams",
        Some(json!({ "organization_id": acme_id, "name": "Developers" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{devs}");
    let devs_id = devs["id"].as_str().expect("id").to_owned();
    assert_eq!(devs["organization"], "Acme Corp");
    let (status, problem) = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/teams",
        Some(json!({ "organization_id": "no-such-organization", "name": "Ghosts" })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem)[0].0, "organization_id");

    let outsider = app
        .create_user_ok(&[("email", "outsider@example.com")])
        .await;
    let member = app
        .create_user_ok(&[
            ("email", "member@example.com"),
            ("organization_id", acme_id.as_str()),
        ])
        .await;
    let (status, problem) = call(
        &app,
        &token,
        Method::PUT,
        &format!("/api/v1/teams/{devs_id}/members/{outsider}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&problem),
        vec![(
            "user_id".to_owned(),
            "This user belongs to another organization.".to_owned()
        )]
    );
    let membership = format!("/api/v1/teams/{devs_id}/members/{member}");
    let (status, _) = call(&app, &token, Method::PUT, &membership, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(
        app.team_names(&member)
            .await
            .contains(&"Developers".to_owned())
    );
    let (status, problem) = call(&app, &token, Method::PUT, &membership, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&problem)[0].1,
        "Already a member of this team."
    );
    let (_, listed) = call(
        &app,
        &token,
        Method::GET,
        &format!("/api/v1/users?team_id={devs_id}"),
        None,
    )
    .await;
    assert_eq!(listed["items"][0]["id"], member.as_str());
    let (status, _) = call(&app, &token, Method::DELETE, &membership, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(
        !app.team_names(&member)
            .await
            .contains(&"Developers".to_owned())
    );

    let (status, team) = call(
        &app,
        &token,
        Method::GET,
        &format!("/api/v1/teams/{devs_id}"),
        None,
    )
    .await;
    assert_eq!(
        (status, team["members"].clone()),
        (StatusCode::OK, json!(0))
    );
    let (status, deleted) = call(
        &app,
        &token,
        Method::DELETE,
        &format!("/api/v1/teams/{devs_id}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(deleted["moved_users"], 0);
    let (status, _) = call(
        &app,
        &token,
        Method::GET,
        &format!("/api/v1/teams/{devs_id}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Default ones stay; deleting the organization moves its user to the default one.
    for path in [
        format!("/api/v1/organizations/{DEFAULT_ORGANIZATION_ID}"),
        format!("/api/v1/teams/{DEFAULT_TEAM_ID}"),
    ] {
        let (status, problem) = call(&app, &token, Method::DELETE, &path, None).await;
        assert_eq!(status, StatusCode::CONFLICT, "{path}: {problem}");
    }
    let (status, deleted) = call(&app, &token, Method::DELETE, &location, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(deleted["moved_users"], 1);
    let (status, _) = call(&app, &token, Method::GET, &location, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Every one of those writes is in the audit log with the token's name.
    let (status, log) = call(
        &app,
        &token,
        Method::GET,
        &format!("/api/v1/audit-log?subject_type=organization&subject_id={acme_id}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let entries = log["items"].as_array().expect("items");
    let actions: Vec<&str> = entries
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(actions.len(), 3, "{actions:?}");
    assert!(
        actions[0].ends_with("deleted") && actions[2].ends_with("created"),
        "{actions:?}"
    );
    for entry in entries {
        assert_eq!(entry["via"], "HR sync");
        assert_eq!(entry["actor_email"], "admin@example.com");
    }
    assert_eq!(
        app.count("select count(*) from audit_log where subject_type = 'team' and via = 'HR sync'")
            .await,
        2,
        "team created and deleted"
    );
    assert_eq!(
        app.count(&format!(
            "select count(*) from audit_log where subject_type = 'user' and subject_id = '{member}' \
             and via = 'HR sync' and action in ('user.team_added', 'user.team_removed')"
        ))
        .await,
        2,
        "member added and removed"
    );
}

#[tokio::test]
async fn organizations_and_teams_are_paged_by_cursor_without_duplicates_or_gaps() {
    let app = spawn_as_admin().await;
    let token = api_token(&app, &app.client, "reader", "read", "30").await;
    // More than the pages' 500 rows; names that differ only in case sort together.
    let now = app.state.clock.now();
    let by = app::backend::db::By::system(now);
    for i in 0..520 {
        let name = if i % 2 == 0 {
            format!("org {i:03}")
        } else {
            format!("ORG {i:03}")
        };
        app.state
            .store
            .create_organization(&name, by)
            .await
            .expect("organization");
    }
    let acme = app.create_organization("Acme").await;
    for team in ["red", "Blue", "green"] {
        app.create_team(&acme, team).await;
    }
    let (organizations, teams) = (522, 522 + 3);
    for (path, expected, limits) in [
        ("/api/v1/organizations", organizations, [1, 7, 200]),
        ("/api/v1/teams", teams, [3, 50, 200]),
    ] {
        let mut orders = Vec::new();
        for limit in limits {
            if limit == 1 && expected > 100 {
                // One by one only over a search, to keep the test short.
                let ids = walk(&app, &token, &format!("{path}?q=org%2000"), limit).await;
                assert_eq!(ids.len(), 10, "{path} by 1");
                continue;
            }
            let ids = walk(&app, &token, path, limit).await;
            assert_eq!(ids.len(), expected, "{path} by {limit}");
            assert_eq!(ids.iter().collect::<HashSet<_>>().len(), expected);
            orders.push(ids);
        }
        assert!(
            orders.windows(2).all(|w| w[0] == w[1]),
            "{path}: one order whatever the page size"
        );
    }
    let acme_teams = walk(
        &app,
        &token,
        &format!("/api/v1/teams?organization_id={acme}"),
        1,
    )
    .await;
    assert_eq!(acme_teams.len(), 4, "its default team and three");

    // A row deleted between two pages: the walk goes on after it, skipping nothing else.
    let (_, first) = call(
        &app,
        &token,
        Method::GET,
        "/api/v1/organizations?q=acme&limit=1",
        None,
    )
    .await;
    assert_eq!(first["items"][0]["id"], acme.as_str());
    let (_, before) = call(
        &app,
        &token,
        Method::GET,
        "/api/v1/organizations?limit=2",
        None,
    )
    .await;
    let second = before["items"][1]["id"].as_str().expect("id").to_owned();
    let cursor = before["next_cursor"].as_str().expect("cursor").to_owned();
    let deleted = app
        .call("delete_organization", &[("id", second.as_str())])
        .await;
    assert_eq!(deleted.status(), StatusCode::OK);
    let (status, next) = call(
        &app,
        &token,
        Method::GET,
        &format!("/api/v1/organizations?limit=2&cursor={cursor}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let third = next["items"][0]["id"].as_str().expect("id");
    assert!(third != second && !third.is_empty());

    for cursor in ["nonsense", "WyJnb25lIl0"] {
        for path in [
            "/api/v1/organizations",
            "/api/v1/teams",
            "/api/v1/invite-codes",
        ] {
            let (status, problem) = call(
                &app,
                &token,
                Method::GET,
                &format!("{path}?cursor={cursor}"),
                None,
            )
            .await;
            assert_eq!(
                status,
                StatusCode::BAD_REQUEST,
                "{path} {cursor}: {problem}"
            );
        }
    }
}

#[tokio::test]
async fn invite_codes_are_added_read_changed_and_deleted_with_field_errors_as_problems() {
    let app = spawn_as_admin().await;
    let token = api_token(&app, &app.client, "partners", "write", "30").await;
    let new = |quota: i64, day: &str| json!({ "team_id": DEFAULT_TEAM_ID, "quota": quota, "expires_on": day });
    let (status, problem) = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/invite-codes",
        Some(new(0, "2020-01-01")),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = field_errors(&problem).into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["quota", "expires_on"]);
    let (status, problem) = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/invite-codes",
        Some(json!({ "team_id": "no-such-team", "quota": 3, "expires_on": "2099-01-01" })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem)[0].0, "team_id");
    assert_eq!(
        app.count("select count(*) from invite_codes").await,
        0,
        "nothing stored"
    );

    let created = rest(
        &app,
        Method::POST,
        Some(&token),
        "/api/v1/invite-codes",
        Some(new(3, "2099-12-31")),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let location = created.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let (_, code) = answer(created).await;
    assert_eq!(code["quota"], 3);
    assert_eq!(code["used"], 0);
    assert_eq!(code["active"], true);
    assert_eq!(code["state"], "Active");
    assert_eq!(code["code"].as_str().map(str::len), Some(22), "{code}");

    // People register with it, as with a code from the page.
    let stranger = client(&app.base);
    let registered = register_with(
        &app,
        &stranger,
        "partner@example.com",
        code["code"].as_str().expect("code"),
    )
    .await;
    assert_eq!(registered.status(), StatusCode::OK);
    let (_, read) = call(&app, &token, Method::GET, &location, None).await;
    assert_eq!(read["used"], 1);

    let (status, problem) = call(
        &app,
        &token,
        Method::PUT,
        &location,
        Some(json!({ "quota": 0, "expires_on": "2099-12-31", "active": true })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem)[0].0, "quota");
    let (status, changed) = call(
        &app,
        &token,
        Method::PUT,
        &location,
        Some(json!({ "quota": 10, "expires_on": "2099-06-30", "active": false })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["quota"], 10);
    assert_eq!(changed["state"], "Inactive");
    let (_, listed) = call(&app, &token, Method::GET, "/api/v1/invite-codes", None).await;
    assert_eq!(listed["items"][0]["id"], code["id"]);

    let (status, _) = call(&app, &token, Method::DELETE, &location, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call(&app, &token, Method::GET, &location, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.users_with_email("partner@example.com").await,
        1,
        "accounts stay"
    );
    assert_eq!(
        app.count(
            "select count(*) from audit_log where subject_type = 'invite_code' and via = 'partners'"
        )
        .await,
        3
    );
}

#[tokio::test]
async fn registrations_and_organization_requests_are_decided_through_the_api_and_the_person_emailed()
 {
    let app = spawn_as_admin().await;
    let token = api_token(&app, &app.client, "onboarding", "write", "30").await;

    // A self-registration, confirmed, waiting for approval.
    let stranger = client(&app.base);
    let password = "a registrant's long password";
    assert_eq!(
        register_with(&app, &stranger, "grace@example.com", "")
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.confirm_registration(&stranger, "grace@example.com", password)
            .await
            .status(),
        StatusCode::OK
    );
    let (status, waiting) = call(&app, &token, Method::GET, "/api/v1/approvals", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(waiting["items"][0]["email"], "grace@example.com");
    assert_eq!(waiting["items"][0]["rejected"], false);
    let grace = waiting["items"][0]["id"].as_str().expect("id").to_owned();
    let approve = format!("/api/v1/approvals/{grace}/approve");
    let (status, _) = call(&app, &token, Method::POST, &approve, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.count("select count(*) from email_outbox where kind = 'registration_approved' and to_address = 'grace@example.com'")
            .await,
        1
    );
    let (status, problem) = call(&app, &token, Method::POST, &approve, None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    let (status, _) = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/approvals/no-such-user/reject",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        app.login_as(&stranger, "grace@example.com", password)
            .await
            .status(),
        StatusCode::OK
    );

    // Organization requests from two consumers: one approved as asked, one rejected.
    let turned_on = app
        .call(
            "set_registration_settings",
            &[
                ("allow_registration", "on"),
                ("organization_requests", "on"),
            ],
        )
        .await;
    assert_eq!(turned_on.status(), StatusCode::OK);
    for (email, name) in [
        ("ceo@initech.example", "Initech"),
        ("boss@globex.example", "Globex"),
    ] {
        app.insert_consumer(email, "a requester's long passphrase")
            .await;
        let consumer = app
            .signed_in_client(email, "a requester's long passphrase")
            .await;
        let asked = app
            .call_with(&consumer, "request_organization", &[("name", name)])
            .await;
        assert_eq!(asked.status(), StatusCode::OK);
    }
    let (_, requests) = call(
        &app,
        &token,
        Method::GET,
        "/api/v1/organization-requests",
        None,
    )
    .await;
    let requests = requests["items"].as_array().expect("items").clone();
    assert_eq!(requests.len(), 2);
    let id_of = |name: &str| {
        requests
            .iter()
            .find(|r| r["name"] == name)
            .and_then(|r| r["id"].as_str())
            .expect("request")
            .to_owned()
    };
    let (initech, globex) = (id_of("Initech"), id_of("Globex"));
    let (status, approved) = call(
        &app,
        &token,
        Method::POST,
        &format!("/api/v1/organization-requests/{initech}/approve"),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    let organization = approved["organization_id"].as_str().expect("id");
    let (_, made) = call(
        &app,
        &token,
        Method::GET,
        &format!("/api/v1/organizations/{organization}"),
        None,
    )
    .await;
    assert_eq!(made["name"], "Initech");
    let (status, problem) = call(
        &app,
        &token,
        Method::POST,
        &format!("/api/v1/organization-requests/{globex}/reject"),
        Some(json!({ "reason": "x".repeat(1001) })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem)[0].0, "reason");
    let reject = format!("/api/v1/organization-requests/{globex}/reject");
    let (status, _) = call(
        &app,
        &token,
        Method::POST,
        &reject,
        Some(json!({ "reason": "We only partner with banks." })),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call(&app, &token, Method::POST, &reject, Some(json!({}))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/organization-requests/nope/approve",
        Some(json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.count("select count(*) from email_outbox where kind in ('organization_approved', 'organization_rejected')")
            .await,
        2
    );
    assert_eq!(
        app.count("select count(*) from audit_log where via = 'onboarding'")
            .await,
        4,
        "a registration approved; a request approved (and its organization created); one rejected"
    );
}

#[tokio::test]
async fn access_requests_are_decided_and_credentials_revoked_through_the_api_and_the_key_stops() {
    let app = spawn_as_admin().await;
    let world = world(&app).await;
    let token = api_token(&app, &app.client, "access desk", "write", "30").await;

    // A live key, revoked through the API: the gateway refuses it at once.
    let (owner, _, app_id, live, key) = consumer_with_key(&app, &world, "live@example.com").await;
    assert_eq!(
        gateway_check(&app, &world.gateway, &key, "/payments/v1/charges")
            .await
            .0,
        StatusCode::OK
    );
    let revoke = format!("/api/v1/credentials/{live}/revoke");
    let (status, _) = call(&app, &token, Method::POST, &revoke, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        gateway_check(&app, &world.gateway, &key, "/payments/v1/charges")
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = call(&app, &token, Method::POST, &revoke, None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/credentials/nope/revoke",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A pending request, listed with the page's filters, decided once.
    let consumer = app
        .signed_in_client("live@example.com", "a consumer's long passphrase")
        .await;
    let pending = submitted(
        request(
            &app,
            &consumer,
            "ledger",
            &world.gold,
            (app_id.as_str(), ""),
        )
        .await,
    )
    .await;
    let (_, listed) = call(
        &app,
        &token,
        Method::GET,
        "/api/v1/access-requests?status=pending",
        None,
    )
    .await;
    let items = listed["items"].as_array().expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], pending.request_id.as_str());
    assert_eq!(items[0]["product_name"], "ledger");
    let (_, revoked) = call(
        &app,
        &token,
        Method::GET,
        "/api/v1/access-requests?status=revoked",
        None,
    )
    .await;
    assert_eq!(revoked["items"][0]["id"], live.as_str());
    let everything = walk(&app, &token, "/api/v1/access-requests", 1).await;
    assert_eq!(
        everything,
        vec![pending.request_id.clone(), live.clone()],
        "pending first"
    );
    let (status, _) = call(
        &app,
        &token,
        Method::GET,
        "/api/v1/access-requests?status=lost",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let approve = format!("/api/v1/access-requests/{}/approve", pending.request_id);
    let (status, problem) = call(
        &app,
        &token,
        Method::POST,
        &approve,
        Some(json!({ "reason": "y".repeat(1001) })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem)[0].0, "reason");
    let (status, _) = call(
        &app,
        &token,
        Method::POST,
        &approve,
        Some(json!({ "reason": "Welcome." })),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call(
        &app,
        &token,
        Method::POST,
        &format!("/api/v1/access-requests/{}/reject", pending.request_id),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        app.count("select count(*) from email_outbox where kind = 'access_approved' and to_address = 'live@example.com'")
            .await,
        2,
        "once from the page, once from the API"
    );

    // Apps, one owner's, and a reassignment (its keys revoked).
    let (_, apps) = call(
        &app,
        &token,
        Method::GET,
        &format!("/api/v1/apps?owner_id={owner}"),
        None,
    )
    .await;
    assert_eq!(apps["items"][0]["id"], app_id.as_str());
    assert_eq!(apps["items"][0]["live"], 1);
    app.insert_consumer("heir@example.com", "a consumer's long passphrase")
        .await;
    let reassign = format!("/api/v1/apps/{app_id}/reassign");
    let (status, problem) = call(
        &app,
        &token,
        Method::POST,
        &reassign,
        Some(json!({ "owner_email": "nobody@example.com" })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem)[0].0, "owner");
    let (status, _) = call(
        &app,
        &token,
        Method::POST,
        &reassign,
        Some(json!({ "owner_email": "heir@example.com" })),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, apps) = call(&app, &token, Method::GET, "/api/v1/apps", None).await;
    assert_eq!(apps["items"][0]["owner_email"], "heir@example.com");
    assert_eq!(apps["items"][0]["live"], 0);
    assert_eq!(
        app.count("select count(*) from audit_log where via = 'access desk'")
            .await,
        3,
        "revoked, approved, reassigned"
    );
}

#[tokio::test]
async fn the_audit_log_is_paged_newest_first_without_duplicates_or_gaps() {
    let app = spawn_as_admin().await;
    let token = api_token(&app, &app.client, "auditor", "read", "30").await;
    for i in 0..23 {
        app.create_team(DEFAULT_ORGANIZATION_ID, &format!("Team {i:02}"))
            .await;
    }
    let stored = app.count("select count(*) from audit_log").await;
    for limit in [1, 7, 200] {
        let ids = walk(&app, &token, "/api/v1/audit-log", limit).await;
        assert_eq!(ids.len() as i64, stored, "by {limit}");
        assert_eq!(ids.iter().collect::<HashSet<_>>().len() as i64, stored);
    }
    let teams = walk(&app, &token, "/api/v1/audit-log?subject_type=team", 5).await;
    assert_eq!(teams.len(), 23);
    let (_, first) = call(&app, &token, Method::GET, "/api/v1/audit-log?limit=2", None).await;
    let at: Vec<i64> = first["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["at"].as_i64())
        .collect();
    assert!(at[0] >= at[1], "newest first");
    for cursor in ["nonsense", "WyJ4IiwieSJd"] {
        let (status, _) = call(
            &app,
            &token,
            Method::GET,
            &format!("/api/v1/audit-log?cursor={cursor}"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{cursor}");
    }
}

/// A read of every resource: each list, and one row of each kind that always exists.
fn read_paths() -> Vec<String> {
    vec![
        "/api/v1/users".to_owned(),
        "/api/v1/outbox".to_owned(),
        "/api/v1/organizations".to_owned(),
        format!("/api/v1/organizations/{DEFAULT_ORGANIZATION_ID}"),
        "/api/v1/teams".to_owned(),
        format!("/api/v1/teams/{DEFAULT_TEAM_ID}"),
        "/api/v1/invite-codes".to_owned(),
        "/api/v1/approvals".to_owned(),
        "/api/v1/organization-requests".to_owned(),
        "/api/v1/apps".to_owned(),
        "/api/v1/access-requests".to_owned(),
        "/api/v1/audit-log".to_owned(),
        "/api/v1/products".to_owned(),
        "/api/v1/plans".to_owned(),
        "/api/v1/catalogs".to_owned(),
        "/api/v1/admins".to_owned(),
    ]
}

/// A token revoked in Settings > API tokens, or past its expiry, is refused (401) by every
/// resource, reading or writing.
#[tokio::test]
async fn a_revoked_or_expired_token_is_refused_by_every_resource() {
    let app = spawn_as_admin().await;
    let revoked = api_token(&app, &app.client, "old sync", "write", "0").await;
    let expiring = api_token(&app, &app.client, "a week", "write", "7").await;
    let listed: Value = app
        .call("api_tokens", &[])
        .await
        .json()
        .await
        .expect("list");
    let id = listed["tokens"]
        .as_array()
        .expect("tokens")
        .iter()
        .find(|t| t["name"] == "old sync")
        .and_then(|t| t["id"].as_str())
        .expect("id")
        .to_owned();
    assert_eq!(
        app.call("revoke_api_token", &[("id", &id)]).await.status(),
        StatusCode::OK
    );
    for path in read_paths() {
        assert_eq!(
            rest(&app, Method::GET, Some(&expiring), &path, None)
                .await
                .status(),
            StatusCode::OK,
            "{path}"
        );
    }
    app.state
        .clock
        .advance(std::time::Duration::from_secs(8 * 24 * 3600));
    let writes = writes(DEFAULT_ORGANIZATION_ID, DEFAULT_TEAM_ID, "x", "x");
    for token in [&revoked, &expiring] {
        for path in read_paths() {
            let (status, problem) = call(&app, token, Method::GET, &path, None).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "GET {path}: {problem}");
        }
        for (method, path, body) in &writes {
            let status = rest(&app, method.clone(), Some(token), path, body.clone())
                .await
                .status();
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
        }
    }
    assert_eq!(
        app.count("select count(*) from organizations").await,
        1,
        "nothing changed"
    );
}

/// Every writing operation of these resources, on things that exist.
fn writes(
    organization: &str,
    team: &str,
    user: &str,
    code: &str,
) -> Vec<(Method, String, Option<Value>)> {
    let name = json!({ "name": "Renamed" });
    vec![
        (
            Method::POST,
            "/api/v1/organizations".into(),
            Some(json!({ "name": "New org" })),
        ),
        (
            Method::PUT,
            format!("/api/v1/organizations/{organization}"),
            Some(name.clone()),
        ),
        (
            Method::POST,
            "/api/v1/teams".into(),
            Some(json!({ "organization_id": organization, "name": "New team" })),
        ),
        (Method::PUT, format!("/api/v1/teams/{team}"), Some(name)),
        (
            Method::PUT,
            format!("/api/v1/teams/{team}/members/{user}"),
            None,
        ),
        (
            Method::DELETE,
            format!("/api/v1/teams/{team}/members/{user}"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/invite-codes".into(),
            Some(json!({ "team_id": team, "quota": 1, "expires_on": "2099-01-01" })),
        ),
        (
            Method::PUT,
            format!("/api/v1/invite-codes/{code}"),
            Some(json!({ "quota": 2, "expires_on": "2099-01-01", "active": true })),
        ),
        (Method::DELETE, format!("/api/v1/invite-codes/{code}"), None),
        (
            Method::POST,
            format!("/api/v1/approvals/{user}/approve"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/approvals/{user}/reject"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/organization-requests/x/approve".into(),
            Some(json!({})),
        ),
        (
            Method::POST,
            "/api/v1/organization-requests/x/reject".into(),
            Some(json!({})),
        ),
        (
            Method::POST,
            "/api/v1/apps/x/reassign".into(),
            Some(json!({ "owner_email": "a@example.com" })),
        ),
        (
            Method::POST,
            "/api/v1/access-requests/x/approve".into(),
            Some(json!({})),
        ),
        (
            Method::POST,
            "/api/v1/access-requests/x/reject".into(),
            Some(json!({})),
        ),
        (Method::POST, "/api/v1/credentials/x/revoke".into(), None),
        (
            Method::POST,
            "/api/v1/products".into(),
            Some(json!({ "name": "n", "display_name": "N", "gateway_prefix": "/n/" })),
        ),
        (
            Method::PUT,
            "/api/v1/products/x".into(),
            Some(json!({ "name": "n", "display_name": "N", "gateway_prefix": "/n/" })),
        ),
        (Method::PUT, "/api/v1/products/x/documentation".into(), None),
        (
            Method::DELETE,
            "/api/v1/products/x/documentation".into(),
            None,
        ),
        (Method::DELETE, "/api/v1/products/x".into(), None),
        (
            Method::POST,
            "/api/v1/plans".into(),
            Some(json!({ "name": "p", "display_name": "P" })),
        ),
        (
            Method::PUT,
            "/api/v1/plans/x".into(),
            Some(json!({ "name": "p", "display_name": "P" })),
        ),
        (Method::DELETE, "/api/v1/plans/x".into(), None),
        (
            Method::POST,
            "/api/v1/catalogs".into(),
            Some(json!({ "name": "c", "visibility": "public" })),
        ),
        (
            Method::PUT,
            "/api/v1/catalogs/x".into(),
            Some(json!({ "name": "c", "visibility": "public" })),
        ),
        (Method::DELETE, "/api/v1/catalogs/x".into(), None),
        (
            Method::POST,
            "/api/v1/admins".into(),
            Some(
                json!({ "first_name": "A", "last_name": "B", "email": "matrix-admin@example.com" }),
            ),
        ),
        (
            Method::PUT,
            "/api/v1/admins/x".into(),
            Some(
                json!({ "first_name": "A", "last_name": "B", "email": "x@example.com", "role": "provider-admin" }),
            ),
        ),
        (Method::POST, "/api/v1/admins/x/activate".into(), None),
        (Method::POST, "/api/v1/admins/x/deactivate".into(), None),
        (Method::POST, "/api/v1/admins/x/invitation".into(), None),
        (Method::DELETE, "/api/v1/admins/x".into(), None),
        (Method::DELETE, format!("/api/v1/teams/{team}"), None),
        (
            Method::DELETE,
            format!("/api/v1/organizations/{organization}"),
            None,
        ),
    ]
}

/// SPEC §11's matrix for these resources: every operation × {no token, read-only of either role,
/// read-write of a provider admin, read-write of a super admin}. Without a token 401; read-only:
/// reads 200 and writes 403 with nothing changed; read-write of either role: past authorization
/// (these pages are the same for both roles).
#[tokio::test]
async fn every_resource_operation_answers_the_token_matrix() {
    let app = spawn_as_admin().await;
    app.add_provider_admin("a provider's long passphrase").await;
    let provider = app
        .signed_in_client("provider@example.com", "a provider's long passphrase")
        .await;
    let read = api_token(&app, &app.client, "reporting", "read", "30").await;
    let provider_read = api_token(&app, &provider, "their reporting", "read", "30").await;
    let super_write = api_token(&app, &app.client, "sync", "write", "30").await;
    let provider_write = api_token(&app, &provider, "their sync", "write", "30").await;
    let reads = read_paths();
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
    let audited = app.count("select count(*) from audit_log").await;
    for (round, token) in [&super_write, &provider_write].into_iter().enumerate() {
        let organization = app.create_organization(&format!("Matrix {round}")).await;
        let team = app.create_team(&organization, "Squad").await;
        let user = app
            .create_user_ok(&[
                ("email", &format!("matrix{round}@example.com")),
                ("organization_id", &organization),
            ])
            .await;
        let code: String = app
            .call(
                "create_invite_code",
                &[
                    ("form[team_id]", team.as_str()),
                    ("form[quota]", "5"),
                    ("form[expires_on]", "2099-01-01"),
                    ("form[active]", "on"),
                ],
            )
            .await
            .json()
            .await
            .expect("code");
        let code_id = app
            .scalar_text(&format!(
                "select id from invite_codes where code = '{code}'"
            ))
            .await;
        let before = app.count("select count(*) from audit_log").await;
        for (method, path, body) in writes(&organization, &team, &user, &code_id) {
            assert_eq!(
                rest(&app, method.clone(), None, &path, body.clone())
                    .await
                    .status(),
                StatusCode::UNAUTHORIZED,
                "{method} {path} without a token"
            );
            for read_only in [&read, &provider_read] {
                assert_eq!(
                    rest(&app, method.clone(), Some(read_only), &path, body.clone())
                        .await
                        .status(),
                    StatusCode::FORBIDDEN,
                    "{method} {path} read-only"
                );
            }
        }
        assert_eq!(
            app.count("select count(*) from audit_log").await,
            before,
            "nothing changed without a read-write token"
        );
        for (method, path, body) in writes(&organization, &team, &user, &code_id) {
            let status = rest(&app, method.clone(), Some(token), &path, body)
                .await
                .status();
            assert!(
                status.is_success()
                    || [
                        StatusCode::CONFLICT,
                        StatusCode::NOT_FOUND,
                        StatusCode::UNPROCESSABLE_ENTITY
                    ]
                    .contains(&status),
                "{method} {path} read-write: {status}"
            );
        }
        assert_eq!(
            app.count(&format!(
                "select count(*) from organizations where id = '{organization}'"
            ))
            .await,
            0,
            "the last write deleted the organization"
        );
    }
    assert!(app.count("select count(*) from audit_log").await > audited);
}

const PETSTORE: &str = include_str!("../../../end2end/fixtures/petstore.yaml");

fn new_product(name: &str) -> Value {
    json!({
        "name": name,
        "display_name": format!("The {name} API"),
        "summary": "One line.",
        "description": "# Hello",
        "published": true,
        "tags": ["demo", "cards"],
        "gateway_prefix": format!("/{name}/"),
    })
}

#[tokio::test]
async fn products_plans_and_catalogs_are_managed_as_their_pages_do_with_the_same_field_errors() {
    let app = spawn_as_admin().await;
    let token = api_token(&app, &app.client, "catalog sync", "write", "30").await;

    let created = rest(
        &app,
        Method::POST,
        Some(&token),
        "/api/v1/products",
        Some(new_product("payments")),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let location = created.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let (_, product) = answer(created).await;
    let product_id = product["id"].as_str().expect("id").to_owned();
    assert_eq!(product["tags"], json!(["demo", "cards"]));
    assert_eq!(product["published"], true);
    assert_eq!(product["documentation"], Value::Null);

    // The same refusals as "Add new API product", by the same field names.
    let mut taken = new_product("payments");
    taken["gateway_prefix"] = json!("/other/");
    let (status, problem) = call(&app, &token, Method::POST, "/api/v1/products", Some(taken)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let from_page = error_of(
        app.call(
            "create_api_product",
            &[
                ("form[name]", "payments"),
                ("form[display_name]", "The payments API"),
                ("form[gateway_prefix]", "/other/"),
            ],
        )
        .await,
    )
    .await;
    let app::error::AppError::Validation { errors, .. } = from_page.1 else {
        panic!("{from_page:?}")
    };
    assert_eq!(
        field_errors(&problem)[0],
        (errors[0].field.clone(), errors[0].message.clone())
    );
    let mut bad = new_product("Not A Name!");
    bad["gateway_prefix"] = json!("");
    let (status, problem) = call(&app, &token, Method::POST, "/api/v1/products", Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = field_errors(&problem).into_iter().map(|(f, _)| f).collect();
    assert!(
        fields.contains(&"name".to_owned()) && fields.contains(&"gateway_prefix".to_owned()),
        "{fields:?}"
    );
    assert_eq!(
        app.count("select count(*) from api_products").await,
        1,
        "nothing half-stored"
    );

    let mut change = new_product("payments");
    change["published"] = json!(false);
    change["tags"] = json!([]);
    let (status, changed) = call(&app, &token, Method::PUT, &location, Some(change)).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["published"], false);
    let (_, unpublished) = call(
        &app,
        &token,
        Method::GET,
        "/api/v1/products?published=false",
        None,
    )
    .await;
    assert_eq!(unpublished["items"][0]["id"], product_id.as_str());
    let (_, published) = call(
        &app,
        &token,
        Method::GET,
        "/api/v1/products?published=true",
        None,
    )
    .await;
    assert_eq!(published["items"].as_array().map(Vec::len), Some(0));

    // Documentation: the OpenAPI document is the body; a broken one is refused, nothing kept.
    let upload = |body: &'static str| {
        reqwest::Client::new()
            .put(app.url(&format!("{location}/documentation?file_name=petstore.yaml")))
            .bearer_auth(&token)
            .header("content-type", "application/yaml")
            .body(body)
            .send()
    };
    let (status, problem) = answer(upload("openapi: [").await.expect("upload")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem)[0].0, "document");
    let (status, documented) = answer(upload(PETSTORE).await.expect("upload")).await;
    assert_eq!(status, StatusCode::OK, "{documented}");
    assert_eq!(documented["documentation"]["file_name"], "petstore.yaml");
    assert!(documented["documentation"]["operations"].as_i64() > Some(0));
    let (status, _) = call(
        &app,
        &token,
        Method::DELETE,
        &format!("{location}/documentation"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, read) = call(&app, &token, Method::GET, &location, None).await;
    assert_eq!(read["documentation"], Value::Null);

    // A plan with limits, and one unlimited that approves at once.
    let (status, gold) = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/plans",
        Some(json!({
            "name": "gold", "display_name": "Gold", "rate_requests": 100, "rate_seconds": 1,
            "quota_requests": 100000, "quota_period": "day", "key_expiry_days": 90
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{gold}");
    assert_eq!(gold["quota_period"], "day");
    assert_eq!(gold["auto_approve"], false);
    let (status, problem) = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/plans",
        Some(json!({ "name": "bad", "display_name": "Bad", "rate_requests": 0, "quota_requests": 5 })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = field_errors(&problem).into_iter().map(|(f, _)| f).collect();
    assert!(fields.contains(&"rate_requests".to_owned()), "{fields:?}");
    let gold_id = gold["id"].as_str().expect("id").to_owned();
    let (status, free) = call(
        &app,
        &token,
        Method::PUT,
        &format!("/api/v1/plans/{gold_id}"),
        Some(json!({ "name": "gold", "display_name": "Gold", "auto_approve": true })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{free}");
    assert_eq!(free["rate_requests"], Value::Null, "unlimited");
    assert_eq!(free["auto_approve"], true);

    // A private catalog for one organization, holding both.
    let (status, catalog) = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/catalogs",
        Some(json!({
            "name": "Partners", "visibility": "private", "product_ids": [product_id],
            "plan_ids": [gold_id], "organization_ids": [DEFAULT_ORGANIZATION_ID]
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{catalog}");
    let catalog_path = format!("/api/v1/catalogs/{}", catalog["id"].as_str().expect("id"));
    assert_eq!(
        catalog["organization_ids"],
        json!([DEFAULT_ORGANIZATION_ID])
    );
    let (status, problem) = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/catalogs",
        Some(json!({ "name": "Ghosts", "visibility": "public", "product_ids": ["gone"] })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let (_, listed) = call(&app, &token, Method::GET, "/api/v1/catalogs", None).await;
    assert_eq!(listed["items"][0]["products"], 1);
    let (_, in_catalog) = call(
        &app,
        &token,
        Method::GET,
        &format!(
            "/api/v1/products?catalog_id={}",
            catalog["id"].as_str().expect("id")
        ),
        None,
    )
    .await;
    assert_eq!(in_catalog["items"][0]["catalogs"], json!(["Partners"]));
    let (status, _) = call(
        &app,
        &token,
        Method::PUT,
        &catalog_path,
        Some(json!({ "name": "Everyone", "visibility": "public" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for path in [
        catalog_path.clone(),
        format!("/api/v1/plans/{gold_id}"),
        location.clone(),
    ] {
        let (status, _) = call(&app, &token, Method::DELETE, &path, None).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{path}");
        let (status, _) = call(&app, &token, Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    assert!(
        app.count("select count(*) from audit_log where via = 'catalog sync'")
            .await
            >= 9,
        "every write audited with the token"
    );
}

#[tokio::test]
async fn a_product_or_plan_with_live_keys_is_not_deleted_through_the_api_either() {
    let app = spawn_as_admin().await;
    let world = world(&app).await;
    let token = api_token(&app, &app.client, "cleanup", "write", "30").await;
    let (_, _, _, access, key) = consumer_with_key(&app, &world, "live@example.com").await;
    for path in [
        format!("/api/v1/products/{}", world.payments),
        format!("/api/v1/plans/{}", world.gold),
    ] {
        let (status, problem) = call(&app, &token, Method::DELETE, &path, None).await;
        assert_eq!(status, StatusCode::CONFLICT, "{path}: {problem}");
    }
    assert_eq!(
        gateway_check(&app, &world.gateway, &key, "/payments/v1/x")
            .await
            .0,
        StatusCode::OK
    );
    let (status, _) = call(
        &app,
        &token,
        Method::POST,
        &format!("/api/v1/credentials/{access}/revoke"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call(
        &app,
        &token,
        Method::DELETE,
        &format!("/api/v1/products/{}", world.payments),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn admins_are_managed_through_the_api_and_a_provider_admins_token_never_touches_a_super_admin()
 {
    let app = spawn_as_admin().await;
    app.add_provider_admin("a provider's long passphrase").await;
    let provider = app
        .signed_in_client("provider@example.com", "a provider's long passphrase")
        .await;
    let super_token = api_token(&app, &app.client, "IT sync", "write", "30").await;
    let provider_token = api_token(&app, &provider, "their sync", "write", "30").await;
    let super_id = app
        .scalar_text("select id from users where email = 'admin@example.com'")
        .await;
    let (status, admins) = call(&app, &provider_token, Method::GET, "/api/v1/admins", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(admins["items"].as_array().map(Vec::len), Some(2));

    // Every change to a super admin, and making one, is 403 with a provider admin's token.
    let edit = json!({
        "first_name": "Taken", "last_name": "Over", "email": "admin@example.com", "role": "super-admin"
    });
    let superadmin = format!("/api/v1/admins/{super_id}");
    for (method, path, body) in [
        (Method::PUT, superadmin.clone(), Some(edit)),
        (Method::POST, format!("{superadmin}/deactivate"), None),
        (Method::POST, format!("{superadmin}/activate"), None),
        (Method::POST, format!("{superadmin}/invitation"), None),
        (Method::DELETE, superadmin.clone(), None),
        (
            Method::POST,
            "/api/v1/admins".to_owned(),
            Some(
                json!({ "first_name": "Mal", "last_name": "Lory", "email": "mal@example.com", "role": "super-admin", "invite": true }),
            ),
        ),
    ] {
        let (status, problem) = call(&app, &provider_token, method.clone(), &path, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {problem}");
    }
    let provider_id = app
        .scalar_text("select id from users where email = 'provider@example.com'")
        .await;
    let (status, _) = call(
        &app,
        &provider_token,
        Method::PUT,
        &format!("/api/v1/admins/{provider_id}"),
        Some(json!({ "first_name": "Pro", "last_name": "Vider", "email": "provider@example.com", "role": "super-admin" })),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no promoting oneself");
    assert_eq!(app.users_with_email("mal@example.com").await, 0);
    // Nor does a token lock its own admin out (and so kill itself).
    for (method, path) in [
        (
            Method::POST,
            format!("/api/v1/admins/{provider_id}/deactivate"),
        ),
        (Method::DELETE, format!("/api/v1/admins/{provider_id}")),
    ] {
        let (status, problem) = call(&app, &provider_token, method.clone(), &path, None).await;
        assert_eq!(status, StatusCode::CONFLICT, "{method} {path}: {problem}");
    }
    let (status, _) = call(&app, &provider_token, Method::GET, "/api/v1/admins", None).await;
    assert_eq!(status, StatusCode::OK, "the token still works");
    assert_eq!(
        app.count("select count(*) from users where role = 'super-admin' and status = 'active'")
            .await,
        1
    );

    // A super admin's token adds an admin with an invitation, edits and deactivates them.
    let created = rest(
        &app,
        Method::POST,
        Some(&super_token),
        "/api/v1/admins",
        Some(json!({ "first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com", "invite": true })),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let location = created.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let (_, grace) = answer(created).await;
    assert_eq!(grace["role"], "provider-admin");
    assert_eq!(grace["status"], "invited");
    let (status, problem) = call(
        &app,
        &super_token,
        Method::POST,
        "/api/v1/admins",
        Some(json!({ "first_name": "Grace", "last_name": "Hopper", "email": "GRACE@example.com" })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem)[0].0, "email");
    let (status, changed) = call(
        &app,
        &super_token,
        Method::PUT,
        &location,
        Some(json!({ "first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com", "role": "super-admin" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["role"], "super-admin");
    let (status, _) = call(
        &app,
        &super_token,
        Method::POST,
        &format!("{location}/deactivate"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, read) = call(&app, &super_token, Method::GET, &location, None).await;
    assert_eq!(read["status"], "inactive");
    // The last active super admin stays one, through the API too (and nobody deactivates
    // themselves, nor changes their own address with a token).
    let (status, problem) = call(
        &app,
        &super_token,
        Method::PUT,
        &superadmin,
        Some(json!({ "first_name": "Ada", "last_name": "Admin", "email": "admin@example.com", "role": "provider-admin" })),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("last active super admin"),
        "{problem}"
    );
    let (status, problem) = call(
        &app,
        &super_token,
        Method::POST,
        &format!("{superadmin}/deactivate"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("your own account"),
        "{problem}"
    );
    let (status, problem) = call(
        &app,
        &super_token,
        Method::PUT,
        &superadmin,
        Some(json!({ "first_name": "Ada", "last_name": "Admin", "email": "thief@example.com", "role": "super-admin" })),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("API token"),
        "{problem}"
    );
    assert_eq!(app.users_with_email("admin@example.com").await, 1);
    let (status, _) = call(&app, &super_token, Method::DELETE, &location, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.count("select count(*) from audit_log where via = 'IT sync' and action like 'admin.%'")
            .await,
        4,
        "created, updated, deactivated, deleted"
    );
}

#[tokio::test]
async fn the_outbox_is_paged_by_cursor_and_a_provider_admin_walks_past_mail_they_may_not_see() {
    let app = spawn_as_admin().await;
    let token = api_token(&app, &app.client, "mail watch", "read", "30").await;
    app.add_provider_admin("a provider's long passphrase").await;
    let provider = app
        .signed_in_client("provider@example.com", "a provider's long passphrase")
        .await;
    let provider_token = api_token(&app, &provider, "their mail watch", "read", "30").await;
    for i in 0..7 {
        let user = app
            .create_user_ok(&[("email", &format!("mail{i}@example.com"))])
            .await;
        let sent = app.call("send_invite", &[("id", user.as_str())]).await;
        assert_eq!(sent.status(), StatusCode::OK);
    }
    // A mail to an admin that a provider admin may not see, in the middle of the consumers'.
    let hidden: String = app
        .call(
            "add_admin",
            &[
                ("form[first_name]", "Hid"),
                ("form[last_name]", "Den"),
                ("form[email]", "hidden@example.com"),
                ("form[organization_id]", ""),
                ("form[role]", "provider-admin"),
                ("form[password]", ""),
            ],
        )
        .await
        .json()
        .await
        .expect("admin id");
    assert_eq!(
        app.call("send_admin_invite", &[("id", hidden.as_str())])
            .await
            .status(),
        StatusCode::OK
    );
    for i in 7..10 {
        let user = app
            .create_user_ok(&[("email", &format!("mail{i}@example.com"))])
            .await;
        assert_eq!(
            app.call("send_invite", &[("id", user.as_str())])
                .await
                .status(),
            StatusCode::OK
        );
    }
    let stored = app.count("select count(*) from email_outbox").await;
    for limit in [1, 3, 200] {
        let ids = walk(&app, &token, "/api/v1/outbox", limit).await;
        assert_eq!(ids.len() as i64, stored, "by {limit}");
        assert_eq!(ids.iter().collect::<HashSet<_>>().len() as i64, stored);
    }
    let theirs = walk(&app, &provider_token, "/api/v1/outbox", 2).await;
    assert_eq!(
        theirs.len() as i64,
        stored - 1,
        "every consumer's invitation, not the admin's"
    );
    let (status, _) = call(
        &app,
        &token,
        Method::GET,
        "/api/v1/outbox?cursor=nonsense",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
