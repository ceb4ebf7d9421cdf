//! Email templates as Settings > Email > Templates shows and edits them, and their validation.

use crate::error::{AppError, FieldMessage};
use serde::{Deserialize, Serialize};

const PERSON: [&str; 4] = [
    "user.first_name",
    "user.last_name",
    "user.email",
    "portal_name",
];

/// Every template: its kind, its name for people, and the variables it may use besides the
/// person's names, email and the portal name.
pub const TEMPLATES: [(&str, &str, &[&str]); 12] = [
    ("invitation", "Invitation", &["invite_url", "expires_at"]),
    (
        "invitation_requested",
        "New invitation requested (to admins)",
        &["user_url"],
    ),
    ("welcome", "Welcome", &["login_url"]),
    ("registration_received", "Registration received", &[]),
    (
        "registration_existing",
        "Registration with a taken email",
        &["reset_url"],
    ),
    (
        "registration_pending",
        "Registration pending (to admins)",
        &["approvals_url"],
    ),
    (
        "registration_approved",
        "Registration approved",
        &["login_url"],
    ),
    (
        "registration_rejected",
        "Registration declined",
        &["login_url"],
    ),
    (
        "password_reset",
        "Password reset",
        &["reset_url", "expires_at"],
    ),
    ("password_changed", "Password changed", &["reset_url"]),
    ("account_activated", "Account activated", &["login_url"]),
    ("account_deactivated", "Account deactivated", &[]),
];

/// The name and variables of a template kind.
pub fn template_info(kind: &str) -> Option<(&'static str, Vec<&'static str>)> {
    TEMPLATES
        .iter()
        .find(|(k, ..)| *k == kind)
        .map(|(_, name, extra)| {
            let mut vars = PERSON.to_vec();
            vars.extend_from_slice(extra);
            (*name, vars)
        })
}

/// One line of the templates list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateSummary {
    pub kind: String,
    pub name: String,
    pub edited: bool,
}

/// A template being edited, with a preview rendered from sample values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateView {
    pub kind: String,
    pub name: String,
    pub variables: Vec<String>,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub edited: bool,
    pub preview_subject: String,
    pub preview_text: String,
    pub preview_html: String,
}

pub const MAX_SUBJECT_CHARS: usize = 200;
pub const MAX_BODY_CHARS: usize = 20_000;

/// Checks an edited template: a one-line subject, bodies within bounds, and only `{{ name }}`s
/// the template knows (a misspelt variable would otherwise vanish from every email).
pub fn validate(
    variables: &[&str],
    subject: &str,
    text_body: &str,
    html_body: &str,
) -> Result<(), AppError> {
    let mut errors = Vec::new();
    let mut note = |field: &str, message: String| {
        errors.push(FieldMessage {
            field: field.to_owned(),
            message,
        })
    };
    let subject_trimmed = subject.trim();
    if subject_trimmed.is_empty() {
        note("subject", "Enter a subject.".to_owned());
    } else if subject_trimmed.chars().count() > MAX_SUBJECT_CHARS {
        note("subject", "Use at most 200 characters.".to_owned());
    } else if subject_trimmed.contains(['\r', '\n']) {
        note("subject", "Keep the subject on one line.".to_owned());
    }
    for (field, body) in [("text_body", text_body), ("html_body", html_body)] {
        if body.trim().is_empty() {
            note(field, "This field is required.".to_owned());
        } else if body.chars().count() > MAX_BODY_CHARS {
            note(field, "Use at most 20,000 characters.".to_owned());
        }
    }
    for (field, text) in [
        ("subject", subject),
        ("text_body", text_body),
        ("html_body", html_body),
    ] {
        if let Some(unknown) = unknown_variable(variables, text) {
            note(
                field,
                format!(
                    "Unknown variable {{{{ {unknown} }}}}. Use: {}.",
                    variables.join(", ")
                ),
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation {
            errors,
            values: vec![
                ("subject".into(), subject.to_owned()),
                ("text_body".into(), text_body.to_owned()),
                ("html_body".into(), html_body.to_owned()),
            ],
        })
    }
}

fn unknown_variable(variables: &[&str], text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let end = rest[start..].find("}}")?;
        let name = rest[start + 2..start + end].trim();
        if !variables.contains(&name) {
            return Some(name.to_owned());
        }
        rest = &rest[start + end + 2..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_knows_the_person_and_its_own_variables() {
        let (name, vars) = template_info("password_reset").expect("known");
        assert_eq!(name, "Password reset");
        assert!(vars.contains(&"user.first_name") && vars.contains(&"reset_url"));
        assert!(template_info("nope").is_none());
    }

    #[test]
    fn a_misspelt_variable_a_long_subject_and_an_empty_body_are_refused() {
        let (_, vars) = template_info("welcome").expect("known");
        assert!(
            validate(
                &vars,
                "Hi {{ user.first_name }}",
                "Go {{login_url}}",
                "<p>x</p>"
            )
            .is_ok()
        );
        let err = validate(&vars, "Hi {{ user.firstname }}", "", "<p>x</p>").expect_err("bad");
        assert!(
            err.field_message("subject")
                .expect("subject")
                .contains("user.firstname")
        );
        assert!(err.field_message("text_body").is_some());
        let long = "x".repeat(201);
        assert!(
            validate(&vars, &long, "a", "b")
                .expect_err("long")
                .field_message("subject")
                .is_some()
        );
        assert!(validate(&vars, "a\nb", "a", "b").is_err());
    }
}
