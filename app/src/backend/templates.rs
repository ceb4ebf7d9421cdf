//! Editing email templates: validation against each template's variables, preview with sample
//! values, and the test send.

use super::AppState;
use super::db::NewEmail;
use super::mail::{MailTemplate, compose, default_template, load};
use crate::domain::email_template::{TemplateView, template_info, validate};
use crate::domain::format_time;
use crate::error::AppError;

/// The values a preview and a test send fill in.
fn sample_values(state: &AppState) -> Vec<(&'static str, String)> {
    let link = |path: &str| state.config.link(path);
    vec![
        ("user.first_name", "Ada".to_owned()),
        ("user.last_name", "Lovelace".to_owned()),
        ("user.email", "ada@example.com".to_owned()),
        ("portal_name", state.config.portal_name.clone()),
        ("invite_url", link("/invite?token=sample")),
        ("confirm_url", link("/confirm-email?token=sample")),
        ("reset_url", link("/reset-password?token=sample")),
        ("login_url", link("/login")),
        ("approvals_url", link("/admin/approvals")),
        ("user_url", link("/admin/users/sample")),
        ("organization.name", "Analytical Engines Ltd".to_owned()),
        ("organizations_url", link("/admin/organizations")),
        ("dashboard_url", link("/dashboard")),
        ("app.name", "Billing sync".to_owned()),
        ("product.name", "Payments API".to_owned()),
        ("plan.name", "Gold".to_owned()),
        ("comment", "For our nightly reconciliation.".to_owned()),
        ("requests_url", link("/admin/access-requests")),
        ("app_url", link("/dashboard/apps/sample")),
        (
            "reason",
            "We could not match this name to a partner company.".to_owned(),
        ),
        (
            "expires_at",
            format_time(state.clock.now() + 7 * 24 * 60 * 60 * 1000),
        ),
    ]
}

fn preview(state: &AppState, template: &MailTemplate) -> (String, String, String) {
    let values = sample_values(state);
    let vars: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    compose(template, &vars)
}

/// The template of `kind` as it is used now, with its preview.
pub async fn view(state: &AppState, kind: &str) -> Result<TemplateView, AppError> {
    let default = default_template(kind).ok_or(AppError::NotFound)?;
    let (name, variables) = template_info(kind).ok_or(AppError::NotFound)?;
    let current = load(state, default).await?;
    let (preview_subject, preview_text, preview_html) = preview(state, &current);
    Ok(TemplateView {
        kind: kind.to_owned(),
        name: name.to_owned(),
        variables: variables.iter().map(|v| (*v).to_owned()).collect(),
        subject: current.subject,
        text_body: current.text,
        html_body: current.html,
        edited: current.edited,
        preview_subject,
        preview_text,
        preview_html,
    })
}

/// Validates and stores an edited template.
pub async fn save(
    state: &AppState,
    kind: &str,
    subject: &str,
    text_body: &str,
    html_body: &str,
    actor_id: &str,
) -> Result<(), AppError> {
    default_template(kind).ok_or(AppError::NotFound)?;
    let (_, variables) = template_info(kind).ok_or(AppError::NotFound)?;
    validate(&variables, subject, text_body, html_body)?;
    let template = MailTemplate {
        kind: kind.to_owned(),
        subject: subject.trim().to_owned(),
        text: text_body.to_owned(),
        html: html_body.to_owned(),
        edited: true,
    };
    state
        .store
        .save_email_template(&template, state.by(actor_id))
        .await?;
    Ok(())
}

/// Queues the template, filled with sample values, to `to`.
pub async fn send_test(state: &AppState, kind: &str, to: &str) -> Result<(), AppError> {
    let default = default_template(kind).ok_or(AppError::NotFound)?;
    let current = load(state, default).await?;
    let (subject, text, html) = preview(state, &current);
    let email = NewEmail {
        kind: format!("test:{kind}"),
        to_address: to.to_owned(),
        subject: format!("[Test] {subject}"),
        html_body: html,
        text_body: text,
        related_token_id: None,
        link_secret: None,
    };
    state.store.queue_email(&email, state.clock.now()).await?;
    Ok(())
}
