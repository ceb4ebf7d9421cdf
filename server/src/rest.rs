//! The admin REST API (SPEC §11) at `/api/v1`: JSON over the same backend functions the admin
//! pages' server functions call, so one rule answers both doors. This module is the HTTP side
//! only: reading the request (an API token, a JSON body, query parameters), the per-token rate
//! limit, and answering RFC 9457 problem details; `rest/*.rs` hold one resource each.
//!
//! The OpenAPI 3.1 document is generated from the handlers and types by utoipa (the maintained
//! crate that derives the document from the code, so it cannot drift from it) and served at
//! `/api/v1/openapi.json`; `docs/openapi.json` is a copy that a test keeps equal.
//!
//! Requests carry their token in `Authorization: Bearer`, never a cookie: that is why a request
//! without a `Cookie` header may skip the CSRF guard (see `middleware::csrf_guard`).

mod access;
mod admins;
mod approvals;
mod audit;
mod catalog;
mod groups;
mod invite_codes;
mod outbox;
mod users;

use app::backend::AppState;
use app::backend::api_tokens::{ApiCaller, authenticate};
use app::error::AppError;
use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{IntoResponses, OpenApi};

/// Requests one token may make per minute, counted per instance (each instance counts its own).
pub const DEFAULT_RATE_PER_MINUTE: u32 = 600;
/// The most rows one list answers.
pub const MAX_LIMIT: i64 = 200;

/// The REST API's state: the app's, and the tokens' request counts.
#[derive(Clone)]
pub struct RestState {
    pub app: AppState,
    limiter: Arc<Limiter>,
}

/// Fixed one-minute windows per token, in memory.
struct Limiter {
    per_minute: u32,
    windows: Mutex<HashMap<String, (i64, u32)>>,
}

impl Limiter {
    /// Counts a request of `token_id` at `now`; the seconds to wait when over the limit.
    fn hit(&self, token_id: &str, now: i64) -> Result<(), u64> {
        let window = now - now.rem_euclid(60_000);
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() > 10_000 {
            windows.retain(|_, (start, _)| *start == window);
        }
        let entry = windows.entry(token_id.to_owned()).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        if entry.1 >= self.per_minute {
            return Err(((window + 60_000 - now) / 1000).max(1) as u64);
        }
        entry.1 += 1;
        Ok(())
    }
}

pub use catalog::is_documentation_path;

/// The `/api/v1` routes.
pub fn router(app: AppState, per_minute: u32) -> Router {
    let state = RestState {
        app,
        limiter: Arc::new(Limiter {
            per_minute,
            windows: Mutex::default(),
        }),
    };
    Router::new()
        .route("/api/v1/openapi.json", axum::routing::get(openapi_json))
        .merge(users::routes())
        .merge(groups::routes())
        .merge(invite_codes::routes())
        .merge(approvals::routes())
        .merge(catalog::routes())
        .merge(access::routes())
        .merge(audit::routes())
        .merge(admins::routes())
        .merge(outbox::routes())
        .route("/api/v1/{*rest}", axum::routing::any(not_found))
        .with_state(state)
}

async fn not_found() -> Problem {
    AppError::NotFound.into()
}

async fn openapi_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        document_text(),
    )
        .into_response()
}

/// The OpenAPI document as served (and as `docs/openapi.json` holds it).
pub fn document_text() -> String {
    let mut document = ApiDoc::openapi();
    document.merge(users::UsersApi::openapi());
    document.merge(groups::GroupsApi::openapi());
    document.merge(invite_codes::InviteCodesApi::openapi());
    document.merge(approvals::ApprovalsApi::openapi());
    document.merge(catalog::CatalogApi::openapi());
    document.merge(access::AccessApi::openapi());
    document.merge(audit::AuditApi::openapi());
    document.merge(admins::AdminsApi::openapi());
    document.merge(outbox::OutboxApi::openapi());
    let mut document = serde_json::to_value(&document).unwrap_or_default();
    link(
        &mut document,
        ("/api/v1/users", "post", "201"),
        "$response.body#/id",
        &[
            "getUser",
            "updateUser",
            "deleteUser",
            "activateUser",
            "deactivateUser",
            "sendInvitation",
            "revokeInvitation",
            "sendPasswordReset",
        ],
    );
    link(
        &mut document,
        ("/api/v1/organizations", "post", "201"),
        "$response.body#/id",
        &[
            "getOrganization",
            "renameOrganization",
            "deleteOrganization",
        ],
    );
    link(
        &mut document,
        ("/api/v1/teams", "post", "201"),
        "$response.body#/id",
        &["getTeam", "renameTeam", "deleteTeam"],
    );
    link(
        &mut document,
        ("/api/v1/invite-codes", "post", "201"),
        "$response.body#/id",
        &["getInviteCode", "updateInviteCode", "deleteInviteCode"],
    );
    link(
        &mut document,
        ("/api/v1/admins", "post", "201"),
        "$response.body#/id",
        &["getAdmin", "updateAdmin", "activateAdmin", "inviteAdmin"],
    );
    link(
        &mut document,
        ("/api/v1/products", "post", "201"),
        "$response.body#/id",
        &[
            "getProduct",
            "updateProduct",
            "deleteProduct",
            "uploadDocumentation",
            "removeDocumentation",
        ],
    );
    link(
        &mut document,
        ("/api/v1/plans", "post", "201"),
        "$response.body#/id",
        &["getPlan", "updatePlan", "deletePlan"],
    );
    link(
        &mut document,
        ("/api/v1/catalogs", "post", "201"),
        "$response.body#/id",
        &["getCatalog", "updateCatalog", "deleteCatalog"],
    );
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}

/// Adds OpenAPI links from the response `(path, method, status)` to the operations that take its
/// `id` from `id_at`: what a client (and schemathesis' stateful phase) follows from one answer to
/// the next call. Written into the JSON: utoipa 5.5's `Link` serializes `operation_id` in snake
/// case, which OpenAPI does not read.
fn link(
    document: &mut serde_json::Value,
    (path, method, status): (&str, &str, &str),
    id_at: &str,
    operations: &[&str],
) {
    if let Some(response) = document
        .pointer_mut(&format!(
            "/paths/{}/{method}/responses/{status}",
            path.replace('/', "~1")
        ))
        .and_then(serde_json::Value::as_object_mut)
    {
        let links: serde_json::Map<String, serde_json::Value> = operations
            .iter()
            .map(|operation| {
                (
                    (*operation).to_owned(),
                    serde_json::json!({ "operationId": operation, "parameters": { "id": id_at } }),
                )
            })
            .collect();
        response.insert("links".to_owned(), links.into());
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Portico admin API",
        version = "1",
        description = "Every admin action of Portico's admin app over JSON (SPEC §11). \
            Authenticate with an API token from Settings > API tokens: \
            `Authorization: Bearer pta_…`. A token acts as the admin who added it, never with \
            more power; a \"Read only\" token may only read. Errors are RFC 9457 problem details. \
            Lists take `limit` (at most 200) and an opaque `cursor`."
    ),
    modifiers(&BearerAuth),
    security(("token" = [])),
    tags(
        (name = "users", description = "API consumers: the users menu"),
        (name = "organizations", description = "Organizations (each with its default team)"),
        (name = "teams", description = "Teams and their members"),
        (name = "invite codes", description = "Codes that let people register into a team"),
        (name = "approvals", description = "Self-registrations and organization requests waiting for an admin"),
        (name = "catalog", description = "API products (and their documentation), plans and catalogs"),
        (name = "access", description = "Apps, their access requests, and their credentials (API keys)"),
        (name = "audit log", description = "Who changed what, when, and with which API token"),
        (name = "admins", description = "Settings > Admins: the API provider's admins"),
        (name = "outbox", description = "Every email Portico composed, and its delivery")
    )
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token (Settings > API tokens)."))
                    .build(),
            ),
        );
    }
}

/// The caller of an operation: a live token (401 otherwise) within its rate (429 otherwise).
pub struct Caller(pub ApiCaller);

impl FromRequestParts<RestState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &RestState) -> Result<Self, Problem> {
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim());
        let caller = authenticate(&state.app, secret).await?;
        if let Err(wait) = state.limiter.hit(&caller.token_id, state.app.clock.now()) {
            let mut problem = Problem::from(AppError::RateLimited);
            problem.retry_after = Some(wait);
            return Err(problem);
        }
        Ok(Caller(caller))
    }
}

/// A JSON body; one that cannot be read is a 400 problem, not axum's plain text.
pub struct Body<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send> FromRequest<RestState> for Body<T> {
    type Rejection = Problem;

    async fn from_request(request: Request, state: &RestState) -> Result<Self, Problem> {
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|rejection| bad_request(rejection.body_text()))?;
        if contains_nul(&bytes) {
            return Err(bad_request(NUL.to_owned()));
        }
        match serde_json::from_slice::<T>(&bytes) {
            Ok(value) => Ok(Self(value)),
            Err(error) => Err(bad_request(format!(
                "The body is not this operation's JSON: {error}"
            ))),
        }
    }
}

/// Query parameters; ones that cannot be read are a 400 problem.
pub struct Params<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send> FromRequestParts<RestState> for Params<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &RestState) -> Result<Self, Problem> {
        if parts
            .uri
            .query()
            .is_some_and(|q| contains_nul(q.as_bytes()))
        {
            return Err(bad_request(NUL.to_owned()));
        }
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(rejection) => Err(bad_request(rejection.body_text())),
        }
    }
}

/// The `{id}` of a path (one that cannot be read is a 400 problem).
pub struct Id(pub String);

impl FromRequestParts<RestState> for Id {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &RestState) -> Result<Self, Problem> {
        match axum::extract::Path::<String>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(id)) if id.contains('\0') => Err(bad_request(NUL.to_owned())),
            Ok(axum::extract::Path(id)) => Ok(Self(id)),
            Err(rejection) => Err(bad_request(rejection.body_text())),
        }
    }
}

/// A list's `limit`: 1 to [`MAX_LIMIT`], 50 when absent; otherwise a 400 problem.
pub fn limit(asked: Option<i64>) -> Result<i64, Problem> {
    let limit = asked.unwrap_or(50);
    if (1..=MAX_LIMIT).contains(&limit) {
        Ok(limit)
    } else {
        Err(bad_request(format!(
            "limit must be between 1 and {MAX_LIMIT}."
        )))
    }
}

/// Text never holds a NUL character (Postgres refuses it in `text`, so it would fail deep down).
const NUL: &str = "The request holds a NUL character.";

/// A NUL as JSON writes it (`\u0000`) or as a URL does (`%00`).
fn contains_nul(bytes: &[u8]) -> bool {
    let has = |needle: &[u8]| {
        bytes
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    has(b"\\u0000") || has(b"%00") || bytes.contains(&0)
}

fn bad_request(detail: String) -> Problem {
    AppError::BadRequest { message: detail }.into()
}

/// An RFC 9457 problem detail (`application/problem+json`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status says what kind of problem it is.
    #[serde(rename = "type")]
    #[schema(example = "about:blank")]
    pub kind: &'static str,
    /// The status's phrase.
    #[schema(example = "Unprocessable Entity")]
    pub title: String,
    #[schema(example = 422)]
    pub status: u16,
    /// What went wrong, in words for a person.
    pub detail: String,
    /// For a 422: each field that is not acceptable and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    #[serde(skip)]
    retry_after: Option<u64>,
}

/// One field of a 422.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    /// The field's name in the request.
    pub field: String,
    pub message: String,
}

impl From<AppError> for Problem {
    fn from(error: AppError) -> Self {
        let status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let AppError::Internal { reference } = &error {
            tracing::error!(reference = %reference, "REST API request failed");
        }
        let errors = match &error {
            AppError::Validation { errors, .. } => errors
                .iter()
                .map(|e| FieldProblem {
                    field: e.field.clone(),
                    message: e.message.clone(),
                })
                .collect(),
            _ => Vec::new(),
        };
        Self {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: error.to_string(),
            errors,
            retry_after: None,
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.retry_after;
        let mut response = (status, axum::Json(self)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// The answer of an operation: its value, or a problem.
pub type Answer<T> = Result<T, Problem>;

/// 201 Created with the new thing's `Location` and the thing itself.
pub fn created<T: Serialize>(location: String, body: T) -> Response {
    (
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        axum::Json(body),
    )
        .into_response()
}

/// The paging of a list without filters of its own.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Rows to answer, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page; absent for the first.
    pub cursor: Option<String>,
}

/// 204 No Content: what a change that answers nothing says.
pub fn done() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// A page of a list the store answers whole (each such list is capped, see the operation): the
/// rows sorted by `key`, the `limit` after the key the cursor carries (the last row's of the
/// previous page), and the cursor of the next page. A row removed between two pages (one just
/// approved, say) moves nothing. A cursor Portico did not make is a 400.
pub fn page_of<T, K>(
    mut rows: Vec<T>,
    key: impl Fn(&T) -> K,
    cursor: Option<&str>,
    limit: i64,
) -> Result<(Vec<T>, Option<String>), Problem>
where
    K: Ord + Serialize + serde::de::DeserializeOwned,
{
    rows.sort_by_cached_key(|row| key(row));
    let start = match cursor.filter(|c| !c.is_empty()) {
        None => 0,
        Some(text) => {
            let after: K = match app::domain::cursor::decode(text).as_deref() {
                Some([json]) => {
                    serde_json::from_str(json).map_err(|_| bad_request(BAD_CURSOR.to_owned()))?
                }
                _ => return Err(bad_request(BAD_CURSOR.to_owned())),
            };
            rows.partition_point(|row| key(row) <= after)
        }
    };
    let limit = usize::try_from(limit).unwrap_or(0);
    let more = rows.len() > start + limit;
    let page: Vec<T> = rows.into_iter().skip(start).take(limit).collect();
    let next = more
        .then(|| page.last())
        .flatten()
        .and_then(|last| serde_json::to_string(&key(last)).ok())
        .map(|json| app::domain::cursor::encode(&[json]));
    Ok((page, next))
}

const BAD_CURSOR: &str = "The cursor is not one this list gave.";

/// The errors every operation may answer: a request that cannot be read, no live token, too many
/// requests.
pub struct Reads;

/// What every change may answer besides [`Reads`]: a read-only token.
pub struct Writes;

/// No such thing (or none this admin may see).
pub struct Missing;

/// A field that is not acceptable, each named in `errors`.
pub struct Invalid;

fn problems(list: &[(&str, &str)]) -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
    list.iter()
        .map(|(status, description)| {
            let content = ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build();
            let response = ResponseBuilder::new()
                .description(*description)
                .content("application/problem+json", content)
                .build();
            ((*status).to_owned(), RefOr::T(response))
        })
        .collect()
}

const READ_PROBLEMS: [(&str, &str); 3] = [
    (
        "400",
        "A parameter, the id, the cursor or the body cannot be read.",
    ),
    ("401", "No live API token."),
    (
        "429",
        "Too many requests with this token (see `Retry-After`).",
    ),
];

impl IntoResponses for Reads {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        problems(&READ_PROBLEMS)
    }
}

impl IntoResponses for Writes {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        let mut all = problems(&READ_PROBLEMS);
        all.extend(problems(&[(
            "403",
            "A read-only token, or a change the token's admin may not make (a provider admin's \
             token on a super admin).",
        )]));
        all
    }
}

impl IntoResponses for Missing {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        problems(&[("404", "Nothing with this id.")])
    }
}

impl IntoResponses for Invalid {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        problems(&[(
            "422",
            "A field is not acceptable: `errors` names each and says why.",
        )])
    }
}

#[cfg(test)]
mod tests {
    use super::page_of;

    /// Every page of `rows` by `limit`, with `between` run on the rows before each next page.
    fn walk(
        mut rows: Vec<(i64, String)>,
        limit: i64,
        mut between: impl FnMut(&mut Vec<(i64, String)>, &[(i64, String)]),
    ) -> Vec<(i64, String)> {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let key = |r: &(i64, String)| r.clone();
            let (page, next) =
                page_of(rows.clone(), key, cursor.as_deref(), limit).expect("a page");
            between(&mut rows, &page);
            seen.extend(page);
            match next {
                Some(next) => cursor = Some(next),
                None => return seen,
            }
        }
    }

    fn rows(n: i64) -> Vec<(i64, String)> {
        (0..n).rev().map(|i| (i % 7, format!("id{i:03}"))).collect()
    }

    #[test]
    fn pages_hold_every_row_once_in_key_order_whatever_the_page_size() {
        let mut sorted = rows(50);
        sorted.sort();
        for limit in [1, 3, 7, 50, 200] {
            assert_eq!(walk(rows(50), limit, |_, _| {}), sorted, "by {limit}");
        }
    }

    #[test]
    fn a_row_removed_between_pages_moves_nothing_else() {
        let mut sorted = rows(20);
        sorted.sort();
        // The last row of each page is decided (gone) before the next page is asked for.
        let seen = walk(rows(20), 4, |rows, page| {
            if let Some(last) = page.last() {
                rows.retain(|r| r != last);
            }
        });
        assert_eq!(seen, sorted);
    }

    #[test]
    fn a_cursor_portico_did_not_make_is_a_bad_request() {
        for cursor in ["nonsense", "WyJnb25lIl0", &app::domain::cursor::encode(&[])] {
            let answer = page_of(rows(3), |r| r.clone(), Some(cursor), 2);
            assert_eq!(answer.err().map(|p| p.status), Some(400), "{cursor}");
        }
    }
}
