//! Organization requests (SPEC §8.3): a consumer of the default organization asks for one, an
//! admin approves (under a changed name) or rejects, or the setting approves at once; races on
//! one name and on one decision end in one outcome.

use crate::support::*;
use app::backend::db::DEFAULT_ORGANIZATION_ID;
use app::domain::colleague::Colleagues;
use app::domain::organization::DUPLICATE_ORGANIZATION;
use app::domain::organization_request::{
    ALREADY_DECIDED, ALREADY_PENDING, OrganizationOffer, PENDING_NAME, PendingRequest,
    REQUESTER_GONE, RequestOutcome, RequestStatus,
};
use app::error::AppError;
use reqwest::StatusCode;

const PASSWORD: &str = "an organization requester's passphrase";

/// Turns organization requests on (and auto-approval as asked); registration stays open.
async fn enable(app: &TestApp, auto_approve: bool) {
    let mut form = vec![
        ("allow_registration", "on"),
        ("organization_requests", "on"),
    ];
    if auto_approve {
        form.push(("auto_approve_organizations", "on"));
    }
    let response = app.call("set_registration_settings", &form).await;
    assert_eq!(response.status(), StatusCode::OK);
}

/// Consumers of the default organization, signed in, sharing one password hash.
async fn requesters(app: &TestApp, count: usize) -> Vec<(String, reqwest::Client)> {
    let mut out = Vec::new();
    for i in 0..count {
        let email = format!("requester{i}@example.com");
        app.insert_consumer(&email, PASSWORD).await;
        out.push((email.clone(), app.signed_in_client(&email, PASSWORD).await));
    }
    out
}

async fn ask(app: &TestApp, client: &reqwest::Client, name: &str) -> reqwest::Response {
    app.call_with(client, "request_organization", &[("name", name)])
        .await
}

async fn offer(app: &TestApp, client: &reqwest::Client) -> OrganizationOffer {
    let response = app.call_with(client, "my_organization", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("offer")
}

async fn pending(app: &TestApp) -> Vec<PendingRequest> {
    let response = app.call("organization_requests", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("requests")
}

async fn mails(app: &TestApp, kind: &str, to: &str) -> i64 {
    app.count(&format!(
        "select count(*) from email_outbox where kind = '{kind}' and to_address = '{to}'"
    ))
    .await
}

#[tokio::test]
async fn a_request_waits_for_an_admin_who_approves_it_under_a_changed_name() {
    let app = spawn_as_admin().await;
    app.login_admin().await;
    let people = requesters(&app, 1).await;
    let (email, fay) = &people[0];

    // Off by default: nothing is offered and asking is refused.
    assert!(!offer(&app, fay).await.may_request);
    let (status, _) = error_of(ask(&app, fay, "Fay Co").await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    enable(&app, false).await;
    assert!(offer(&app, fay).await.may_request);
    let response = ask(&app, fay, "Fay Co").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.json::<RequestOutcome>().await.expect("outcome"),
        RequestOutcome::Pending
    );
    let seen = offer(&app, fay).await;
    assert!(!seen.may_request, "one pending request per consumer");
    assert_eq!(
        seen.latest.map(|r| (r.name, r.status)),
        Some(("Fay Co".to_owned(), RequestStatus::Pending))
    );
    assert_eq!(
        error_of(ask(&app, fay, "Another Co").await).await,
        (
            StatusCode::CONFLICT,
            AppError::Conflict {
                message: ALREADY_PENDING.into()
            }
        )
    );
    assert_eq!(
        mails(&app, "organization_requested", ADMIN_EMAIL).await,
        1,
        "the admins are emailed"
    );

    let requests = pending(&app).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].requester_email, *email);
    let response = app
        .call(
            "approve_organization_request",
            &[("id", &requests[0].id), ("name", "Fay Company")],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    let organization: String = response.json().await.expect("id");
    assert_eq!(
        app.scalar_text(&format!(
            "select o.name || '|' || u.role from users u join organizations o on o.id = u.organization_id \
             where u.email = '{email}'"
        ))
        .await,
        "Fay Company|consumer-admin"
    );
    let fay_id = app
        .scalar_text(&format!("select id from users where email = '{email}'"))
        .await;
    assert_eq!(app.team_names(&fay_id).await, ["Fay Company All users"]);
    assert_eq!(mails(&app, "organization_approved", email).await, 1);
    assert!(pending(&app).await.is_empty());
    let colleagues: Colleagues = app
        .call_with(fay, "my_users", &[("q", "")])
        .await
        .json()
        .await
        .expect("colleagues");
    assert_eq!(colleagues.organization.as_deref(), Some("Fay Company"));
    assert!(colleagues.viewer_is_admin);
    let seen = offer(&app, fay).await;
    assert!(
        !seen.may_request && seen.latest.is_none(),
        "in a company now"
    );
    assert_eq!(
        app.count(&format!(
            "select count(*) from teams where organization_id = '{organization}' and is_default = 1"
        ))
        .await,
        1
    );
    app.assert_counts().await;
}

#[tokio::test]
async fn a_rejection_emails_its_reason_and_a_new_request_may_follow() {
    let app = spawn_as_admin().await;
    app.login_admin().await;
    enable(&app, false).await;
    let people = requesters(&app, 1).await;
    let (email, fay) = &people[0];
    assert_eq!(ask(&app, fay, "Dubious Ltd").await.status(), StatusCode::OK);
    let id = pending(&app).await[0].id.clone();
    let response = app
        .call(
            "reject_organization_request",
            &[
                ("id", &id),
                ("reason", "We know of no <b>Dubious</b> partner."),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(mails(&app, "organization_rejected", email).await, 1);
    let html = app
        .scalar_text(&format!(
            "select html_body from email_outbox where kind = 'organization_rejected' and to_address = '{email}'"
        ))
        .await;
    assert!(html.contains("&lt;b&gt;Dubious&lt;/b&gt;"), "{html}");
    let seen = offer(&app, fay).await;
    assert!(seen.may_request);
    let latest = seen.latest.expect("latest");
    assert_eq!(latest.status, RequestStatus::Rejected);
    assert_eq!(
        latest.reason.as_deref(),
        Some("We know of no <b>Dubious</b> partner.")
    );
    assert_eq!(
        app.count("select count(*) from organizations where name = 'Dubious Ltd'")
            .await,
        0
    );
    assert_eq!(
        app.scalar_text(&format!(
            "select organization_id from users where email = '{email}'"
        ))
        .await,
        DEFAULT_ORGANIZATION_ID
    );
    // Deciding again is refused.
    let again = app
        .call(
            "approve_organization_request",
            &[("id", &id), ("name", "Dubious Ltd")],
        )
        .await;
    assert_eq!(
        error_of(again).await,
        (
            StatusCode::CONFLICT,
            AppError::Conflict {
                message: ALREADY_DECIDED.into()
            }
        )
    );
    assert_eq!(ask(&app, fay, "Honest Ltd").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn with_auto_approve_the_organization_exists_at_once() {
    let app = spawn_as_admin().await;
    app.login_admin().await;
    enable(&app, true).await;
    let people = requesters(&app, 1).await;
    let (email, fay) = &people[0];
    let response = ask(&app, fay, "Instant Co").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(matches!(
        response.json::<RequestOutcome>().await.expect("outcome"),
        RequestOutcome::Created { .. }
    ));
    assert_eq!(
        app.scalar_text(&format!(
            "select o.name || '|' || u.role from users u join organizations o on o.id = u.organization_id \
             where u.email = '{email}'"
        ))
        .await,
        "Instant Co|consumer-admin"
    );
    assert!(pending(&app).await.is_empty());
    assert_eq!(mails(&app, "organization_requested", ADMIN_EMAIL).await, 0);
    // In a company now: asking again is refused.
    let (status, _) = error_of(ask(&app, fay, "Second Co").await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    app.assert_counts().await;
}

#[tokio::test]
async fn taken_pending_and_bad_names_are_field_errors_and_only_default_consumers_ask() {
    let app = spawn_as_admin().await;
    app.login_admin().await;
    enable(&app, false).await;
    app.create_organization("Existing Co").await;
    let people = requesters(&app, 2).await;
    let (first, second) = (&people[0].1, &people[1].1);
    let field = |message: &str| (StatusCode::UNPROCESSABLE_ENTITY, Some(message.to_owned()));
    let named = |(status, error): (StatusCode, AppError)| (status, error.field_message("name"));
    assert_eq!(
        named(error_of(ask(&app, first, "existing co").await).await),
        field(DUPLICATE_ORGANIZATION)
    );
    assert_eq!(ask(&app, first, "Wanted Co").await.status(), StatusCode::OK);
    assert_eq!(
        named(error_of(ask(&app, second, "WANTED CO").await).await),
        field(PENDING_NAME)
    );
    let (status, error) = error_of(ask(&app, second, "  ").await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error.field_message("name").is_some());

    // Approving under a name that is taken is a field error, and the request stays pending.
    let id = pending(&app).await[0].id.clone();
    let (status, error) = error_of(
        app.call(
            "approve_organization_request",
            &[("id", &id), ("name", "Existing Co")],
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, error.field_message("name")),
        field(DUPLICATE_ORGANIZATION)
    );
    assert_eq!(pending(&app).await.len(), 1);

    // Its requester moved into a company meanwhile: approving would pull them out of it.
    let requester = pending(&app).await[0].requester_id.clone();
    let elsewhere = app.create_organization("Elsewhere").await;
    let moved = app
        .call(
            "update_user",
            &[
                ("id", requester.as_str()),
                ("form[first_name]", "Con"),
                ("form[last_name]", "Sumer"),
                ("form[email]", "requester0@example.com"),
                ("form[organization_id]", elsewhere.as_str()),
                ("form[role]", "consumer-team-member"),
            ],
        )
        .await;
    assert_eq!(moved.status(), StatusCode::OK, "{:?}", moved.text().await);
    assert_eq!(
        error_of(
            app.call(
                "approve_organization_request",
                &[("id", &id), ("name", "Wanted Co")],
            )
            .await
        )
        .await,
        (
            StatusCode::CONFLICT,
            AppError::Conflict {
                message: REQUESTER_GONE.into()
            }
        )
    );
    assert_eq!(
        pending(&app).await.len(),
        1,
        "still pending, to be rejected"
    );

    // A stranger, an admin and a consumer of a company are refused.
    let stranger = client(&app.base);
    let (status, _) = error_of(ask(&app, &stranger, "Stranger Co").await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = error_of(ask(&app, &app.client, "Admin Co").await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let acme = app.create_organization("Acme").await;
    app.create_user_ok(&[
        ("email", "member@acme.test"),
        ("organization_id", &acme),
        ("password", PASSWORD),
    ])
    .await;
    let member = app.signed_in_client("member@acme.test", PASSWORD).await;
    let (status, _) = error_of(ask(&app, &member, "Breakaway Co").await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.count("select count(*) from organization_requests")
            .await,
        1,
        "nothing but Wanted Co was stored"
    );
}

#[tokio::test]
async fn twenty_requests_for_one_name_at_once_make_one_request_and_then_one_organization() {
    let app = spawn_as_admin().await;
    app.login_admin().await;
    enable(&app, false).await;
    let people = requesters(&app, 20).await;
    let answers =
        futures::future::join_all(people.iter().map(|(_, c)| ask(&app, c, "Contested Co"))).await;
    let statuses: Vec<StatusCode> = answers.iter().map(|r| r.status()).collect();
    assert_eq!(count_of(&statuses, StatusCode::OK), 1, "{statuses:?}");
    assert_eq!(
        count_of(&statuses, StatusCode::UNPROCESSABLE_ENTITY),
        19,
        "{statuses:?}"
    );
    assert_eq!(pending(&app).await.len(), 1);

    // With auto-approve, twenty at once for another name make one organization.
    enable(&app, true).await;
    // The one with a pending request may not ask again: the other nineteen race.
    let pending_requester = pending(&app).await[0].requester_email.clone();
    let free: Vec<&reqwest::Client> = people
        .iter()
        .filter(|(email, _)| *email != pending_requester)
        .map(|(_, c)| c)
        .collect();
    let answers = futures::future::join_all(free.iter().map(|c| ask(&app, c, "Race Co"))).await;
    let statuses: Vec<StatusCode> = answers.iter().map(|r| r.status()).collect();
    assert_eq!(count_of(&statuses, StatusCode::OK), 1, "{statuses:?}");
    assert_eq!(
        count_of(&statuses, StatusCode::UNPROCESSABLE_ENTITY),
        free.len() - 1,
        "{statuses:?}"
    );
    assert_eq!(
        app.count("select count(*) from organizations where lower(name) = 'race co'")
            .await,
        1
    );
    app.assert_counts().await;
}

#[tokio::test]
async fn approving_and_rejecting_at_once_end_in_one_decision() {
    let app = spawn_as_admin().await;
    app.login_admin().await;
    enable(&app, false).await;
    let people = requesters(&app, 1).await;
    let (email, fay) = &people[0];
    assert_eq!(ask(&app, fay, "Decided Co").await.status(), StatusCode::OK);
    let id = pending(&app).await[0].id.clone();
    let approval = [("id", id.as_str()), ("name", "Decided Co")];
    let rejection = [("id", id.as_str()), ("reason", "")];
    let (approve, reject) = tokio::join!(
        app.call("approve_organization_request", &approval),
        app.call("reject_organization_request", &rejection),
    );
    let statuses = [approve.status(), reject.status()];
    assert_eq!(count_of(&statuses, StatusCode::OK), 1, "{statuses:?}");
    assert_eq!(count_of(&statuses, StatusCode::CONFLICT), 1, "{statuses:?}");
    let approved = statuses[0] == StatusCode::OK;
    assert_eq!(
        app.count("select count(*) from organizations where name = 'Decided Co'")
            .await,
        i64::from(approved)
    );
    assert_eq!(
        mails(&app, "organization_approved", email).await
            + mails(&app, "organization_rejected", email).await,
        1,
        "the requester hears one decision"
    );
}
