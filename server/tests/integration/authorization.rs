//! The authorization matrix: every server function called by a stranger, a team member, a
//! consumer admin, a provider admin and a super admin gets what SPEC §5 allows: admin functions
//! are for admins only, a provider admin never changes a super admin, and the public pages'
//! functions answer everyone the same way.

use crate::support::*;
use app::backend::db::{DEFAULT_ORGANIZATION_ID, DEFAULT_TEAM_ID};
use reqwest::StatusCode;

const PASSWORD: &str = "a matrix test's long password";

/// What one caller gets from one function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gets {
    /// Past authorization: whatever the function answers (success, 404, 409, 422 …).
    Through,
    /// 401: sign in first.
    SignIn,
    /// 403: signed in, not allowed.
    Refused,
}
use Gets::*;

const ADMIN_ONLY: [Gets; 5] = [SignIn, Refused, Refused, Through, Through];
const SUPER_ONLY: [Gets; 5] = [SignIn, Refused, Refused, Refused, Through];
const PUBLIC: [Gets; 5] = [Through, Through, Through, Through, Through];
const SIGNED_IN: [Gets; 5] = [SignIn, Through, Through, Through, Through];
/// Apps and their keys are a consumer's (admins see them under "Apps").
const CONSUMER_ONLY: [Gets; 5] = [SignIn, Through, Through, Refused, Refused];
/// The matrix's consumer admin is in the default organization, which is not a company.
const CONSUMER_ADMIN_OF_A_COMPANY: [Gets; 5] = [SignIn, Refused, Refused, Refused, Refused];

/// A function, the form it is called with, and what each of the five callers gets.
type Row<'a> = (&'a str, Vec<(&'a str, &'a str)>, [Gets; 5]);

fn gets(status: StatusCode) -> Gets {
    match status {
        StatusCode::UNAUTHORIZED => SignIn,
        StatusCode::FORBIDDEN => Refused,
        _ => Through,
    }
}

#[tokio::test]
async fn every_server_function_answers_each_of_the_five_roles_as_the_spec_allows() {
    let app = spawn_as_admin().await;
    let super_id = app
        .scalar_text("select id from users where role = 'super-admin'")
        .await;
    // The four signed-in callers besides the super admin (the app's own client).
    let stranger = client(&app.base);
    let member = client(&app.base);
    let consumer_admin = client(&app.base);
    let provider = client(&app.base);
    for (email, role) in [
        ("member@example.com", "consumer-team-member"),
        ("cadmin@example.com", "consumer-admin"),
    ] {
        app.create_user_ok(&[("email", email), ("role", role), ("password", PASSWORD)])
            .await;
    }
    app.add_provider_admin(PASSWORD).await;
    for (client, email) in [
        (&member, "member@example.com"),
        (&consumer_admin, "cadmin@example.com"),
        (&provider, "provider@example.com"),
    ] {
        let login = app.login_as(client, email, PASSWORD).await;
        assert_eq!(login.status(), StatusCode::OK, "{email}");
    }
    let callers = [&stranger, &member, &consumer_admin, &provider, &app.client];

    // Each super admin–only call names a fresh email so the super admin's own call succeeds.
    let new_super = |email: &'static str| -> Vec<(&'static str, &'static str)> {
        vec![
            ("form[first_name]", "New"),
            ("form[last_name]", "Super"),
            ("form[email]", email),
            ("form[organization_id]", ""),
            ("form[role]", "super-admin"),
            ("form[password]", PASSWORD),
        ]
    };
    let super_id = super_id.as_str();
    let matrix: Vec<Row> = vec![
        // Public pages: the same for everyone.
        ("me", vec![], PUBLIC),
        ("setup_link_valid", vec![("token", "x")], PUBLIC),
        ("invitation", vec![("token", "x")], PUBLIC),
        (
            "accept_invitation",
            vec![
                ("token", "x"),
                ("password", PASSWORD),
                ("confirm_password", PASSWORD),
            ],
            PUBLIC,
        ),
        ("request_new_invitation", vec![("token", "x")], PUBLIC),
        ("registration_open", vec![], PUBLIC),
        ("register", vec![("form[first_name]", "")], PUBLIC),
        ("forgot_password", vec![("email", "not an email")], PUBLIC),
        ("reset_link", vec![("token", "x")], PUBLIC),
        ("confirmation_link", vec![("token", "x")], PUBLIC),
        (
            "confirm_email",
            vec![("token", "x"), ("password", PASSWORD)],
            PUBLIC,
        ),
        (
            "reset_password",
            vec![
                ("token", "x"),
                ("new_password", PASSWORD),
                ("confirm_new_password", PASSWORD),
            ],
            PUBLIC,
        ),
        // The signed-in person's own account.
        ("account", vec![], SIGNED_IN),
        // My dashboard: consumers only. Both consumers here are in the default organization,
        // which is not a company, so even its consumer admin invites nobody (dashboard.rs has
        // a company's consumer admin getting through).
        (
            "my_users",
            vec![("q", "")],
            [SignIn, Through, Through, Refused, Refused],
        ),
        (
            "invite_colleague",
            vec![
                ("form[first_name]", "A"),
                ("form[last_name]", "B"),
                ("form[email]", "matrix-invite@example.com"),
                ("form[organization_id]", ""),
                ("form[role]", "consumer-team-member"),
            ],
            CONSUMER_ADMIN_OF_A_COMPANY,
        ),
        // A consumer admin's changes reach only people sharing a team in a company (colleagues.rs
        // has a company's consumer admin getting through, and every way around refused).
        ("colleague", vec![("id", "x")], CONSUMER_ADMIN_OF_A_COMPANY),
        (
            "remove_colleague",
            vec![("id", "x")],
            CONSUMER_ADMIN_OF_A_COMPANY,
        ),
        (
            "resend_colleague_invite",
            vec![("id", "x")],
            CONSUMER_ADMIN_OF_A_COMPANY,
        ),
        (
            "revoke_colleague_invite",
            vec![("id", "x")],
            CONSUMER_ADMIN_OF_A_COMPANY,
        ),
        (
            "edit_colleague",
            vec![
                ("id", "x"),
                ("form[first_name]", "A"),
                ("form[last_name]", "B"),
                ("form[role]", "consumer-team-member"),
            ],
            CONSUMER_ADMIN_OF_A_COMPANY,
        ),
        // Organization requests: any consumer asks (the setting decides, off here: refused
        // past sign-in for consumers), admins decide.
        (
            "my_organization",
            vec![],
            [SignIn, Through, Through, Refused, Refused],
        ),
        (
            "request_organization",
            vec![("name", "Matrix Ltd")],
            [SignIn, Refused, Refused, Refused, Refused],
        ),
        ("organization_requests", vec![], ADMIN_ONLY),
        ("what_waits", vec![], ADMIN_ONLY),
        // The catalog: its consumer pages answer everyone (the visibility rule decides what;
        // catalog.rs checks each viewer), and its administration is for admins.
        ("browse_catalog", vec![("q", ""), ("tag", "")], PUBLIC),
        ("view_product", vec![("name", "nothing-here")], PUBLIC),
        (
            "api_products",
            vec![("q", ""), ("published", ""), ("catalog", "")],
            ADMIN_ONLY,
        ),
        ("api_product", vec![("id", "x")], ADMIN_ONLY),
        (
            "create_api_product",
            vec![
                ("form[name]", "Not A Name"),
                ("form[display_name]", ""),
                ("form[gateway_prefix]", ""),
            ],
            ADMIN_ONLY,
        ),
        (
            "update_api_product",
            vec![
                ("id", "x"),
                ("form[name]", "matrix"),
                ("form[display_name]", "Matrix"),
                ("form[gateway_prefix]", "/matrix/"),
            ],
            ADMIN_ONLY,
        ),
        ("delete_api_product", vec![("id", "x")], ADMIN_ONLY),
        ("list_plans", vec![], ADMIN_ONLY),
        (
            "create_plan",
            vec![("form[name]", ""), ("form[display_name]", "")],
            ADMIN_ONLY,
        ),
        (
            "update_plan",
            vec![
                ("id", "x"),
                ("form[name]", "Matrix"),
                ("form[display_name]", "Matrix"),
            ],
            ADMIN_ONLY,
        ),
        ("delete_plan", vec![("id", "x")], ADMIN_ONLY),
        ("list_catalogs", vec![], ADMIN_ONLY),
        ("catalog_editor", vec![("id", "")], ADMIN_ONLY),
        (
            "create_catalog",
            vec![("form[name]", ""), ("form[visibility]", "")],
            ADMIN_ONLY,
        ),
        (
            "update_catalog",
            vec![
                ("id", "x"),
                ("form[name]", "Matrix"),
                ("form[visibility]", "public"),
            ],
            ADMIN_ONLY,
        ),
        ("delete_catalog", vec![("id", "x")], ADMIN_ONLY),
        ("catalog_access", vec![("id", "x")], ADMIN_ONLY),
        // Documentation: anyone may ask for a reference (the visibility rule answers); only
        // admins remove one. The upload, a multipart form, is checked below.
        ("api_reference", vec![("name", "nothing-here")], PUBLIC),
        ("remove_documentation", vec![("id", "x")], ADMIN_ONLY),
        // Apps, access requests, keys (SPEC §10): a consumer's own; admins read and revoke.
        ("my_apps", vec![], CONSUMER_ONLY),
        ("request_offer", vec![], PUBLIC),
        ("create_app", vec![("form[name]", "")], CONSUMER_ONLY),
        (
            "update_app",
            vec![("id", "x"), ("form[name]", "Renamed")],
            SIGNED_IN,
        ),
        ("delete_app", vec![("id", "x")], SIGNED_IN),
        ("view_app", vec![("id", "x")], SIGNED_IN),
        (
            "request_access",
            vec![("form[product]", "nothing-here")],
            CONSUMER_ONLY,
        ),
        ("show_key", vec![("id", "x")], CONSUMER_ONLY),
        (
            "rotate_key",
            vec![("id", "x"), ("grace", "none")],
            CONSUMER_ONLY,
        ),
        ("revoke_access", vec![("id", "x")], SIGNED_IN),
        ("access_requests", vec![], ADMIN_ONLY),
        ("approve_access_request", vec![("id", "x")], ADMIN_ONLY),
        ("reject_access_request", vec![("id", "x")], ADMIN_ONLY),
        ("all_apps", vec![], ADMIN_ONLY),
        ("reassign_app", vec![("id", "x"), ("owner", "")], ADMIN_ONLY),
        ("gateway_tokens", vec![], ADMIN_ONLY),
        ("add_gateway_token", vec![("name", "")], ADMIN_ONLY),
        ("revoke_gateway_token", vec![("id", "x")], ADMIN_ONLY),
        // API tokens: each admin their own (a super admin sees and revokes everyone's).
        ("api_tokens", vec![], ADMIN_ONLY),
        (
            "add_api_token",
            vec![
                ("form[name]", ""),
                ("form[access]", "read"),
                ("form[expires_in_days]", "7"),
            ],
            ADMIN_ONLY,
        ),
        ("revoke_api_token", vec![("id", "x")], ADMIN_ONLY),
        ("rest_api_reference", vec![], ADMIN_ONLY),
        (
            "approve_organization_request",
            vec![("id", "x"), ("name", "Matrix Ltd")],
            ADMIN_ONLY,
        ),
        (
            "reject_organization_request",
            vec![("id", "x"), ("reason", "")],
            ADMIN_ONLY,
        ),
        (
            "update_profile",
            vec![("first_name", ""), ("last_name", "")],
            SIGNED_IN,
        ),
        (
            "change_own_password",
            vec![
                ("current_password", "not the current one"),
                ("new_password", PASSWORD),
                ("confirm_new_password", PASSWORD),
            ],
            SIGNED_IN,
        ),
        // Approvals and invite codes.
        ("registrants", vec![], ADMIN_ONLY),
        ("approve_registration", vec![("id", "x")], ADMIN_ONLY),
        ("reject_registration", vec![("id", "x")], ADMIN_ONLY),
        ("invite_codes", vec![], ADMIN_ONLY),
        (
            "create_invite_code",
            vec![
                ("form[team_id]", ""),
                ("form[quota]", ""),
                ("form[expires_on]", ""),
            ],
            ADMIN_ONLY,
        ),
        (
            "set_invite_code_active",
            vec![("id", "x"), ("active", "true")],
            ADMIN_ONLY,
        ),
        ("delete_invite_code", vec![("id", "x")], ADMIN_ONLY),
        (
            "update_invite_code",
            vec![
                ("id", "x"),
                ("form[team_id]", ""),
                ("form[quota]", "5"),
                ("form[expires_on]", "2999-12-31"),
            ],
            ADMIN_ONLY,
        ),
        ("send_password_reset", vec![("id", "x")], ADMIN_ONLY),
        ("registration_settings", vec![], ADMIN_ONLY),
        // Email templates.
        ("email_templates", vec![], ADMIN_ONLY),
        ("email_template", vec![("kind", "x")], ADMIN_ONLY),
        // Templates decide where every future link goes: super admins edit them.
        (
            "save_email_template",
            vec![
                ("kind", "x"),
                ("subject", "s"),
                ("text_body", "t"),
                ("html_body", "h"),
            ],
            SUPER_ONLY,
        ),
        ("reset_email_template", vec![("kind", "x")], SUPER_ONLY),
        ("send_test_email", vec![("kind", "x")], ADMIN_ONLY),
        (
            "set_registration_settings",
            vec![("allow_registration", "on")],
            ADMIN_ONLY,
        ),
        // Users.
        ("list_users", USERS_QUERY.to_vec(), ADMIN_ONLY),
        ("count_users", USERS_FILTER.to_vec(), ADMIN_ONLY),
        ("user_choices", vec![], ADMIN_ONLY),
        (
            "create_user",
            vec![
                ("form[first_name]", "Matrix"),
                ("form[last_name]", "User"),
                ("form[email]", ""),
                ("form[organization_id]", DEFAULT_ORGANIZATION_ID),
                ("form[role]", ""),
            ],
            ADMIN_ONLY,
        ),
        (
            "update_user",
            vec![
                ("id", "x"),
                ("form[first_name]", "Matrix"),
                ("form[last_name]", "User"),
                ("form[email]", "matrix@example.com"),
                ("form[organization_id]", DEFAULT_ORGANIZATION_ID),
                ("form[role]", ""),
            ],
            ADMIN_ONLY,
        ),
        ("user", vec![("id", "x")], ADMIN_ONLY),
        ("send_invite", vec![("id", "x")], ADMIN_ONLY),
        ("revoke_invite", vec![("id", "x")], ADMIN_ONLY),
        (
            "set_user_active",
            vec![("id", "x"), ("active", "true")],
            ADMIN_ONLY,
        ),
        ("delete_user", vec![("id", "x")], ADMIN_ONLY),
        // Organizations and teams.
        ("list_organizations", vec![("search", "")], ADMIN_ONLY),
        (
            "organization",
            vec![("id", DEFAULT_ORGANIZATION_ID)],
            ADMIN_ONLY,
        ),
        ("create_organization", vec![("name", "")], ADMIN_ONLY),
        (
            "rename_organization",
            vec![("id", "x"), ("name", "Renamed")],
            ADMIN_ONLY,
        ),
        (
            "delete_organization",
            vec![("id", DEFAULT_ORGANIZATION_ID)],
            ADMIN_ONLY,
        ),
        (
            "list_teams",
            vec![("search", ""), ("organization_id", "")],
            ADMIN_ONLY,
        ),
        ("team", vec![("id", DEFAULT_TEAM_ID)], ADMIN_ONLY),
        (
            "create_team",
            vec![("organization_id", "x"), ("name", "")],
            ADMIN_ONLY,
        ),
        (
            "rename_team",
            vec![("id", "x"), ("name", "Renamed")],
            ADMIN_ONLY,
        ),
        ("delete_team", vec![("id", DEFAULT_TEAM_ID)], ADMIN_ONLY),
        (
            "add_team_member",
            vec![
                ("team_id", DEFAULT_TEAM_ID),
                ("email", "nobody@example.com"),
            ],
            ADMIN_ONLY,
        ),
        (
            "add_user_to_team",
            vec![("user_id", "x"), ("team_id", "x")],
            ADMIN_ONLY,
        ),
        (
            "remove_team_member",
            vec![("team_id", "x"), ("user_id", "x")],
            ADMIN_ONLY,
        ),
        // Settings, email outbox, admins.
        ("invitation_lifetime", vec![], ADMIN_ONLY),
        ("set_invitation_lifetime", vec![("days", "7")], ADMIN_ONLY),
        ("security_settings", vec![], ADMIN_ONLY),
        (
            "set_security_settings",
            vec![
                ("admin_idle_minutes", "60"),
                ("consumer_idle_days", "7"),
                ("outbox_retention_days", "30"),
            ],
            SUPER_ONLY,
        ),
        ("outbox", vec![], ADMIN_ONLY),
        ("retry_email", vec![("id", "x")], ADMIN_ONLY),
        ("list_admins", vec![], ADMIN_ONLY),
        ("send_admin_invite", vec![("id", "x")], ADMIN_ONLY),
        (
            "update_admin",
            vec![
                ("id", "x"),
                ("form[first_name]", "A"),
                ("form[last_name]", "B"),
                ("form[email]", "matrix-admin@example.com"),
                ("form[organization_id]", ""),
                ("form[role]", "provider-admin"),
            ],
            ADMIN_ONLY,
        ),
        (
            "change_admin",
            vec![("id", "x"), ("change", "deactivate")],
            ADMIN_ONLY,
        ),
        // What only a super admin may do: to a super admin, and making one.
        ("send_admin_invite", vec![("id", super_id)], SUPER_ONLY),
        (
            "change_admin",
            vec![("id", super_id), ("change", "activate")],
            SUPER_ONLY,
        ),
        ("add_admin", new_super("super2@example.com"), SUPER_ONLY),
        (
            "update_admin",
            vec![
                ("id", super_id),
                ("form[first_name]", "Still"),
                ("form[last_name]", "Super"),
                ("form[email]", ADMIN_EMAIL),
                ("form[organization_id]", ""),
                ("form[role]", "super-admin"),
            ],
            SUPER_ONLY,
        ),
    ];

    let mut wrong = Vec::new();
    for (function, form, expected) in &matrix {
        for (i, caller) in callers.iter().enumerate() {
            let status = app.call_with(caller, function, form).await.status();
            if gets(status) != expected[i] {
                wrong.push(format!(
                    "{function} as {}: {status}, expected {:?}",
                    [
                        "stranger",
                        "team member",
                        "consumer admin",
                        "provider admin",
                        "super admin"
                    ][i],
                    expected[i]
                ));
            }
        }
    }
    // The upload: a real document for a product that does not exist (404 past authorization).
    let petstore = include_bytes!("../../../end2end/fixtures/petstore.yaml").to_vec();
    for (i, caller) in callers.iter().enumerate() {
        let status = app
            .upload_with(caller, "x", "petstore.yaml", petstore.clone(), false)
            .await
            .status();
        if gets(status) != ADMIN_ONLY[i] {
            wrong.push(format!(
                "upload_documentation as caller {i}: {status}, expected {:?}",
                ADMIN_ONLY[i]
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Nothing a refused caller sent was stored.
    assert_eq!(
        app.count("select count(*) from organizations").await,
        1,
        "no organization was created or deleted"
    );
    for table in ["api_products", "plans", "catalogs", "api_documents"] {
        assert_eq!(
            app.count(&format!("select count(*) from {table}")).await,
            0,
            "nothing was added to {table}"
        );
    }
    assert_eq!(
        app.count("select count(*) from users where role = 'super-admin'")
            .await,
        2,
        "only the super admin's own call made a super admin"
    );
    // Every server function the app registers appears in the matrix (and in no other list).
    let covered: std::collections::BTreeSet<&str> = matrix.iter().map(|(f, ..)| *f).collect();
    // sign_out_everywhere would end the callers' sessions: self_service.rs covers it.
    let public_elsewhere = [
        // A multipart form: checked above, outside the matrix's form calls.
        "upload_documentation",
        "login",
        "logout",
        "complete_setup",
        "change_password",
        "sign_out_everywhere",
    ];
    let registered: Vec<&str> = leptos::server_fn::axum::server_fn_paths()
        .filter_map(|(path, _)| path.strip_prefix("/api/"))
        .collect();
    assert!(registered.len() > 30, "{registered:?}");
    let missing: Vec<String> = registered
        .into_iter()
        .filter(|e| !covered.contains(e) && !public_elsewhere.contains(e))
        .map(str::to_owned)
        .collect();
    assert!(missing.is_empty(), "not in the matrix: {missing:?}");
}
