//! Consumer self-service: registration with approval, invite codes, password reset, the account
//! page and the rate limits on the doors strangers knock on.

use crate::support::*;
use app::api::account::ResetLinkView;
use app::domain::account::AccountView;
use app::domain::invite_code::InviteCodeRow;
use app::domain::outbox::OutboxMessage;
use reqwest::StatusCode;
use std::time::Duration;

const PASSWORD: &str = "a registrant's long password";

fn registration<'a>(email: &'a str, code: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("form[first_name]", "Grace"),
        ("form[last_name]", "Hopper"),
        ("form[email]", email),
        ("form[password]", PASSWORD),
        ("form[confirm_password]", PASSWORD),
        ("form[invite_code]", code),
    ]
}

pub(crate) async fn register_with(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    code: &str,
) -> reqwest::Response {
    app.call_with(client, "register", &registration(email, code))
        .await
}

async fn outbox(app: &TestApp) -> Vec<OutboxMessage> {
    let response = app.call("outbox", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("outbox")
}

/// The messages of `kind` to `to`, waiting up to five seconds for work done in the background.
async fn mail_to(app: &TestApp, kind: &str, to: &str, at_least: usize) -> Vec<OutboxMessage> {
    for _ in 0..100 {
        let found: Vec<OutboxMessage> = outbox(app)
            .await
            .into_iter()
            .filter(|m| m.kind == kind && m.to_address == to)
            .collect();
        if found.len() >= at_least {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no {kind} email to {to}");
}

fn link_in(text: &str, path: &str) -> String {
    let start = text.find("http").expect("a link");
    let link: String = text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    assert!(link.contains(path), "{link}");
    link
}

fn token_of(link: &str) -> String {
    link.split("token=").nth(1).expect("token").to_owned()
}

/// The account page's view for the person signed in on `client`.
async fn account_of(app: &TestApp, client: &reqwest::Client) -> AccountView {
    app.call_with(client, "account", &[])
        .await
        .json()
        .await
        .expect("account")
}

/// The messages that signing `client` in as `email` answers with the registrant's password (a
/// 401, asserted) and with the `wrong` one.
async fn sign_in_refusals(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    wrong: &str,
) -> (String, String) {
    let (status, right) = app.login_error(client, email, PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{email}");
    let (_, wrong) = app.login_error(client, email, wrong).await;
    (right.to_string(), wrong.to_string())
}

async fn signed_in(app: &TestApp, client: &reqwest::Client) -> bool {
    let me = app.call_with(client, "me", &[]).await;
    me.json::<Option<app::domain::CurrentUser>>()
        .await
        .expect("me")
        .is_some()
}

#[tokio::test]
async fn a_registrant_awaits_approval_and_signs_in_once_an_admin_approves() {
    let app = spawn_as_admin().await;
    let stranger = client(&app.base);
    let response = register_with(&app, &stranger, "grace@example.com", "").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(location(&response), "/register?submitted=1");
    assert_eq!(
        app.scalar_text("select list_status from users where email = 'grace@example.com'")
            .await,
        "pending"
    );
    // First the address is confirmed: until then nobody is told, and the account is unusable.
    mail_to(&app, "email_confirmation", "grace@example.com", 1).await;
    assert_eq!(
        app.count("select count(*) from email_outbox where kind <> 'email_confirmation'")
            .await,
        0
    );
    let (status, error) = app
        .login_error(&stranger, "grace@example.com", PASSWORD)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        error
            .to_string()
            .starts_with("Confirm your email address first")
    );
    let unlisted: Vec<app::domain::account::Registrant> = app
        .call("registrants", &[])
        .await
        .json()
        .await
        .expect("list");
    assert!(unlisted.is_empty(), "approval waits for the confirmation");
    let confirmed = app
        .confirm_registration(&stranger, "grace@example.com", PASSWORD)
        .await;
    assert_eq!(location(&confirmed), "/confirm-email?confirmed=1");
    mail_to(&app, "registration_received", "grace@example.com", 1).await;
    let to_admins = mail_to(&app, "registration_pending", ADMIN_EMAIL, 1).await;
    assert!(to_admins[0].text_body.contains("/admin/approvals"));

    // Right password: told it awaits approval. Wrong one: the ordinary answer.
    let (right, wrong) = sign_in_refusals(
        &app,
        &stranger,
        "grace@example.com",
        "a wrong long password",
    )
    .await;
    assert_eq!(right, "Your registration is awaiting approval.");
    assert_eq!(wrong, app::api::auth::WRONG_CREDENTIALS);

    let pending: Vec<app::domain::account::Registrant> = app
        .call("registrants", &[])
        .await
        .json()
        .await
        .expect("list");
    assert_eq!(pending.len(), 1);
    assert!(!pending[0].rejected);
    let approved = app
        .call("approve_registration", &[("id", &pending[0].id)])
        .await;
    assert_eq!(approved.status(), StatusCode::OK);
    let mail = mail_to(&app, "registration_approved", "grace@example.com", 1).await;
    assert!(
        mail[0].text_body.contains("/login"),
        "{}",
        mail[0].text_body
    );
    // Deciding twice is a plain conflict.
    assert_eq!(
        app.call("reject_registration", &[("id", &pending[0].id)])
            .await
            .status(),
        StatusCode::CONFLICT
    );
    let login = app.login_as(&stranger, "grace@example.com", PASSWORD).await;
    assert_eq!(login.status(), StatusCode::OK);
    let account = account_of(&app, &stranger).await;
    assert_eq!(
        account.organization.as_deref(),
        Some("Default Organization")
    );
    assert_eq!(
        account.teams,
        vec!["Default Organization All users".to_owned()]
    );
}

#[tokio::test]
async fn a_declined_registrant_cannot_sign_in_and_can_be_deleted() {
    let app = spawn_as_admin().await;
    let stranger = client(&app.base);
    register_with(&app, &stranger, "mallory@example.com", "").await;
    app.confirm_registration(&stranger, "mallory@example.com", PASSWORD)
        .await;
    let id = app
        .scalar_text("select id from users where email = 'mallory@example.com'")
        .await;
    assert_eq!(
        app.call("reject_registration", &[("id", &id)])
            .await
            .status(),
        StatusCode::OK
    );
    mail_to(&app, "registration_rejected", "mallory@example.com", 1).await;
    let (right, wrong) = sign_in_refusals(
        &app,
        &stranger,
        "mallory@example.com",
        "not the password at all",
    )
    .await;
    assert_eq!(right, "Your registration was declined.");
    assert_eq!(wrong, app::api::auth::WRONG_CREDENTIALS);
    // Shown as inactive in the users list, listed as declined on the approvals page.
    assert_eq!(
        app.scalar_text("select list_status from users where email = 'mallory@example.com'")
            .await,
        "inactive"
    );
    let listed: Vec<app::domain::account::Registrant> = app
        .call("registrants", &[])
        .await
        .json()
        .await
        .expect("list");
    assert!(listed[0].rejected);
    assert_eq!(
        app.call("delete_user", &[("id", &id)]).await.status(),
        StatusCode::OK
    );
    assert_eq!(app.users_with_email("mallory@example.com").await, 0);
}

#[tokio::test]
async fn registration_answers_a_known_and_an_unknown_email_byte_for_byte_alike() {
    let app = spawn_app().await;
    app.insert_consumer("taken@example.com", "the owner's long password")
        .await;
    let stranger = client(&app.base);
    let known = register_with(&app, &stranger, "taken@example.com", "").await;
    let unknown = register_with(&app, &stranger, "free@example.com", "").await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(location(&known), location(&unknown));
    let (known, unknown) = (
        known.bytes().await.expect("body"),
        unknown.bytes().await.expect("body"),
    );
    assert_eq!(known, unknown);
    // Without JavaScript too.
    let html = |email: &'static str| {
        let (app, stranger) = (&app, &stranger);
        async move {
            stranger
                .post(app.url("/api/register"))
                .header(reqwest::header::ACCEPT, "text/html")
                .header(reqwest::header::REFERER, app.url("/register"))
                .form(&registration(email, ""))
                .send()
                .await
                .expect("register")
        }
    };
    let (a, b) = (
        html("taken@example.com").await,
        html("free2@example.com").await,
    );
    assert_eq!((a.status(), location(&a)), (b.status(), location(&b)));
    assert_eq!(a.bytes().await.expect("a"), b.bytes().await.expect("b"));
    // The owner of the taken email is told; the account itself is unchanged.
    app.login_admin().await;
    mail_to(&app, "registration_existing", "taken@example.com", 2).await;
    assert_eq!(
        app.count("select count(*) from users where lower(email) = 'taken@example.com'")
            .await,
        1
    );
}

#[tokio::test]
async fn bad_registrations_are_field_errors_and_store_nothing() {
    let app = spawn_app().await;
    let stranger = client(&app.base);
    let users_before = app.count("select count(*) from users").await;
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("form[first_name]", " ")], "first_name"),
        (vec![("form[email]", "not-an-email")], "email"),
        (
            vec![
                ("form[password]", "short"),
                ("form[confirm_password]", "short"),
            ],
            "password",
        ),
        (
            vec![("form[confirm_password]", "something else entirely")],
            "confirm_password",
        ),
        (vec![("form[invite_code]", "no-such-code")], "invite_code"),
    ];
    for (overrides, field) in cases {
        let form = with_fields(&registration("bad@example.com", ""), &overrides);
        let (status, error) = error_of(app.call_with(&stranger, "register", &form).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(error.field_message(field).is_some(), "{field}: {error:?}");
        assert!(
            error.echoed("email").is_some(),
            "{field}: the typed values come back"
        );
        assert_eq!(error.echoed("password"), None);
    }
    assert_eq!(app.count("select count(*) from users").await, users_before);
    assert_eq!(app.count("select count(*) from email_outbox").await, 0);
}

async fn invite_code(app: &TestApp, team_id: &str, quota: &str) -> String {
    let response = app
        .call(
            "create_invite_code",
            &[
                ("form[team_id]", team_id),
                ("form[quota]", quota),
                ("form[expires_on]", "2999-12-31"),
                ("form[active]", "on"),
            ],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    let code: String = response.json().await.expect("code");
    assert_eq!(code.len(), 22, "128 bits in base64url");
    code
}

async fn partner_team(app: &TestApp) -> (String, String) {
    let org = app.create_organization("Partner Co").await;
    let team = app.create_team(&org, "Beta testers").await;
    (org, team)
}

#[tokio::test]
async fn an_invite_code_places_the_registrant_in_its_team_and_signs_them_in_at_once() {
    let app = spawn_as_admin().await;
    let (org, team) = partner_team(&app).await;
    let code = invite_code(&app, &team, "2").await;
    let stranger = client(&app.base);
    let response = register_with(&app, &stranger, "coded@example.com", &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(location(&response), "/register?submitted=1");
    assert!(TestApp::session_cookie(&response).is_none());
    let response = app
        .confirm_registration(&stranger, "coded@example.com", PASSWORD)
        .await;
    assert_eq!(location(&response), "/account?welcome=1");
    assert!(TestApp::session_cookie(&response).is_some());
    let account = account_of(&app, &stranger).await;
    assert_eq!(account.organization.as_deref(), Some("Partner Co"));
    assert_eq!(account.teams, vec!["Beta testers".to_owned()]);
    assert_eq!(
        app.scalar_text("select organization_id from users where email = 'coded@example.com'")
            .await,
        org
    );
    mail_to(&app, "welcome", "coded@example.com", 1).await;
    let codes: Vec<InviteCodeRow> = app
        .call("invite_codes", &[])
        .await
        .json::<app::api::invite_codes::InviteCodesView>()
        .await
        .expect("codes")
        .codes;
    assert_eq!((codes[0].used, codes[0].quota), (1, 2));
    assert_eq!(codes[0].state(0), "Active");

    // A second use fills the quota; the third is refused with a plain message and stores nothing.
    assert_eq!(
        register_with(&app, &client(&app.base), "second@example.com", &code)
            .await
            .status(),
        StatusCode::OK
    );
    let (status, error) =
        error_of(register_with(&app, &client(&app.base), "third@example.com", &code).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        error.field_message("invite_code").as_deref(),
        Some("This invite code has been used as often as it may be.")
    );
    assert_eq!(app.users_with_email("third@example.com").await, 0);

    // An inactive code, then an expired one.
    let other = invite_code(&app, &team, "10").await;
    let other_id = app
        .scalar_text(&format!(
            "select id from invite_codes where code = '{other}'"
        ))
        .await;
    app.call(
        "set_invite_code_active",
        &[("id", &other_id), ("active", "false")],
    )
    .await;
    let (_, error) =
        error_of(register_with(&app, &client(&app.base), "late@example.com", &other).await).await;
    assert_eq!(
        error.field_message("invite_code").as_deref(),
        Some("This invite code is no longer active.")
    );
    app.call(
        "set_invite_code_active",
        &[("id", &other_id), ("active", "true")],
    )
    .await;
    sqlx::query("update invite_codes set expires_at = 1 where code = $1")
        .bind(&other)
        .execute(app.state.store.pool())
        .await
        .expect("expire");
    let (_, error) =
        error_of(register_with(&app, &client(&app.base), "late@example.com", &other).await).await;
    assert_eq!(
        error.field_message("invite_code").as_deref(),
        Some("This invite code has expired.")
    );
    // A taken email with a valid code uses nothing up.
    let fresh = invite_code(&app, &team, "1").await;
    let taken = register_with(&app, &client(&app.base), "coded@example.com", &fresh).await;
    assert_eq!(location(&taken), "/register?submitted=1");
    assert_eq!(
        app.count(&format!(
            "select used from invite_codes where code = '{fresh}'"
        ))
        .await,
        0
    );
}

#[tokio::test]
async fn the_registration_settings_close_registration_or_approve_at_once() {
    let app = spawn_as_admin().await;
    let saved = app
        .call(
            "set_registration_settings",
            &[("auto_approve", "on"), ("allow_registration", "on")],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::OK);
    let stranger = client(&app.base);
    let response = register_with(&app, &stranger, "auto@example.com", "").await;
    assert_eq!(location(&response), "/register?submitted=1");
    assert!(!signed_in(&app, &stranger).await);
    let response = app
        .confirm_registration(&stranger, "auto@example.com", PASSWORD)
        .await;
    assert_eq!(location(&response), "/account?welcome=1");
    assert!(signed_in(&app, &stranger).await);
    mail_to(&app, "welcome", "auto@example.com", 1).await;
    assert_eq!(
        app.scalar_text("select list_status from users where email = 'auto@example.com'")
            .await,
        "active"
    );
    // Closed: no registration without a code, and the public page knows it.
    app.call("set_registration_settings", &[]).await;
    let open: bool = app
        .call_with(&client(&app.base), "registration_open", &[])
        .await
        .json()
        .await
        .expect("open");
    assert!(!open);
    let (status, error) =
        error_of(register_with(&app, &client(&app.base), "closed@example.com", "").await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        error.to_string().starts_with("Registration is closed."),
        "{error}"
    );
    let (_, team) = partner_team(&app).await;
    let code = invite_code(&app, &team, "1").await;
    assert_eq!(
        location(&register_with(&app, &client(&app.base), "closed@example.com", &code).await),
        "/register?submitted=1"
    );
    assert_eq!(
        location(
            &app.confirm_registration(&client(&app.base), "closed@example.com", PASSWORD)
                .await
        ),
        "/account?welcome=1"
    );
}

#[tokio::test]
async fn a_quota_of_five_holds_against_twenty_concurrent_registrations() {
    let app = spawn_as_admin().await;
    let (org, team) = partner_team(&app).await;
    let code = invite_code(&app, &team, "5").await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..20 {
        let (url, base, code) = (app.url("/api/register"), app.base.clone(), code.clone());
        tasks.spawn(async move {
            let email = format!("racer{i}@example.com");
            client(&base)
                .post(url)
                .header(reqwest::header::ACCEPT, "application/json")
                .form(&registration(&email, &code))
                .send()
                .await
                .expect("register")
                .status()
        });
    }
    let mut statuses = Vec::new();
    while let Some(status) = tasks.join_next().await {
        statuses.push(status.expect("task"));
    }
    assert_eq!(count_of(&statuses, StatusCode::OK), 5, "{statuses:?}");
    assert_eq!(
        count_of(&statuses, StatusCode::UNPROCESSABLE_ENTITY),
        15,
        "{statuses:?}"
    );
    assert_eq!(
        app.count(&format!(
            "select count(*) from users where organization_id = '{org}'"
        ))
        .await,
        5
    );
    assert_eq!(
        app.count(&format!(
            "select used from invite_codes where code = '{code}'"
        ))
        .await,
        5
    );
}

async fn forgot(app: &TestApp, client: &reqwest::Client, email: &str) -> reqwest::Response {
    app.call_with(client, "forgot_password", &[("email", email)])
        .await
}

#[tokio::test]
async fn forgot_password_mails_a_single_use_link_that_ends_every_session() {
    let app = spawn_as_admin().await;
    let old = "the old long password";
    app.insert_consumer("known@example.com", old).await;
    let elsewhere = client(&app.base);
    assert_eq!(
        app.login_as(&elsewhere, "known@example.com", old)
            .await
            .status(),
        StatusCode::OK
    );

    let stranger = client(&app.base);
    let known = forgot(&app, &stranger, "known@example.com").await;
    let unknown = forgot(&app, &stranger, "nobody@example.com").await;
    assert_eq!(
        (known.status(), location(&known)),
        (unknown.status(), location(&unknown))
    );
    assert_eq!(location(&known), "/forgot-password?sent=1");
    assert_eq!(
        known.bytes().await.expect("body"),
        unknown.bytes().await.expect("body")
    );

    let mail = mail_to(&app, "password_reset", "known@example.com", 1).await;
    assert!(mail[0].subject.contains("Portico"));
    let token = token_of(&link_in(&mail[0].text_body, "/reset-password?token="));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        app.count("select count(*) from email_outbox where to_address = 'nobody@example.com'")
            .await,
        0
    );
    let view: ResetLinkView = app
        .call_with(&stranger, "reset_link", &[("token", &token)])
        .await
        .json()
        .await
        .expect("view");
    assert_eq!(
        view,
        ResetLinkView::Valid {
            email: "known@example.com".into()
        }
    );

    let reset = |new: &'static str, confirm: &'static str| {
        let (app, stranger, token) = (&app, &stranger, token.clone());
        async move {
            app.call_with(
                stranger,
                "reset_password",
                &[
                    ("token", &token),
                    ("new_password", new),
                    ("confirm_new_password", confirm),
                ],
            )
            .await
        }
    };
    let (status, error) =
        error_of(reset("a brand new password", "a different new password").await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error.field_message("confirm_new_password").is_some());
    let (_, error) = error_of(reset("short", "short").await).await;
    assert!(error.field_message("new_password").is_some());
    let done = reset("a brand new password", "a brand new password").await;
    assert_eq!(done.status(), StatusCode::OK);
    assert_eq!(location(&done), "/login?reset=1");

    assert!(!signed_in(&app, &elsewhere).await, "the old session ended");
    mail_to(&app, "password_changed", "known@example.com", 1).await;
    assert_eq!(
        app.login_as(&stranger, "known@example.com", old)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login_as(&stranger, "known@example.com", "a brand new password")
            .await
            .status(),
        StatusCode::OK
    );
    let (status, error) =
        error_of(reset("another new password", "another new password").await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(error.to_string().contains("already used"), "{error}");
}

#[tokio::test]
async fn a_reset_link_dies_after_an_hour_or_when_a_newer_one_is_sent_and_requests_are_throttled() {
    let app = spawn_as_admin().await;
    app.insert_consumer("known@example.com", "the old long password")
        .await;
    let stranger = client(&app.base);
    for _ in 0..5 {
        assert_eq!(
            forgot(&app, &stranger, "known@example.com").await.status(),
            StatusCode::OK
        );
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mails = mail_to(&app, "password_reset", "known@example.com", 3).await;
    assert_eq!(mails.len(), 3, "more than three an hour send nothing");
    // The outbox view shows only the live link; the replaced ones are read from the database.
    let shown: Vec<String> = mails
        .iter()
        .filter(|m| {
            m.text_body.contains("/reset-password?token=") && !m.text_body.contains("[link hidden]")
        })
        .map(|m| token_of(&link_in(&m.text_body, "/reset-password?token=")))
        .collect();
    assert_eq!(shown.len(), 1, "only the newest link shows");
    let tokens: Vec<String> = {
        use sqlx::Row as _;
        sqlx::query(
            "select link_secret from email_outbox where kind = 'password_reset' \
             and to_address = 'known@example.com'",
        )
        .fetch_all(app.state.store.pool())
        .await
        .expect("rows")
        .iter()
        .map(|r| r.try_get::<String, _>("link_secret").expect("secret"))
        .collect()
    };
    assert!(tokens.contains(&shown[0]));
    let newest = app
        .scalar_text(
            "select token_hash from one_time_tokens where purpose = 'password_reset' and revoked_at is null",
        )
        .await;
    let (newest, older): (Vec<&String>, Vec<&String>) = tokens
        .iter()
        .partition(|t| app::backend::auth::hash_secret(t) == newest);
    assert_eq!((newest.len(), older.len()), (1, 2));
    for token in older {
        let view: ResetLinkView = app
            .call_with(&stranger, "reset_link", &[("token", token)])
            .await
            .json()
            .await
            .expect("view");
        assert!(
            matches!(&view, ResetLinkView::Dead { message } if message.contains("replaced")),
            "{view:?}"
        );
    }
    app.state.clock.advance(Duration::from_secs(61 * 60));
    let late = app
        .call_with(
            &stranger,
            "reset_password",
            &[
                ("token", newest[0]),
                ("new_password", "a brand new password"),
                ("confirm_new_password", "a brand new password"),
            ],
        )
        .await;
    let (status, error) = error_of(late).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(error.to_string().contains("expired"), "{error}");
}

#[tokio::test]
async fn an_admin_sends_a_password_reset_from_the_users_page() {
    let app = spawn_as_admin().await;
    let id = app
        .insert_consumer("known@example.com", "the old long password")
        .await;
    assert_eq!(
        app.call("send_password_reset", &[("id", &id)])
            .await
            .status(),
        StatusCode::OK
    );
    let mail = mail_to(&app, "password_reset", "known@example.com", 1).await;
    link_in(&mail[0].text_body, "/reset-password?token=");
    app.call("set_user_active", &[("id", &id), ("active", "false")])
        .await;
    assert_eq!(
        app.call("send_password_reset", &[("id", &id)])
            .await
            .status(),
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn two_hundred_wrong_passwords_from_rotating_addresses_are_refused_and_the_right_one_works_later()
 {
    let app = spawn_trusting_forwarded_for().await;
    let right = "the consumer's right password";
    app.insert_consumer("target@example.com", right).await;
    let attacker = client(&app.base);
    let attempt = |i: usize, password: &'static str| {
        let (app, attacker) = (&app, &attacker);
        async move {
            attacker
                .post(app.url("/api/login"))
                .header(reqwest::header::ACCEPT, "application/json")
                .header(
                    "x-forwarded-for",
                    format!("10.0.{}.{}", i / 250, i % 250 + 1),
                )
                .form(&[("email", "target@example.com"), ("password", password)])
                .send()
                .await
                .expect("login")
                .status()
        }
    };
    app.to_window_start(app::backend::limits::LOGIN_ACCOUNT.window_ms);
    let mut statuses = Vec::new();
    for i in 0..200 {
        statuses.push(attempt(i, "a wrong guess of a password").await);
    }
    let wrong = count_of(&statuses, StatusCode::UNAUTHORIZED);
    let limited = count_of(&statuses, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!((wrong, limited), (10, 190), "{statuses:?}");
    // The right password waits for the window to pass; then it works, and nothing is locked.
    assert_eq!(attempt(500, right).await, StatusCode::TOO_MANY_REQUESTS);
    app.state.clock.advance(Duration::from_secs(16 * 60));
    assert_eq!(attempt(501, right).await, StatusCode::OK);
    // Another account was never affected.
    app.login_admin().await;
}

#[tokio::test]
async fn one_address_trying_many_accounts_is_refused_after_its_limit() {
    let app = spawn_trusting_forwarded_for().await;
    let from = |i: usize| {
        let app = &app;
        async move {
            client(&app.base)
                .post(app.url("/api/login"))
                .header(reqwest::header::ACCEPT, "application/json")
                .header("x-forwarded-for", "192.0.2.7")
                .form(&[
                    ("email", format!("user{i}@example.com")),
                    ("password", "any old password".into()),
                ])
                .send()
                .await
                .expect("login")
                .status()
        }
    };
    let limit = app::backend::limits::LOGIN_ADDRESS.max as usize;
    app.to_window_start(app::backend::limits::LOGIN_ADDRESS.window_ms);
    for i in 0..limit {
        assert_eq!(from(i).await, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    assert_eq!(from(limit).await, StatusCode::TOO_MANY_REQUESTS);
    // Another address is not affected.
    app.login_admin().await;
}

#[tokio::test]
async fn the_account_page_changes_the_name_and_password_and_signs_out_everywhere() {
    let app = spawn_app().await;
    let old = "the consumer's old password";
    app.insert_consumer("me@example.com", old).await;
    let here = client(&app.base);
    let there = client(&app.base);
    for c in [&here, &there] {
        assert_eq!(
            app.login_as(c, "me@example.com", old).await.status(),
            StatusCode::OK
        );
    }
    let account = account_of(&app, &here).await;
    assert_eq!(account.email, "me@example.com");
    assert_eq!(
        account.organization.as_deref(),
        Some("Default Organization")
    );

    let (status, error) = error_of(
        app.call_with(
            &here,
            "update_profile",
            &[("first_name", ""), ("last_name", "Lovelace")],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error.field_message("first_name").is_some());
    assert_eq!(
        app.call_with(
            &here,
            "update_profile",
            &[("first_name", "Ada"), ("last_name", "Lovelace")]
        )
        .await
        .status(),
        StatusCode::OK
    );
    let account = account_of(&app, &here).await;
    assert_eq!(
        (account.first_name.as_str(), account.last_name.as_str()),
        ("Ada", "Lovelace")
    );

    let change = |current: &'static str| {
        let (app, here) = (&app, &here);
        async move {
            app.call_with(
                here,
                "change_own_password",
                &[
                    ("current_password", current),
                    ("new_password", "the consumer's new password"),
                    ("confirm_new_password", "the consumer's new password"),
                ],
            )
            .await
        }
    };
    let (status, error) = error_of(change("not my current password").await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error.field_message("current_password").is_some());
    assert_eq!(change(old).await.status(), StatusCode::OK);
    assert!(signed_in(&app, &here).await, "this session stays");
    assert!(!signed_in(&app, &there).await, "the other session ended");
    app.login_admin().await;
    mail_to(&app, "password_changed", "me@example.com", 1).await;

    assert_eq!(
        app.login_as(&there, "me@example.com", "the consumer's new password")
            .await
            .status(),
        StatusCode::OK
    );
    let out = app.call_with(&here, "sign_out_everywhere", &[]).await;
    assert_eq!(out.status(), StatusCode::OK);
    assert!(!signed_in(&app, &here).await);
    assert!(!signed_in(&app, &there).await);
    // Strangers get nothing.
    assert_eq!(
        app.call_with(&here, "account", &[]).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.call_with(&here, "sign_out_everywhere", &[])
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn twenty_concurrent_registrations_of_one_email_make_one_account() {
    let app = spawn_app().await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (url, base) = (app.url("/api/register"), app.base.clone());
        tasks.spawn(async move {
            let response = client(&base)
                .post(url)
                .header(reqwest::header::ACCEPT, "application/json")
                .form(&registration("same@example.com", ""))
                .send()
                .await
                .expect("register");
            (response.status(), location(&response))
        });
    }
    let mut answers = Vec::new();
    while let Some(answer) = tasks.join_next().await {
        answers.push(answer.expect("task"));
    }
    // The first five (the per-email limit) get the ordinary answer, the rest are told to wait.
    let submitted = (StatusCode::OK, "/register?submitted=1".to_owned());
    let limit = app::backend::limits::REGISTER_ACCOUNT.max as usize;
    assert_eq!(
        answers.iter().filter(|a| **a == submitted).count(),
        limit,
        "{answers:?}"
    );
    assert!(
        answers
            .iter()
            .all(|a| *a == submitted || a.0 == StatusCode::TOO_MANY_REQUESTS),
        "{answers:?}"
    );
    assert_eq!(
        app.count("select count(*) from users where lower(email) = 'same@example.com'")
            .await,
        1
    );
    assert_eq!(
        app.count(
            "select count(*) from team_memberships m join users u on u.id = m.user_id \
             where u.email = 'same@example.com'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn an_admin_resets_their_password_the_same_way() {
    let app = spawn_app().await;
    let stranger = client(&app.base);
    assert_eq!(
        forgot(&app, &stranger, ADMIN_EMAIL).await.status(),
        StatusCode::OK
    );
    app.login_admin().await;
    let mail = mail_to(&app, "password_reset", ADMIN_EMAIL, 1).await;
    let token = token_of(&link_in(&mail[0].text_body, "/reset-password?token="));
    let done = app
        .call_with(
            &stranger,
            "reset_password",
            &[
                ("token", &token),
                ("new_password", "the admin's new long password"),
                ("confirm_new_password", "the admin's new long password"),
            ],
        )
        .await;
    assert_eq!(done.status(), StatusCode::OK);
    assert!(
        !signed_in(&app, &app.client).await,
        "the admin's session ended"
    );
    let login = app
        .login_as(&stranger, ADMIN_EMAIL, "the admin's new long password")
        .await;
    assert_eq!(location(&login), "/admin");
}

#[tokio::test]
async fn concurrent_reset_requests_leave_exactly_one_live_link() {
    let app = spawn_app().await;
    app.insert_consumer("known@example.com", "the old long password")
        .await;
    for round in 0..10 {
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..8 {
            let store = app.state.store.clone();
            tasks.spawn(async move {
                let hash = app::backend::auth::hash_secret(&format!("token-{round}-{i}"));
                store
                    .issue_password_reset(
                        "known@example.com",
                        &hash,
                        i64::MAX,
                        |person, token_id| app::backend::db::NewEmail {
                            kind: "password_reset".into(),
                            to_address: person.email.clone(),
                            subject: "s".into(),
                            html_body: "h".into(),
                            text_body: "t".into(),
                            related_token_id: Some(token_id.to_owned()),
                            link_secret: None,
                        },
                        app::backend::db::By::system(1),
                    )
                    .await
                    .expect("issue")
            });
        }
        while let Some(sent) = tasks.join_next().await {
            assert!(sent.expect("task"));
        }
        assert_eq!(
            app.count(
                "select count(*) from one_time_tokens where purpose = 'password_reset' \
                 and revoked_at is null and used_at is null"
            )
            .await,
            1,
            "round {round}"
        );
    }
}

#[tokio::test]
async fn an_invite_code_is_edited_but_never_below_what_it_was_used_for() {
    let app = spawn_as_admin().await;
    let (_, team) = partner_team(&app).await;
    let code = invite_code(&app, &team, "3").await;
    let id = app
        .scalar_text(&format!(
            "select id from invite_codes where code = '{code}'"
        ))
        .await;
    for email in ["one@example.com", "two@example.com"] {
        let response = register_with(&app, &client(&app.base), email, &code).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let edit = |quota: &'static str, expires: &'static str, active: bool| {
        let mut form = vec![
            ("id", id.clone()),
            ("form[team_id]", String::new()),
            ("form[quota]", quota.to_owned()),
            ("form[expires_on]", expires.to_owned()),
        ];
        if active {
            form.push(("form[active]", "on".to_owned()));
        }
        form
    };
    let call = |form: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call("update_invite_code", &form).await
        }
    };
    let row = || async {
        app.call("invite_codes", &[])
            .await
            .json::<app::api::invite_codes::InviteCodesView>()
            .await
            .expect("codes")
            .codes
            .into_iter()
            .find(|c| c.code == code)
            .expect("code")
    };

    let (status, error) = error_of(call(edit("1", "2999-12-31", true)).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        error.field_message("quota").as_deref(),
        Some(app::backend::db::QUOTA_BELOW_USED)
    );
    assert_eq!(row().await.quota, 3, "nothing changed");

    let response = call(edit("2", "2998-01-31", false)).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    let edited = row().await;
    assert_eq!((edited.quota, edited.used, edited.active), (2, 2, false));
    assert_eq!(
        app::domain::format_time(edited.expires_at - 1),
        "2998-01-31 23:59 UTC"
    );
    assert_eq!(edited.team_id, team, "the team stays");
    let (status, error) = error_of(call(edit("5", "1999-01-01", true)).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error.field_message("expires_on").is_some());
    let response = call(edit("5", "2998-01-31", true)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        register_with(&app, &client(&app.base), "three@example.com", &code)
            .await
            .status(),
        StatusCode::OK,
        "reactivated with room again"
    );
    let (status, _) = error_of(
        app.call_with(
            &client(&app.base),
            "update_invite_code",
            &[
                ("id", id.as_str()),
                ("form[team_id]", ""),
                ("form[quota]", "9"),
                ("form[expires_on]", "2999-12-31"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
