//! Consumers coming in by themselves: registration (settings, invite codes, approvals), password
//! reset links, and their own password changes. Every answer a stranger gets is the same whether
//! or not the email is registered.

use super::auth::{Request, hash_secret, new_secret, start_session};
use super::db::{
    By, CodeRefusal, NewEmail, NewRegistration, Person, Registered, RegistrationEmails, ResetLookup,
};
use super::limits::{
    REGISTER_ACCOUNT, REGISTER_ADDRESS, RESET_ACCOUNT, RESET_ADDRESS, TOKEN_ADDRESS, TOKEN_USE,
};
use super::mail::{
    ACCOUNT_ACTIVATED, ACCOUNT_DEACTIVATED, EMAIL_CONFIRMATION, MailTemplate, PASSWORD_CHANGED,
    PASSWORD_RESET, REGISTRATION_APPROVED, REGISTRATION_EXISTING, REGISTRATION_PENDING,
    REGISTRATION_RECEIVED, REGISTRATION_REJECTED, WELCOME, compose, load,
};
use super::{AppState, Millis};
use crate::domain::account::{RegistrationForm, RegistrationSettings};
use crate::domain::{Email, Password, format_time};
use crate::error::AppError;

/// Setting "Allow registration": "1" (the default) or "0".
pub const ALLOW_REGISTRATION: &str = "allow_registration";
/// Setting "Auto-approve API consumers registering to the portal": "1" or "0" (the default).
pub const AUTO_APPROVE: &str = "auto_approve_registrations";
/// Setting "Enable API consumers to register organizations": "1" or "0" (the default).
pub const ORGANIZATION_REQUESTS: &str = "organization_requests";
/// Setting "Auto-approve API consumers registering organization": "1" or "0" (the default).
pub const AUTO_APPROVE_ORGANIZATIONS: &str = "auto_approve_organizations";
/// How long a password reset link works.
pub const RESET_LIFETIME_MS: Millis = 60 * 60 * 1000;

/// Where a registration that awaits approval, or whose email is taken, lands: the same page.
pub const REGISTERED_PATH: &str = "/register?submitted=1";
/// Where a forgot-password request lands, whatever the email.
pub const RESET_REQUESTED_PATH: &str = "/forgot-password?sent=1";

/// A new invite code: 128 random bits, base64url (22 characters).
pub fn new_invite_code() -> String {
    use base64::Engine as _;
    use rand::RngCore as _;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// An email to `person` from `template` (its kind names the email), with the person's names, the
/// portal name and `extra`; `link` is the id and the secret of the one-time link it carries.
pub fn email_to(
    state: &AppState,
    template: &MailTemplate,
    person: &Person,
    extra: &[(&str, &str)],
    link: Option<(&str, &str)>,
) -> NewEmail {
    let mut vars = vec![
        ("user.first_name", person.first_name.as_str()),
        ("user.last_name", person.last_name.as_str()),
        ("user.email", person.email.as_str()),
        ("portal_name", state.config.portal_name.as_str()),
    ];
    vars.extend_from_slice(extra);
    let (subject, text, html) = compose(template, &vars);
    NewEmail {
        kind: template.kind.clone(),
        to_address: person.email.clone(),
        subject,
        html_body: html,
        text_body: text,
        related_token_id: link.map(|(id, _)| id.to_owned()),
        link_secret: link.map(|(_, secret)| secret.to_owned()),
    }
}

/// Composes "account activated" or "account deactivated" for whoever an admin (de)activates.
pub async fn status_notice(
    state: &AppState,
    active: bool,
) -> Result<impl FnOnce(&Person) -> NewEmail + '_, AppError> {
    let template = load(
        state,
        if active {
            &ACCOUNT_ACTIVATED
        } else {
            &ACCOUNT_DEACTIVATED
        },
    )
    .await?;
    let login_url = state.config.link("/login");
    Ok(move |person: &Person| {
        email_to(state, &template, person, &[("login_url", &login_url)], None)
    })
}

pub async fn registration_settings(state: &AppState) -> Result<RegistrationSettings, AppError> {
    let defaults = RegistrationSettings::default();
    let flag = |value: Option<String>, default: bool| value.map(|v| v == "1").unwrap_or(default);
    Ok(RegistrationSettings {
        allow_registration: flag(
            state.store.setting(ALLOW_REGISTRATION).await?,
            defaults.allow_registration,
        ),
        auto_approve: flag(
            state.store.setting(AUTO_APPROVE).await?,
            defaults.auto_approve,
        ),
        organization_requests: flag(
            state.store.setting(ORGANIZATION_REQUESTS).await?,
            defaults.organization_requests,
        ),
        auto_approve_organizations: flag(
            state.store.setting(AUTO_APPROVE_ORGANIZATIONS).await?,
            defaults.auto_approve_organizations,
        ),
    })
}

/// How long the link that confirms a registrant's address works.
pub const CONFIRM_LIFETIME_MS: Millis = 24 * 60 * 60 * 1000;
/// Where a confirmed registrant who awaits approval lands.
pub const CONFIRMED_PENDING_PATH: &str = "/confirm-email?confirmed=1";

/// Registers a consumer: the account is created unconfirmed (in an invite code's team, or
/// approved at once with auto-approval) and the link that confirms the address is mailed to it;
/// nothing else happens until that link is used (`confirm_email`). A taken address gets the
/// same answer: its owner is told by email, or, while it was never confirmed, the newest
/// registration replaces the older one. So the answer tells a stranger nothing.
pub async fn register(
    state: &AppState,
    request: &Request,
    form: &RegistrationForm,
) -> Result<(), AppError> {
    REGISTER_ADDRESS.hit(state, &request.address).await?;
    let valid = form.validate()?;
    let settings = registration_settings(state).await?;
    if !settings.allow_registration && valid.invite_code.is_none() {
        return Err(AppError::Conflict {
            message: "Registration is closed. Ask the portal's administrators for an invitation \
                      or an invite code."
                .to_owned(),
        });
    }
    REGISTER_ACCOUNT.hit(state, valid.email.as_str()).await?;
    // Hashed whether or not the email is taken, so both take the same time.
    let password_hash = state.hasher.hash(valid.password.expose()).await?;
    let person = Person {
        first_name: valid.first_name.as_str().to_owned(),
        last_name: valid.last_name.as_str().to_owned(),
        email: valid.email.as_str().to_owned(),
    };
    let (secret, confirm_hash) = new_secret();
    let now = state.clock.now();
    let expires_at = now + CONFIRM_LIFETIME_MS;
    let confirm_url = state.config.link(&format!("/confirm-email?token={secret}"));
    let expires = format_time(expires_at);
    let confirmation = email_to(
        state,
        &load(state, &EMAIL_CONFIRMATION).await?,
        &person,
        &[("confirm_url", &confirm_url), ("expires_at", &expires)],
        None,
    );
    let confirmation = NewEmail {
        link_secret: Some(secret.clone()),
        ..confirmation
    };
    let registration = NewRegistration {
        first_name: &person.first_name,
        last_name: &person.last_name,
        email: &person.email,
        password_hash: &password_hash,
        approved: settings.auto_approve,
        invite_code: valid.invite_code.as_deref(),
        confirm_hash: &confirm_hash,
        confirm_expires_at: expires_at,
    };
    match state
        .store
        .register(&registration, &confirmation, now)
        .await?
    {
        Registered::Created { .. } => {}
        Registered::EmailTaken => {
            if !state
                .store
                .renew_registration(&registration, &confirmation, now)
                .await?
                && let Some(owner) = state.store.account_by_email(&person.email).await?
            {
                let owner = Person {
                    first_name: owner.first_name,
                    last_name: owner.last_name,
                    email: owner.email,
                };
                let reset_url = state.config.link("/forgot-password");
                let notice = email_to(
                    state,
                    &load(state, &REGISTRATION_EXISTING).await?,
                    &owner,
                    &[("reset_url", &reset_url)],
                    None,
                );
                state.store.queue_email(&notice, now).await?;
            }
        }
        Registered::CodeRefused(refusal) => {
            let message = match refusal {
                CodeRefusal::Unknown => {
                    "This invite code is not valid. Check it, or leave the field empty."
                }
                CodeRefusal::Inactive => "This invite code is no longer active.",
                CodeRefusal::Expired => "This invite code has expired.",
                CodeRefusal::UsedUp => "This invite code has been used as often as it may be.",
            };
            return Err(form.echo(AppError::validation("invite_code", message)));
        }
    }
    Ok(())
}

/// The plain words for a confirmation link that cannot be used.
pub const DEAD_CONFIRMATION: &str = "This confirmation link is no longer valid: it was used, \
     replaced by a newer one, or it expired. Sign in if you confirmed already, or register again \
     to get a new link.";

/// The address a confirmation link would confirm, if it is live; opening it consumes nothing.
pub async fn confirmation_email(state: &AppState, token: &str) -> Result<Option<String>, AppError> {
    let hash = hash_secret(token);
    Ok(state
        .store
        .confirmation_owner(&hash, state.clock.now())
        .await?
        .map(|(_, email, _)| email))
}

/// Confirms a registrant's address with the link mailed to it and the password they chose (so
/// the link alone is not enough, and an older registration of the address cannot be confirmed
/// with the newest link). Then: signed in and welcomed when approved, or told that an admin will
/// decide (the admins are notified now, not before).
pub async fn confirm_email(
    state: &AppState,
    request: &Request,
    token: &str,
    password: &str,
) -> Result<EmailConfirmed, AppError> {
    let hash = hash_secret(token);
    TOKEN_ADDRESS.hit(state, &request.address).await?;
    TOKEN_USE.hit(state, &hash).await?;
    let owner = state
        .store
        .confirmation_owner(&hash, state.clock.now())
        .await?;
    let stored = owner.as_ref().and_then(|(_, _, h)| h.as_deref());
    let password_ok = state.hasher.verify(password, stored).await?;
    let Some((user_id, _, _)) = owner else {
        return Err(AppError::Conflict {
            message: DEAD_CONFIRMATION.to_owned(),
        });
    };
    if !password_ok {
        return Err(AppError::validation(
            "password",
            "This is not the password you registered with.",
        ));
    }
    let person = state
        .store
        .person(&user_id, super::db::Audience::Consumers)
        .await?
        .ok_or(AppError::NotFound)?;
    let login_url = state.config.link("/login");
    let approvals_url = state.config.link("/admin/approvals");
    let emails = RegistrationEmails {
        welcome: email_to(
            state,
            &load(state, &WELCOME).await?,
            &person,
            &[("login_url", &login_url)],
            None,
        ),
        received: email_to(
            state,
            &load(state, &REGISTRATION_RECEIVED).await?,
            &person,
            &[],
            None,
        ),
        to_admins: email_to(
            state,
            &load(state, &REGISTRATION_PENDING).await?,
            &person,
            &[("approvals_url", &approvals_url)],
            None,
        ),
    };
    let confirmed = match state
        .store
        .confirm_email(&hash, emails, state.clock.now())
        .await
    {
        Ok(confirmed) => confirmed,
        Err(super::db::StoreError::NotFound) => {
            return Err(AppError::Conflict {
                message: DEAD_CONFIRMATION.to_owned(),
            });
        }
        Err(e) => return Err(e.into()),
    };
    Ok(if confirmed.approved {
        EmailConfirmed::SignedIn {
            session_cookie: start_session(state, request, &confirmed.user_id).await?,
        }
    } else {
        EmailConfirmed::AwaitingApproval
    })
}

/// What confirming an address came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailConfirmed {
    /// Usable at once: signed in with this `Set-Cookie`; on to `/account?welcome=1`.
    SignedIn { session_cookie: String },
    /// An admin decides now: on to `CONFIRMED_PENDING_PATH`.
    AwaitingApproval,
}

/// Pending registrants, then declined ones (at most 500).
pub async fn registrants(
    state: &AppState,
) -> Result<Vec<crate::domain::account::Registrant>, AppError> {
    Ok(state.store.registrants().await?)
}

/// A page of `limit` registrants (waiting first, then declined, each oldest first) after
/// `cursor` (empty: the first page).
pub async fn registrant_page(
    state: &AppState,
    cursor: &str,
    limit: i64,
) -> Result<super::paging::Page<crate::domain::account::Registrant>, AppError> {
    let after = super::paging::after(cursor, 3)?;
    let rows = state
        .store
        .registrant_page(after.as_deref(), limit + 1)
        .await?;
    Ok(super::paging::page(rows, limit))
}

/// Approves or declines a registrant and emails them.
pub async fn decide(
    state: &AppState,
    user_id: &str,
    approve: bool,
    by: By<'_>,
) -> Result<(), AppError> {
    let login_url = state.config.link("/login");
    let template = load(
        state,
        if approve {
            &REGISTRATION_APPROVED
        } else {
            &REGISTRATION_REJECTED
        },
    )
    .await?;
    let compose_email =
        |person: &Person| email_to(state, &template, person, &[("login_url", &login_url)], None);
    state
        .store
        .decide_registration(user_id, approve, compose_email, by)
        .await?;
    Ok(())
}

/// "Forgot password?": the answer (a redirect to the same page) comes before any lookup, and the
/// link is issued in the background, so neither the answer nor its timing says whether the email
/// is registered. More than a few requests for one email in an hour send nothing more.
pub async fn request_reset(
    state: &AppState,
    request: &Request,
    email: &str,
) -> Result<(), AppError> {
    RESET_ADDRESS.hit(state, &request.address).await?;
    let email = Email::parse(email).map_err(|e| AppError::validation("email", e.to_string()))?;
    let state = state.clone();
    let email = email.as_str().to_owned();
    tokio::spawn(async move {
        let sent = match RESET_ACCOUNT.hit_within(&state, &email).await {
            Ok(true) => issue_reset(&state, &email, By::system(state.clock.now()))
                .await
                .map(|_| ()),
            Ok(false) => {
                tracing::info!("password reset throttled for one account");
                Ok(())
            }
            Err(e) => Err(e),
        };
        if let Err(e) = sent {
            tracing::error!(error = %e, "issuing a password reset link failed");
        }
    });
    Ok(())
}

/// Mails a new reset link (the older one stops working); false when no account that can sign in
/// has this email.
pub async fn issue_reset(state: &AppState, email: &str, by: By<'_>) -> Result<bool, AppError> {
    let (secret, hash) = new_secret();
    let now = state.clock.now();
    let expires_at = now + RESET_LIFETIME_MS;
    let reset_url = state
        .config
        .link(&format!("/reset-password?token={secret}"));
    let expires = format_time(expires_at);
    let template = load(state, &PASSWORD_RESET).await?;
    Ok(state
        .store
        .issue_password_reset(
            email,
            &hash,
            expires_at,
            |person, token_id| {
                email_to(
                    state,
                    &template,
                    person,
                    &[("reset_url", &reset_url), ("expires_at", &expires)],
                    Some((token_id, &secret)),
                )
            },
            by,
        )
        .await?)
}

/// The plain words for a reset link that cannot be used.
pub fn dead_reset_link(lookup: &ResetLookup) -> &'static str {
    match lookup {
        ResetLookup::Expired => "This password reset link has expired. Ask for a new one.",
        ResetLookup::Used => "This password reset link was already used. Ask for a new one.",
        ResetLookup::Replaced => {
            "This password reset link was replaced by a newer one. Use the newest email, or ask \
             for a new link."
        }
        ResetLookup::Unknown | ResetLookup::Valid { .. } => {
            "This password reset link is not valid. Ask for a new one."
        }
    }
}

/// Sets a new password from a reset link: the link is used up, every session of the account
/// ends (this browser's too) and "password changed" is mailed; then on to `/login`. Answers the
/// `Set-Cookie` value that clears this browser's session.
pub async fn reset_password(
    state: &AppState,
    request: &Request,
    token: &str,
    new_password: &str,
    confirm: &str,
) -> Result<String, AppError> {
    let hash = hash_secret(token);
    TOKEN_ADDRESS.hit(state, &request.address).await?;
    TOKEN_USE.hit(state, &hash).await?;
    let now = state.clock.now();
    let email = match state.store.reset_token(&hash, now).await? {
        ResetLookup::Valid { email } => email,
        other => {
            return Err(AppError::Conflict {
                message: dead_reset_link(&other).to_owned(),
            });
        }
    };
    let password = Password::parse_confirmed(new_password, confirm, &email, "new_password")?;
    let password_hash = state.hasher.hash(password.expose()).await?;
    let reset_url = state.config.link("/forgot-password");
    let template = load(state, &PASSWORD_CHANGED).await?;
    let changed =
        |person: &Person| email_to(state, &template, person, &[("reset_url", &reset_url)], None);
    match state
        .store
        .reset_password(&hash, &password_hash, changed, state.clock.now())
        .await
    {
        Ok(_) => {}
        Err(super::db::StoreError::NotFound) => {
            let lookup = state.store.reset_token(&hash, state.clock.now()).await?;
            return Err(AppError::Conflict {
                message: dead_reset_link(&lookup).to_owned(),
            });
        }
        Err(e) => return Err(e.into()),
    }
    super::auth::end_session(state, request).await
}

/// Checks and stores a signed-in user's new password, typed twice (`new_password`,
/// `confirm_new_password`); their other sessions end and "password changed" is mailed.
pub async fn change_password(
    state: &AppState,
    request: &Request,
    (user_id, email): (&str, &str),
    (new_password, confirmation): (&str, &str),
) -> Result<(), AppError> {
    let password = Password::parse_confirmed(new_password, confirmation, email, "new_password")?;
    let password_hash = state.hasher.hash(password.expose()).await?;
    let session = request.session_hash().unwrap_or_default();
    let reset_url = state.config.link("/forgot-password");
    let template = load(state, &PASSWORD_CHANGED).await?;
    state
        .store
        .change_password(
            user_id,
            &password_hash,
            &session,
            |person| email_to(state, &template, person, &[("reset_url", &reset_url)], None),
            state.clock.now(),
        )
        .await?;
    Ok(())
}
