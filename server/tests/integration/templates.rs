//! Settings > Email > Templates: edited templates are used by the next email, validated against
//! their variables, previewed, test-sent and reset.

use crate::support::*;
use app::domain::email_template::{TemplateSummary, TemplateView};
use app::domain::outbox::OutboxMessage;
use app::error::AppError;
use reqwest::StatusCode;

async fn outbox(app: &TestApp) -> Vec<OutboxMessage> {
    app.call("outbox", &[]).await.json().await.expect("outbox")
}

async fn save(
    app: &TestApp,
    kind: &str,
    subject: &str,
    text: &str,
    html: &str,
) -> reqwest::Response {
    app.call(
        "save_email_template",
        &[
            ("kind", kind),
            ("subject", subject),
            ("text_body", text),
            ("html_body", html),
        ],
    )
    .await
}

async fn edited(app: &TestApp, kind: &str) -> bool {
    let list: Vec<TemplateSummary> = app
        .call("email_templates", &[])
        .await
        .json()
        .await
        .expect("list");
    assert_eq!(list.len(), app::domain::email_template::TEMPLATES.len());
    assert!(list.iter().any(|t| t.kind == "account_deactivated"));
    list.iter().find(|t| t.kind == kind).expect("listed").edited
}

#[tokio::test]
async fn an_edited_template_is_used_by_the_next_email_and_reset_brings_back_the_default() {
    let app = spawn_as_admin().await;
    let saved = save(
        &app,
        "invitation",
        "Join {{ portal_name }} now, {{ user.first_name }}",
        "Hi {{ user.first_name }}: {{ invite_url }} (until {{ expires_at }})",
        "<p>Hi {{ user.first_name }}</p><a href=\"{{ invite_url }}\">Join</a>",
    )
    .await;
    assert_eq!(saved.status(), StatusCode::OK);
    assert!(edited(&app, "invitation").await);
    let id = app.create_user_ok(&[("first_name", "<b>Ada</b>")]).await;
    assert_eq!(
        app.call("send_invite", &[("id", &id)]).await.status(),
        StatusCode::OK
    );
    let mail = outbox(&app).await.remove(0);
    assert_eq!(mail.subject, "Join Portico now, <b>Ada</b>");
    assert!(
        mail.text_body.contains("/invite?token="),
        "{}",
        mail.text_body
    );
    assert!(
        mail.html_body.contains("<p>Hi &lt;b&gt;Ada&lt;/b&gt;</p>"),
        "{}",
        mail.html_body
    );

    assert_eq!(
        app.call("reset_email_template", &[("kind", "invitation")])
            .await
            .status(),
        StatusCode::OK
    );
    assert!(!edited(&app, "invitation").await);
    assert_eq!(
        app.call("send_invite", &[("id", &id)]).await.status(),
        StatusCode::OK
    );
    let newest = outbox(&app)
        .await
        .into_iter()
        .max_by_key(|m| (m.created_at, m.id.clone()))
        .expect("mail");
    assert_eq!(newest.subject, "You're invited to Portico");
}

#[tokio::test]
async fn unknown_variables_and_empty_bodies_are_field_errors_and_nothing_is_saved() {
    let app = spawn_as_admin().await;
    let response = save(&app, "welcome", "Hi {{ user.firstname }}", "", "<p>Hi</p>").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: AppError = response.json().await.expect("error");
    assert!(
        error
            .field_message("subject")
            .expect("subject")
            .contains("{{ user.firstname }}"),
        "{error:?}"
    );
    assert!(error.field_message("text_body").is_some());
    assert_eq!(
        error.echoed("subject").as_deref(),
        Some("Hi {{ user.firstname }}")
    );
    // A variable of another template is not this one's.
    let response = save(&app, "welcome", "Hi", "{{ invite_url }}", "<p>Hi</p>").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("select count(*) from email_templates").await, 0);
    assert_eq!(
        save(&app, "no_such_email", "Hi", "Hi", "Hi").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_preview_and_the_test_send_use_sample_values_and_go_to_the_admin() {
    let app = spawn_as_admin().await;
    let view: TemplateView = app
        .call("email_template", &[("kind", "password_reset")])
        .await
        .json()
        .await
        .expect("view");
    assert_eq!(view.name, "Password reset");
    assert!(view.variables.contains(&"reset_url".to_owned()));
    assert!(
        view.preview_text.contains("Hello Ada,"),
        "{}",
        view.preview_text
    );
    assert!(view.preview_html.contains("/reset-password?token=sample"));
    assert_eq!(
        app.call("send_test_email", &[("kind", "password_reset")])
            .await
            .status(),
        StatusCode::OK
    );
    let mail = outbox(&app).await.remove(0);
    assert_eq!(mail.to_address, ADMIN_EMAIL);
    assert_eq!(mail.subject, "[Test] Reset your password for Portico");
    assert!(mail.text_body.contains("/reset-password?token=sample"));
    // The page shows the editor and the preview.
    let page = app
        .page_text("/admin/settings/email/templates?kind=password_reset")
        .await;
    assert!(page.contains("Send test email to me"), "{page}");
    assert!(page.contains("title=\"HTML preview\""));
}
