//! Settings > Admins: adding admins (password or invitation), and the two rules the store keeps:
//! a provider-admin never changes a super-admin; the last active super-admin stays.

use crate::support::*;
use app::backend::db::{AdminChange, By, NewEmail, Person};
use app::domain::Role;
use app::domain::admin::{AdminRow, AdminsView};
use app::domain::user::UserStatus;
use reqwest::StatusCode;

const PASSWORD: &str = "an admin's long password";

/// The notice the store queues when an admin's status changes, as the store tests compose it.
fn notice(person: &Person) -> NewEmail {
    NewEmail {
        kind: "account_deactivated".into(),
        to_address: person.email.clone(),
        subject: "Deactivated".into(),
        html_body: String::new(),
        text_body: String::new(),
        related_token_id: None,
        link_secret: None,
    }
}

async fn add_admin(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    role: &str,
    password: &str,
) -> reqwest::Response {
    app.call_with(
        client,
        "add_admin",
        &[
            ("form[first_name]", "Grace"),
            ("form[last_name]", "Hopper"),
            ("form[email]", email),
            ("form[organization_id]", ""),
            ("form[role]", role),
            ("form[password]", password),
        ],
    )
    .await
}

async fn admins(app: &TestApp) -> AdminsView {
    app.call("list_admins", &[])
        .await
        .json()
        .await
        .expect("admins")
}

fn find<'a>(view: &'a AdminsView, email: &str) -> &'a AdminRow {
    view.admins
        .iter()
        .find(|a| a.email == email)
        .expect("admin listed")
}

/// A second signed-in client for a new admin with `role`.
async fn signed_in_admin(app: &TestApp, email: &str, role: &str) -> (String, reqwest::Client) {
    let added = add_admin(app, &app.client, email, role, PASSWORD).await;
    assert_eq!(added.status(), StatusCode::OK, "{:?}", added.text().await);
    let id: String = added.json().await.expect("id");
    let other = app.signed_in_client(email, PASSWORD).await;
    (id, other)
}

#[tokio::test]
async fn an_admin_added_with_a_password_signs_in_and_one_added_without_is_invited() {
    let app = spawn_as_admin().await;
    let (_, provider) = signed_in_admin(&app, "grace@example.com", "provider-admin").await;
    let me = app
        .call_with(&provider, "list_admins", &[])
        .await
        .json::<AdminsView>()
        .await
        .expect("admins");
    assert_eq!(me.viewer_role, Role::ProviderAdmin);
    assert_eq!(find(&me, "grace@example.com").status, UserStatus::Active);

    let invited = add_admin(&app, &app.client, "linus@example.com", "", "").await;
    assert_eq!(invited.status(), StatusCode::OK);
    let id: String = invited.json().await.expect("id");
    assert_eq!(
        find(&admins(&app).await, "linus@example.com").status,
        UserStatus::NotInvited
    );
    let sent = app.call("send_admin_invite", &[("id", id.as_str())]).await;
    assert_eq!(sent.status(), StatusCode::OK, "{:?}", sent.text().await);
    let row = find(&admins(&app).await, "linus@example.com").clone();
    assert_eq!(
        (row.status, row.role),
        (UserStatus::Invited, Role::ProviderAdmin)
    );
    assert_eq!(
        app.count("select count(*) from email_outbox where kind = 'invitation' and to_address = 'linus@example.com'")
            .await,
        1
    );

    let duplicate = add_admin(&app, &app.client, "GRACE@example.com", "", "").await;
    assert_eq!(duplicate.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bad = add_admin(&app, &app.client, "not an email", "consumer-admin", "short").await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: app::error::AppError = bad.json().await.expect("error");
    for field in ["email", "role", "password"] {
        assert!(error.field_message(field).is_some(), "{field}: {error:?}");
    }
    assert_eq!(
        app.count("select count(*) from users where role in ('super-admin', 'provider-admin')")
            .await,
        3
    );
}

#[tokio::test]
async fn a_provider_admin_cannot_add_change_or_delete_a_super_admin() {
    let app = spawn_as_admin().await;
    let (_, provider) = signed_in_admin(&app, "grace@example.com", "provider-admin").await;
    let super_id = find(&admins(&app).await, ADMIN_EMAIL).id.clone();
    for change in ["deactivate", "delete", "activate"] {
        let refused = app
            .call_with(
                &provider,
                "change_admin",
                &[("id", super_id.as_str()), ("change", change)],
            )
            .await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{change}");
    }
    let promote = add_admin(&app, &provider, "evil@example.com", "super-admin", PASSWORD).await;
    assert_eq!(promote.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.users_with_email("evil@example.com").await, 0);
    // A provider-admin may still manage other provider-admins.
    let (linus, _) = signed_in_admin(&app, "linus@example.com", "provider-admin").await;
    let off = app
        .call_with(
            &provider,
            "change_admin",
            &[("id", linus.as_str()), ("change", "deactivate")],
        )
        .await;
    assert_eq!(off.status(), StatusCode::OK);
    assert_eq!(
        find(&admins(&app).await, "linus@example.com").status,
        UserStatus::Inactive
    );
    assert_eq!(
        app.count(&format!(
            "select count(*) from sessions where user_id = '{linus}'"
        ))
        .await,
        0,
        "deactivation ends the admin's sessions"
    );
}

#[tokio::test]
async fn the_last_active_super_admin_cannot_be_deactivated_or_deleted_even_by_a_race() {
    let app = spawn_as_admin().await;
    let first = find(&admins(&app).await, ADMIN_EMAIL).id.clone();
    for change in ["deactivate", "delete"] {
        let refused = app
            .call(
                "change_admin",
                &[("id", first.as_str()), ("change", change)],
            )
            .await;
        assert_eq!(refused.status(), StatusCode::CONFLICT, "{change}");
    }
    // Two super-admins each remove the other at the same moment, twenty times over, straight
    // at the store so the two transactions overlap: each time exactly one of them stays.
    let (second, _) = signed_in_admin(&app, "grace@example.com", "super-admin").await;
    let store = &app.state.store;
    let active = "select count(*) from users where role = 'super-admin' and status = 'active'";
    for round in 0..20 {
        let (a, b) = tokio::join!(
            store.change_admin(
                &second,
                AdminChange::Deactivate,
                (By::user(&first, 1), Role::SuperAdmin),
                notice,
            ),
            store.change_admin(
                &first,
                AdminChange::Deactivate,
                (By::user(&second, 1), Role::SuperAdmin),
                notice,
            ),
        );
        assert!(a.is_ok() != b.is_ok(), "round {round}: {a:?} {b:?}");
        assert_eq!(app.count(active).await, 1, "round {round}");
        let off = if a.is_ok() { &second } else { &first };
        let on = if a.is_ok() { &first } else { &second };
        store
            .change_admin(
                off,
                AdminChange::Activate,
                (By::user(on, 1), Role::SuperAdmin),
                notice,
            )
            .await
            .expect("activate again");
    }
}

#[tokio::test]
async fn a_deactivated_admin_is_told_by_email_and_so_is_one_activated_again() {
    let app = spawn_as_admin().await;
    let (id, other) = signed_in_admin(&app, "grace@example.com", "provider-admin").await;
    for (change, kind) in [
        ("deactivate", "account_deactivated"),
        ("activate", "account_activated"),
    ] {
        let response = app
            .call("change_admin", &[("id", id.as_str()), ("change", change)])
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{change}");
        assert_eq!(
            app.count(&format!(
                "select count(*) from email_outbox where kind = '{kind}' and to_address = 'grace@example.com'"
            ))
            .await,
            1,
            "{change}"
        );
    }
    let me: Option<app::domain::CurrentUser> = app
        .call_with(&other, "me", &[])
        .await
        .json()
        .await
        .expect("me");
    assert!(me.is_none(), "deactivation ended the admin's session");
}

#[tokio::test]
async fn admin_functions_refuse_strangers_and_consumers() {
    let app = spawn_app().await;
    let calls: [(&str, &[(&str, &str)]); 4] = [
        ("list_admins", &[]),
        (
            "add_admin",
            &[
                ("form[first_name]", "Evil"),
                ("form[last_name]", "Admin"),
                ("form[email]", "evil@example.com"),
                ("form[organization_id]", ""),
                ("form[role]", "super-admin"),
                ("form[password]", PASSWORD),
            ],
        ),
        ("send_admin_invite", &[("id", "x")]),
        ("change_admin", &[("id", "x"), ("change", "delete")]),
    ];
    app.assert_admin_only(&calls).await;
    assert_eq!(app.users_with_email("evil@example.com").await, 0);
}

async fn edit_admin(
    app: &TestApp,
    client: &reqwest::Client,
    id: &str,
    email: &str,
    role: &str,
) -> reqwest::Response {
    app.call_with(
        client,
        "update_admin",
        &[
            ("id", id),
            ("form[first_name]", "Edited"),
            ("form[last_name]", "Name"),
            ("form[email]", email),
            ("form[organization_id]", ""),
            ("form[role]", role),
        ],
    )
    .await
}

#[tokio::test]
async fn an_admin_is_edited_within_the_super_admin_rules() {
    let app = spawn_as_admin().await;
    let super_id = find(&admins(&app).await, ADMIN_EMAIL).id.clone();
    let (grace, provider) = signed_in_admin(&app, "grace@example.com", "provider-admin").await;
    let (linus, linus_client) = signed_in_admin(&app, "linus@example.com", "provider-admin").await;

    // A provider admin edits another provider admin's names, but not their address: whoever
    // sets it receives their password reset.
    let response = edit_admin(
        &app,
        &provider,
        &linus,
        "linus@example.com",
        "provider-admin",
    )
    .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    let takeover = edit_admin(
        &app,
        &provider,
        &linus,
        "grace-owns@example.com",
        "provider-admin",
    )
    .await;
    assert_eq!(takeover.status(), StatusCode::CONFLICT);
    assert_eq!(app.users_with_email("grace-owns@example.com").await, 0);
    // A super admin may: a new address ends their sessions.
    let response = edit_admin(
        &app,
        &app.client,
        &linus,
        "linus@new.example",
        "provider-admin",
    )
    .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    let row = find(&admins(&app).await, "linus@new.example").clone();
    assert_eq!(
        (row.first_name.as_str(), row.last_name.as_str(), row.role),
        ("Edited", "Name", Role::ProviderAdmin)
    );
    assert_eq!(
        app.call_with(&linus_client, "list_admins", &[])
            .await
            .status(),
        StatusCode::UNAUTHORIZED,
        "the old sessions ended with the address"
    );

    // But neither a super admin nor a promotion to one.
    let before = find(&admins(&app).await, ADMIN_EMAIL).clone();
    let refused = edit_admin(
        &app,
        &provider,
        &super_id,
        "taken@example.com",
        "super-admin",
    )
    .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let refused = edit_admin(&app, &provider, &grace, "grace@example.com", "super-admin").await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(find(&admins(&app).await, ADMIN_EMAIL), &before);
    assert_eq!(
        find(&admins(&app).await, "grace@example.com").role,
        Role::ProviderAdmin
    );

    // The last active super admin is not demoted, even by themselves; a taken address and a
    // bad one are field errors.
    let last = edit_admin(&app, &app.client, &super_id, ADMIN_EMAIL, "provider-admin").await;
    assert_eq!(last.status(), StatusCode::CONFLICT);
    let (status, error) = error_of(
        edit_admin(
            &app,
            &app.client,
            &grace,
            "linus@new.example",
            "provider-admin",
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error.field_message("email").is_some(), "{error:?}");
    let (status, error) = error_of(
        edit_admin(
            &app,
            &app.client,
            &grace,
            "not-an-address",
            "provider-admin",
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error.field_message("email").is_some(), "{error:?}");

    // The super admin promotes Grace; then may step down, and editing their own address keeps
    // their session.
    let promoted = edit_admin(
        &app,
        &app.client,
        &grace,
        "grace@example.com",
        "super-admin",
    )
    .await;
    assert_eq!(promoted.status(), StatusCode::OK);
    let own = edit_admin(
        &app,
        &app.client,
        &super_id,
        "boss@example.com",
        "provider-admin",
    )
    .await;
    assert_eq!(own.status(), StatusCode::OK, "{:?}", own.text().await);
    assert_eq!(app.call("list_admins", &[]).await.status(), StatusCode::OK);
    assert_eq!(
        app.count(&format!(
            "select count(*) from audit_log where action = 'admin.updated' and actor_id = '{super_id}'"
        ))
        .await,
        3,
        "Linus's address, Grace's promotion, their own"
    );
}
