//! `/api/v1/outbox`: every email Portico composed and its delivery state, as Settings > Email >
//! Outbox lists it, and "Retry". Without bodies: the page may show an admin a live one-time link
//! (an invitation, a password reset) of someone they may act for, and a token that leaked must not
//! turn into an account (ask a reset for the token's admin, read the link here).

use super::{Answer, Caller, Missing, Params, Problem, Reads, RestState, Writes, done};
use app::backend::outbox;
use app::domain::outbox::OutboxMessage;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<RestState> {
    Router::new()
        .route("/api/v1/outbox", get(list))
        .route("/api/v1/outbox/{id}/retry", post(retry))
}

#[derive(OpenApi)]
#[openapi(paths(list, retry))]
pub struct OutboxApi;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// Messages to read, newest first, 1 to 200 (default 50); a page holds fewer when some are
    /// not this admin's to see (a provider admin does not see other admins' mail).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// `next_cursor` of the previous page; absent for the first.
    cursor: Option<String>,
}

/// Where an email is in its delivery.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Delivery {
    Queued,
    Sending,
    Sent,
    Failed,
    /// Kept back (a message whose link another admin may not see).
    Held,
}

/// One email.
#[derive(Debug, Serialize, ToSchema)]
pub struct Email {
    id: String,
    /// What it is for: "invitation", "password_reset" …
    kind: String,
    to_address: String,
    subject: String,
    status: Delivery,
    attempts: i64,
    /// Why the last attempt failed.
    last_error: Option<String>,
    /// Milliseconds since the Unix epoch.
    created_at: i64,
    sent_at: Option<i64>,
    next_attempt_at: i64,
}

impl From<OutboxMessage> for Email {
    fn from(m: OutboxMessage) -> Self {
        Self {
            id: m.id,
            kind: m.kind,
            to_address: m.to_address,
            subject: m.subject,
            status: match m.status.as_str() {
                "queued" => Delivery::Queued,
                "sending" => Delivery::Sending,
                "sent" => Delivery::Sent,
                "failed" => Delivery::Failed,
                _ => Delivery::Held,
            },
            attempts: m.attempts,
            last_error: m.last_error,
            created_at: m.created_at,
            sent_at: m.sent_at,
            next_attempt_at: m.next_attempt_at,
        }
    }
}

/// A page of the outbox, the newest emails first.
#[derive(Debug, Serialize, ToSchema)]
pub struct Outbox {
    items: Vec<Email>,
    /// Pass as `cursor` for the next page; `null` on the last.
    next_cursor: Option<String>,
}

/// The newest emails and their delivery.
#[utoipa::path(
    get, path = "/api/v1/outbox", tag = "outbox", operation_id = "listOutbox",
    params(OutboxQuery),
    responses(
        (status = 200, description = "The newest emails.", body = Outbox),
        Reads,
    )
)]
async fn list(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Params(query): Params<OutboxQuery>,
) -> Answer<axum::Json<Outbox>> {
    let limit = super::limit(query.limit)?;
    let cursor = query.cursor.unwrap_or_default();
    let page = outbox::page_after(&state.app, &caller.admin, &cursor, limit).await?;
    Ok(axum::Json(Outbox {
        items: page.items.into_iter().map(Email::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// "Retry": queue a failed email again at once.
#[utoipa::path(
    post, path = "/api/v1/outbox/{id}/retry", tag = "outbox", operation_id = "retryEmail",
    params(("id" = String, Path, description = "The email's id.")),
    responses(
        (status = 204, description = "Queued again."),
        (status = 409, description = "It was already sent.", body = Problem, content_type = "application/problem+json"),
        Writes, Missing,
    )
)]
async fn retry(
    State(state): State<RestState>,
    Caller(caller): Caller,
    super::Id(id): super::Id,
) -> Answer<Response> {
    caller.may_write()?;
    outbox::retry(&state.app, &caller.admin, &id).await?;
    Ok(done())
}
