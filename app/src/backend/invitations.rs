//! Invitations: sending one (token + email in one transaction), accepting it, asking for a new one.

use super::auth::{Request, hash_secret, new_secret, start_session};
use super::db::{Audience, By, InvitationLookup, NewEmail, Reach, StoreError};
use super::limits::{INVITATION_REQUEST, TOKEN_ADDRESS, TOKEN_USE};
use super::mail::{INVITATION, NEW_INVITATION_REQUESTED, compose, load};
use super::{AppState, Millis};
use crate::domain::{Password, format_time};
use crate::error::AppError;

/// The setting "Invitation lifetime", in days.
pub const LIFETIME_SETTING: &str = "invitation_lifetime_days";
const DEFAULT_LIFETIME_DAYS: i64 = 7;

/// The setting "Invitation lifetime" (7 days unless changed).
pub async fn lifetime_days(state: &AppState) -> Result<i64, AppError> {
    Ok(state
        .store
        .setting(LIFETIME_SETTING)
        .await?
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|d| (1..=90).contains(d))
        .unwrap_or(DEFAULT_LIFETIME_DAYS))
}

async fn lifetime_ms(state: &AppState) -> Result<Millis, AppError> {
    Ok(lifetime_days(state).await? * 24 * 60 * 60 * 1000)
}

/// A new invitation before it is stored: the hash of its secret, its expiry, and its email.
pub(crate) struct Prepared {
    pub hash: String,
    pub expires_at: Millis,
    secret: String,
    to: String,
    subject: String,
    text: String,
    html: String,
}

impl Prepared {
    /// The email, tied to the stored link `token_id`.
    pub fn email(self, token_id: &str) -> NewEmail {
        NewEmail {
            kind: "invitation".into(),
            to_address: self.to,
            subject: self.subject,
            html_body: self.html,
            text_body: self.text,
            related_token_id: Some(token_id.to_owned()),
            link_secret: Some(self.secret),
        }
    }
}

/// A new secret and the invitation email for `(first name, last name, email)`.
pub(crate) async fn prepare(
    state: &AppState,
    (first_name, last_name, email): (&str, &str, &str),
) -> Result<Prepared, AppError> {
    let (secret, hash) = new_secret();
    let expires_at = state.clock.now() + lifetime_ms(state).await?;
    let link = state.config.link(&format!("/invite?token={secret}"));
    let expires = format_time(expires_at);
    let vars = [
        ("user.first_name", first_name),
        ("user.last_name", last_name),
        ("user.email", email),
        ("portal_name", state.config.portal_name.as_str()),
        ("invite_url", link.as_str()),
        ("expires_at", expires.as_str()),
    ];
    let template = load(state, &INVITATION).await?;
    let (subject, text, html) = compose(&template, &vars);
    Ok(Prepared {
        hash,
        expires_at,
        secret,
        to: email.to_owned(),
        subject,
        text,
        html,
    })
}

/// Creates a new invitation for `user_id` (revoking any earlier one) and queues its email.
/// `reach` says whom the actor may invite: consumers or admins for an admin, a colleague for a
/// consumer admin.
pub async fn send(
    state: &AppState,
    user_id: &str,
    reach: Reach,
    by: By<'_>,
) -> Result<(), AppError> {
    let audience = match reach {
        Reach::Admin(audience) => audience,
        Reach::Colleague => Audience::Consumers,
    };
    let Some(detail) = state.store.person(user_id, audience).await? else {
        // Out of a consumer admin's reach is refused whether or not the user exists.
        return Err(match reach {
            Reach::Admin(_) => AppError::NotFound,
            Reach::Colleague => AppError::Forbidden,
        });
    };
    let prepared = prepare(
        state,
        (&detail.first_name, &detail.last_name, &detail.email),
    )
    .await?;
    let (hash, expires_at) = (prepared.hash.clone(), prepared.expires_at);
    match state
        .store
        .send_invitation(
            user_id,
            reach,
            &hash,
            expires_at,
            |token_id| prepared.email(token_id),
            by,
        )
        .await
    {
        Ok(()) => Ok(()),
        Err(StoreError::Conflict(message)) => Err(AppError::Conflict {
            message: message.into(),
        }),
        Err(e) => Err(e.into()),
    }
}

/// Consumes the invitation, sets the password, activates the user and signs them in; answers
/// the `Set-Cookie` value of the new session.
pub async fn accept(
    state: &AppState,
    request: &Request,
    token: &str,
    password: &str,
    confirm: &str,
) -> Result<String, AppError> {
    let hash = hash_secret(token);
    TOKEN_ADDRESS.hit(state, &request.address).await?;
    TOKEN_USE.hit(state, &hash).await?;
    let email = match state
        .store
        .invitation_by_token(&hash, state.clock.now())
        .await?
    {
        InvitationLookup::Valid { email, .. } => email,
        other => return Err(dead_link(&other)),
    };
    let password = Password::parse_confirmed(password, confirm, &email, "password")?;
    let password_hash = state.hasher.hash(password.expose()).await?;
    let user_id = match state
        .store
        .accept_invitation(&hash, &password_hash, state.clock.now())
        .await
    {
        Ok(id) => id,
        // Another request used the link a moment earlier.
        Err(StoreError::NotFound) => {
            let now_state = state
                .store
                .invitation_by_token(&hash, state.clock.now())
                .await?;
            return Err(dead_link(&now_state));
        }
        Err(e) => return Err(e.into()),
    };
    start_session(state, request, &user_id).await
}

fn dead_link(lookup: &InvitationLookup) -> AppError {
    let message = match lookup {
        InvitationLookup::Expired => "This invitation has expired.",
        InvitationLookup::Used => "This invitation was already used. Log in instead.",
        InvitationLookup::Revoked => "This invitation was withdrawn.",
        InvitationLookup::Unknown | InvitationLookup::Valid { .. } => {
            "This invitation link is not valid."
        }
    };
    AppError::Conflict {
        message: message.into(),
    }
}

/// Emails the admins on behalf of whoever holds `token`, if it ever was an invitation; the
/// caller always gets the same answer.
pub async fn request_new(state: &AppState, request: &Request, token: &str) -> Result<(), AppError> {
    TOKEN_ADDRESS.hit(state, &request.address).await?;
    let hash = hash_secret(token);
    // A few requests a day per link; past that the answer is the same and nothing is sent.
    if !INVITATION_REQUEST.hit_within(state, &hash).await? {
        return Ok(());
    }
    let Some(user) = state.store.invitation_owner(&hash).await? else {
        return Ok(());
    };
    let user_url = state.config.link(&format!("/admin/users/{}", user.id));
    let vars = [
        ("user.first_name", user.first_name.as_str()),
        ("user.last_name", user.last_name.as_str()),
        ("user.email", user.email.as_str()),
        ("portal_name", state.config.portal_name.as_str()),
        ("user_url", user_url.as_str()),
    ];
    let template = load(state, &NEW_INVITATION_REQUESTED).await?;
    let (subject, text, html) = compose(&template, &vars);
    let notice = NewEmail {
        kind: "invitation_requested".into(),
        to_address: String::new(),
        subject,
        html_body: html,
        text_body: text,
        related_token_id: None,
        link_secret: None,
    };
    state
        .store
        .notify_admins(&user.id, "invitation.requested", &notice, state.clock.now())
        .await?;
    Ok(())
}
