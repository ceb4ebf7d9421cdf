//! The fields a person form shares: "Add user", "Edit user" and "Add new admin user" ask for the
//! same names and email with the same checks, and the two consumer forms for the same
//! organization, teams and role.

use super::FieldError;
use crate::domain::Role;
use crate::domain::user::{Choice, TeamChoice};
use crate::domain::{Email, Password, PersonName};
use crate::error::AppError;
use leptos::prelude::*;

/// A form's field messages: the browser's own check of a field as soon as it changes (with the
/// parsers the server uses), else the server's last answer.
#[derive(Clone, Copy)]
pub struct FieldChecks {
    server: Signal<Option<AppError>>,
    local: RwSignal<Vec<(String, String)>>,
}

impl FieldChecks {
    pub fn new(server: Signal<Option<AppError>>) -> Self {
        Self {
            server,
            local: RwSignal::new(Vec::new()),
        }
    }

    /// The message to show under `field`.
    pub fn error(self, field: &'static str) -> Signal<Option<AppError>> {
        Signal::derive(move || {
            self.local
                .get()
                .into_iter()
                .find(|(f, _)| f == field)
                .map(|(f, m)| AppError::validation(&f, m))
                .or_else(|| self.server.get())
        })
    }

    /// What the last refused post sent for `field`, if it was refused.
    pub fn echoed(self, field: &str) -> Option<String> {
        self.server.get().and_then(|e| e.echoed(field))
    }

    fn invalid(self, field: &'static str) -> impl Fn() -> String {
        move || {
            let message = self.error(field).get().and_then(|e| e.field_message(field));
            message.is_some().to_string()
        }
    }

    fn on_change(self, field: &'static str) -> impl Fn(leptos::ev::Event) {
        move |ev| {
            let value = event_target_value(&ev);
            self.local.update(|errors| {
                errors.retain(|(f, _)| f != field);
                if let Some(message) = check_field(field, &value) {
                    errors.push((field.to_owned(), message));
                }
            });
        }
    }
}

/// The browser-side check of one field, with the same domain parsers the server uses.
fn check_field(field: &str, value: &str) -> Option<String> {
    match field {
        "first_name" | "last_name" => PersonName::parse(value).err().map(|e| e.to_string()),
        "email" => Email::parse(value).err().map(|e| e.to_string()),
        "password" if !value.is_empty() => Password::parse(value, "").err().map(|e| e.to_string()),
        _ => None,
    }
}

/// One checked text field `form[<field>]`, showing what a refused post sent, else `stored`.
#[component]
fn CheckedInput(
    checks: FieldChecks,
    field: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    stored: String,
    #[prop(optional)] autofocus: bool,
) -> impl IntoView {
    view! {
        <label>{label}
            <input name=format!("form[{field}]") type=kind autocomplete="off" autofocus=autofocus
                value=move || checks.echoed(field).unwrap_or_else(|| stored.clone())
                aria-invalid=checks.invalid(field) aria-describedby=format!("{field}-error")
                on:change=checks.on_change(field)/>
        </label>
        <FieldError error=checks.error(field) field/>
    }
}

/// A person's current names and email, for a form that edits them.
#[derive(Clone, Default)]
pub struct StoredPerson {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

/// "First name", "Last name" and "Email", each checked as it changes.
#[component]
pub fn PersonFields(
    checks: FieldChecks,
    /// The values before any change (empty for a new person).
    #[prop(optional)]
    stored: StoredPerson,
    /// Focus "First name" when the form opens.
    #[prop(optional)]
    autofocus: bool,
) -> impl IntoView {
    view! {
        <CheckedInput checks field="first_name" label="First name" stored=stored.first_name autofocus/>
        <CheckedInput checks field="last_name" label="Last name" stored=stored.last_name/>
        <CheckedInput checks field="email" label="Email" kind="email" stored=stored.email/>
    }
}

/// "Set password" (optional: without one the person is invited) and "User must change
/// password at the next login", for a form that creates an account.
#[component]
pub fn InitialPassword(checks: FieldChecks, hint: &'static str) -> impl IntoView {
    view! {
        <label>"Set password"
            <input name="form[password]" type="password" autocomplete="new-password"
                aria-describedby="password-hint password-error" on:change=checks.on_change("password")/>
        </label>
        <p class="hint" id="password-hint">{hint}</p>
        <FieldError error=checks.error("password") field="password"/>
        <label class="check">
            <input type="checkbox" name="form[must_change_password]"/>
            "User must change password at the next login"
        </label>
        <FieldError error=checks.error("must_change_password") field="must_change_password"/>
    }
}

/// A consumer's organization, the teams of the chosen one, and role. After a refused post they
/// show what was sent, else the stored organization, `member_of` and `role`. `prefix` makes the
/// ids of the form's selects unique on the page.
#[component]
pub fn ConsumerPlacement(
    checks: FieldChecks,
    prefix: &'static str,
    organizations: Vec<Choice>,
    teams: Vec<TeamChoice>,
    organization_id: String,
    member_of: Vec<String>,
    role: Role,
    teams_hint: &'static str,
) -> impl IntoView {
    // Read once: the selects keep what the person picks after that.
    let echoed = |field| checks.echoed(field).filter(|v: &String| !v.is_empty());
    let org = RwSignal::new(echoed("organization_id").unwrap_or(organization_id));
    let member_of: Vec<String> = match echoed("team_ids") {
        Some(ids) => ids.split(',').map(str::to_owned).collect(),
        None => member_of,
    };
    let consumer_admin = echoed("role").map_or(role == Role::ConsumerAdmin, |r| {
        r == Role::ConsumerAdmin.as_str()
    });
    let teams_of_org = move || {
        let org = org.get();
        let of_org = teams.iter().filter(|t| t.organization_id == org);
        of_org.cloned().collect::<Vec<_>>()
    };
    let (org_id, teams_id, hint_id, role_id) = (
        format!("{prefix}-organization"),
        format!("{prefix}-teams"),
        format!("{prefix}-teams-hint"),
        format!("{prefix}-role"),
    );
    view! {
        <label for=org_id.clone()>"Organization"</label>
        <select id=org_id name="form[organization_id]" on:change=move |ev| org.set(event_target_value(&ev))>
            {organizations.into_iter().map(|o| {
                let selected = o.id == org.get_untracked();
                view! { <option value=o.id selected=selected>{o.name}</option> }
            }).collect_view()}
        </select>
        <FieldError error=checks.error("organization_id") field="organization_id"/>
        <label for=teams_id.clone()>"Teams"</label>
        <select id=teams_id name="form[team_ids][]" multiple=true aria-describedby=hint_id.clone()>
            {move || teams_of_org().into_iter().map(|t| {
                let selected = member_of.contains(&t.id);
                view! { <option value=t.id selected=selected>{t.name}</option> }
            }).collect_view()}
        </select>
        <p class="hint" id=hint_id>{teams_hint}</p>
        <FieldError error=checks.error("team_ids") field="team_ids"/>
        <label for=role_id.clone()>"Role"</label>
        <select id=role_id name="form[role]">
            <option value="consumer-team-member" selected=!consumer_admin>"Team member"</option>
            <option value="consumer-admin" selected=consumer_admin>"Consumer admin"</option>
        </select>
    }
}
