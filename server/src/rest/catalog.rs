//! `/api/v1/products`, `/api/v1/plans` and `/api/v1/catalogs` (SPEC §9): what the API products,
//! Plans and Catalogs pages list, add, edit and delete, and a product's documentation uploaded
//! (the OpenAPI document as the request body) or removed. Each operation fills the pages' form
//! and calls `app::backend::catalog` or `app::backend::documentation`, so the same checks answer
//! with the same field names.

use super::{
    Answer, Body, Caller, Id, Invalid, Missing, Params, Problem, Reads, RestState, Writes, done,
};
use app::backend::{catalog, documentation};
use app::domain::catalog::{
    Catalog, CatalogForm, CatalogRow, Named, PlanForm, PlanRow, ProductForm, ProductRow,
    QuotaPeriod, Visibility,
};
use app::domain::documentation::{DOCUMENT_FIELD, MAX_DOCUMENT_BYTES};
use app::error::AppError;
use axum::Router;
use axum::extract::{FromRequest, Request, State};
use axum::response::Response;
use axum::routing::{get, put};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

/// The documentation route's path, which the body-limit middleware gives the upload's limit.
pub fn is_documentation_path(path: &str) -> bool {
    path.starts_with("/api/v1/products/") && path.ends_with("/documentation")
}

pub fn routes() -> Router<RestState> {
    Router::new()
        .route("/api/v1/products", get(list_products).post(create_product))
        .route(
            "/api/v1/products/{id}",
            get(read_product).put(update_product).delete(delete_product),
        )
        .route(
            "/api/v1/products/{id}/documentation",
            put(upload_documentation)
                .delete(remove_documentation)
                .layer(axum::extract::DefaultBodyLimit::max(
                    app::api::documentation::UPLOAD_BODY_LIMIT_BYTES,
                )),
        )
        .route("/api/v1/plans", get(list_plans).post(create_plan))
        .route(
            "/api/v1/plans/{id}",
            get(read_plan).put(update_plan).delete(delete_plan),
        )
        .route("/api/v1/catalogs", get(list_catalogs).post(create_catalog))
        .route(
            "/api/v1/catalogs/{id}",
            get(read_catalog).put(update_catalog).delete(delete_catalog),
        )
}

#[derive(OpenApi)]
#[openapi(paths(
    list_products,
    create_product,
    read_product,
    update_product,
    delete_product,
    upload_documentation,
    remove_documentation,
    list_plans,
    create_plan,
    read_plan,
    update_plan,
    delete_plan,
    list_catalogs,
    create_catalog,
    read_catalog,
    update_catalog,
    delete_catalog
))]
pub struct CatalogApi;

// --- API products --------------------------------------------------------------------------------

/// Search, filters and paging of the API products page.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductQuery {
    /// Rows to answer, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// `next_cursor` of the previous page; absent for the first.
    cursor: Option<String>,
    /// Words of the name or display name.
    q: Option<String>,
    /// Only published (`true`) or unpublished (`false`) products.
    published: Option<bool>,
    /// Only this catalog's products.
    catalog_id: Option<String>,
}

/// One row of the API products list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductSummary {
    id: String,
    /// The product's name in URLs (`/catalog/{name}`).
    name: String,
    display_name: String,
    published: bool,
    tags: Vec<String>,
    /// The path prefix its API is served under at the gateway.
    gateway_prefix: String,
    /// The names of the catalogs it is in.
    catalogs: Vec<String>,
}

impl From<ProductRow> for ProductSummary {
    fn from(p: ProductRow) -> Self {
        Self {
            id: p.id,
            name: p.name,
            display_name: p.display_name,
            published: p.published,
            tags: p.tags,
            gateway_prefix: p.gateway_prefix,
            catalogs: p.catalogs,
        }
    }
}

/// A page of API products, by name.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductList {
    items: Vec<ProductSummary>,
    /// Pass as `cursor` for the next page; `null` on the last.
    next_cursor: Option<String>,
}

/// A catalog or organization, by id and name.
#[derive(Debug, Serialize, ToSchema)]
pub struct IdAndName {
    id: String,
    name: String,
}

impl From<Named> for IdAndName {
    fn from(n: Named) -> Self {
        Self {
            id: n.id,
            name: n.name,
        }
    }
}

/// A product's uploaded OpenAPI document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Documentation {
    file_name: String,
    /// "3.0.3", "3.1.0" …
    openapi_version: String,
    title: String,
    api_version: String,
    size_bytes: i64,
    /// 1 for the first upload of this product's documentation, and so on.
    version: i64,
    uploaded_at: i64,
    operations: i64,
}

/// An API product.
#[derive(Debug, Serialize, ToSchema)]
pub struct Product {
    id: String,
    name: String,
    display_name: String,
    summary: String,
    /// Markdown.
    description: String,
    /// Markdown.
    getting_started: String,
    published: bool,
    tags: Vec<String>,
    gateway_prefix: String,
    catalogs: Vec<IdAndName>,
    /// `null` until a document is uploaded.
    documentation: Option<Documentation>,
}

/// An API product's fields, as "Add new API product" and "Edit" take them (every one is
/// replaced).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ProductChange {
    #[schema(example = "payments")]
    name: String,
    #[schema(example = "Payments API")]
    display_name: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    getting_started: String,
    #[serde(default)]
    published: bool,
    #[serde(default)]
    tags: Vec<String>,
    #[schema(example = "/payments")]
    gateway_prefix: String,
}

impl From<ProductChange> for ProductForm {
    fn from(p: ProductChange) -> Self {
        Self {
            name: p.name,
            display_name: p.display_name,
            summary: p.summary,
            description: p.description,
            getting_started: p.getting_started,
            published: p.published.then(|| "on".to_owned()),
            tags: p.tags.join(", "),
            gateway_prefix: p.gateway_prefix,
        }
    }
}

async fn product(state: &RestState, id: &str) -> Answer<Product> {
    let page = catalog::product_page(&state.app, id).await?;
    let p = page.product;
    Ok(Product {
        id: p.id,
        name: p.name,
        display_name: p.display_name,
        summary: p.summary,
        description: p.description,
        getting_started: p.getting_started,
        published: p.published,
        tags: p.tags,
        gateway_prefix: p.gateway_prefix,
        catalogs: page.catalogs.into_iter().map(IdAndName::from).collect(),
        documentation: page.documentation.map(|d| Documentation {
            file_name: d.file_name,
            openapi_version: d.openapi_version,
            title: d.title,
            api_version: d.api_version,
            size_bytes: d.size_bytes,
            version: d.version,
            uploaded_at: d.uploaded_at,
            operations: d.operations.len() as i64,
        }),
    })
}

/// List API products, with the page's search and filters.
#[utoipa::path(
    get, path = "/api/v1/products", tag = "catalog", operation_id = "listProducts",
    params(ProductQuery),
    responses((status = 200, description = "A page of API products.", body = ProductList), Reads)
)]
async fn list_products(
    State(state): State<RestState>,
    Caller(_caller): Caller,
    Params(query): Params<ProductQuery>,
) -> Answer<axum::Json<ProductList>> {
    let limit = super::limit(query.limit)?;
    let rows = catalog::products(
        &state.app,
        query.q.as_deref().unwrap_or(""),
        query.published,
        query.catalog_id.as_deref().unwrap_or(""),
    )
    .await?;
    let (rows, next_cursor) = super::page_of(
        rows,
        |p| (p.display_name.to_lowercase(), p.id.clone()),
        query.cursor.as_deref(),
        limit,
    )?;
    Ok(axum::Json(ProductList {
        items: rows.into_iter().map(ProductSummary::from).collect(),
        next_cursor,
    }))
}

/// Add an API product.
#[utoipa::path(
    post, path = "/api/v1/products", tag = "catalog", operation_id = "createProduct",
    request_body = ProductChange,
    responses(
        (status = 201, description = "Added; `Location` names it.", body = Product),
        Writes, Invalid
    )
)]
async fn create_product(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Body(body): Body<ProductChange>,
) -> Answer<Response> {
    caller.may_write()?;
    let form = ProductForm::from(body);
    let id = catalog::save_product(&state.app, None, &form, caller.by(&state.app)).await?;
    Ok(super::created(
        format!("/api/v1/products/{id}"),
        product(&state, &id).await?,
    ))
}

/// Read one API product, with its catalogs and documentation.
#[utoipa::path(
    get, path = "/api/v1/products/{id}", tag = "catalog", operation_id = "getProduct",
    params(("id" = String, Path, description = "The product's id.")),
    responses((status = 200, description = "The product.", body = Product), Reads, Missing)
)]
async fn read_product(
    State(state): State<RestState>,
    Caller(_caller): Caller,
    Id(id): Id,
) -> Answer<axum::Json<Product>> {
    Ok(axum::Json(product(&state, &id).await?))
}

/// Change an API product: every field is replaced.
#[utoipa::path(
    put, path = "/api/v1/products/{id}", tag = "catalog", operation_id = "updateProduct",
    params(("id" = String, Path, description = "The product's id.")),
    request_body = ProductChange,
    responses(
        (status = 200, description = "The product as changed.", body = Product),
        Writes, Missing, Invalid
    )
)]
async fn update_product(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Id(id): Id,
    Body(body): Body<ProductChange>,
) -> Answer<axum::Json<Product>> {
    caller.may_write()?;
    let form = ProductForm::from(body);
    catalog::save_product(&state.app, Some(&id), &form, caller.by(&state.app)).await?;
    Ok(axum::Json(product(&state, &id).await?))
}

/// Delete an API product (it leaves its catalogs).
#[utoipa::path(
    delete, path = "/api/v1/products/{id}", tag = "catalog", operation_id = "deleteProduct",
    params(("id" = String, Path, description = "The product's id.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 409, description = "Apps hold live keys for it: revoke them first.", body = Problem, content_type = "application/problem+json"),
        Writes, Missing
    )
)]
async fn delete_product(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> Answer<Response> {
    caller.may_write()?;
    catalog::delete_product(&state.app, &id, caller.by(&state.app)).await?;
    Ok(done())
}

/// The name the uploaded document is kept under.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// Default "openapi".
    file_name: Option<String>,
}

/// The request body as it came, up to the route's limit.
struct Raw(Vec<u8>);

impl FromRequest<RestState> for Raw {
    type Rejection = Problem;

    async fn from_request(request: Request, state: &RestState) -> Result<Self, Problem> {
        axum::body::Bytes::from_request(request, state)
            .await
            .map(|bytes| Self(bytes.to_vec()))
            .map_err(|rejection| super::bad_request(rejection.body_text()))
    }
}

/// Upload a product's documentation: the OpenAPI 3.x document (YAML or JSON, at most 2 MB) is the
/// request body. It replaces the one before; a document that cannot be read is a 422 and
/// nothing is stored.
#[utoipa::path(
    put, path = "/api/v1/products/{id}/documentation", tag = "catalog", operation_id = "uploadDocumentation",
    params(("id" = String, Path, description = "The product's id."), UploadQuery),
    request_body(content = String, description = "The OpenAPI document.", content_type = "application/yaml"),
    responses(
        (status = 200, description = "The product with its documentation.", body = Product),
        Writes, Missing, Invalid
    )
)]
async fn upload_documentation(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Id(id): Id,
    Params(query): Params<UploadQuery>,
    Raw(bytes): Raw,
) -> Answer<axum::Json<Product>> {
    caller.may_write()?;
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(AppError::validation(
            DOCUMENT_FIELD,
            app::backend::openapi::too_large(bytes.len()),
        )
        .into());
    }
    // A missing product is a 404 before the document is read, as for every other operation.
    catalog::product_page(&state.app, &id).await?;
    let file_name = query.file_name.unwrap_or_default();
    documentation::upload(&state.app, &id, &file_name, bytes, caller.by(&state.app)).await?;
    Ok(axum::Json(product(&state, &id).await?))
}

/// Remove a product's documentation: consumers then see no reference for it.
#[utoipa::path(
    delete, path = "/api/v1/products/{id}/documentation", tag = "catalog", operation_id = "removeDocumentation",
    params(("id" = String, Path, description = "The product's id.")),
    responses((status = 204, description = "Removed (or there was none)."), Writes, Missing)
)]
async fn remove_documentation(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> Answer<Response> {
    caller.may_write()?;
    documentation::remove(&state.app, &id, caller.by(&state.app)).await?;
    Ok(done())
}

// --- Plans ---------------------------------------------------------------------------------------

/// A quota's period.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Hour,
    Day,
    Month,
}

impl From<QuotaPeriod> for Period {
    fn from(p: QuotaPeriod) -> Self {
        match p {
            QuotaPeriod::Hour => Self::Hour,
            QuotaPeriod::Day => Self::Day,
            QuotaPeriod::Month => Self::Month,
        }
    }
}

/// A plan: the limits its keys get, and whether requests for it are approved at once.
#[derive(Debug, Serialize, ToSchema)]
pub struct Plan {
    id: String,
    name: String,
    display_name: String,
    description: String,
    /// Requests per `rate_seconds`; `null`: unlimited.
    rate_requests: Option<i64>,
    rate_seconds: Option<i64>,
    /// Requests per `quota_period`; `null`: unlimited.
    quota_requests: Option<i64>,
    quota_period: Option<Period>,
    /// Days a key lives; `null`: keys never expire.
    key_expiry_days: Option<i64>,
    auto_approve: bool,
    /// The names of the catalogs it is in.
    catalogs: Vec<String>,
}

impl From<PlanRow> for Plan {
    fn from(p: PlanRow) -> Self {
        Self {
            id: p.id,
            name: p.name,
            display_name: p.display_name,
            description: p.description,
            rate_requests: p.terms.rate.map(|(n, _)| n),
            rate_seconds: p.terms.rate.map(|(_, s)| s),
            quota_requests: p.terms.quota.map(|(n, _)| n),
            quota_period: p.terms.quota.map(|(_, period)| period.into()),
            key_expiry_days: p.terms.key_expiry_days,
            auto_approve: p.terms.auto_approve,
            catalogs: p.catalogs,
        }
    }
}

/// A page of plans.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanList {
    items: Vec<Plan>,
    /// Pass as `cursor` for the next page; `null` on the last.
    next_cursor: Option<String>,
}

/// A plan's fields, as "Add new plan" and "Edit" take them (every one is replaced; an absent
/// limit is unlimited).
#[derive(Debug, Deserialize, ToSchema)]
pub struct PlanChange {
    #[schema(example = "gold")]
    name: String,
    #[schema(example = "Gold")]
    display_name: String,
    #[serde(default)]
    description: String,
    #[schema(example = 100)]
    rate_requests: Option<i64>,
    #[schema(example = 1)]
    rate_seconds: Option<i64>,
    #[schema(example = 100000)]
    quota_requests: Option<i64>,
    quota_period: Option<Period>,
    #[schema(example = 90)]
    key_expiry_days: Option<i64>,
    #[serde(default)]
    auto_approve: bool,
}

impl From<PlanChange> for PlanForm {
    fn from(p: PlanChange) -> Self {
        let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        Self {
            name: p.name,
            display_name: p.display_name,
            description: p.description,
            rate_requests: number(p.rate_requests),
            rate_seconds: number(p.rate_seconds),
            quota_requests: number(p.quota_requests),
            quota_period: match p.quota_period {
                Some(Period::Hour) => "hour",
                Some(Period::Day) => "day",
                Some(Period::Month) => "month",
                None => "",
            }
            .to_owned(),
            key_expiry_days: number(p.key_expiry_days),
            auto_approve: p.auto_approve.then(|| "on".to_owned()),
        }
    }
}

/// List plans.
#[utoipa::path(
    get, path = "/api/v1/plans", tag = "catalog", operation_id = "listPlans",
    params(super::PageQuery),
    responses((status = 200, description = "A page of plans.", body = PlanList), Reads)
)]
async fn list_plans(
    State(state): State<RestState>,
    Caller(_caller): Caller,
    Params(query): Params<super::PageQuery>,
) -> Answer<axum::Json<PlanList>> {
    let limit = super::limit(query.limit)?;
    let rows = catalog::plans(&state.app).await?;
    let (rows, next_cursor) = super::page_of(
        rows,
        |p| (p.display_name.to_lowercase(), p.id.clone()),
        query.cursor.as_deref(),
        limit,
    )?;
    Ok(axum::Json(PlanList {
        items: rows.into_iter().map(Plan::from).collect(),
        next_cursor,
    }))
}

/// Add a plan.
#[utoipa::path(
    post, path = "/api/v1/plans", tag = "catalog", operation_id = "createPlan",
    request_body = PlanChange,
    responses(
        (status = 201, description = "Added; `Location` names it.", body = Plan),
        Writes, Invalid
    )
)]
async fn create_plan(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Body(body): Body<PlanChange>,
) -> Answer<Response> {
    caller.may_write()?;
    let form = PlanForm::from(body);
    let id = catalog::save_plan(&state.app, None, &form, caller.by(&state.app)).await?;
    let plan = Plan::from(catalog::plan(&state.app, &id).await?);
    Ok(super::created(format!("/api/v1/plans/{id}"), plan))
}

/// Read one plan.
#[utoipa::path(
    get, path = "/api/v1/plans/{id}", tag = "catalog", operation_id = "getPlan",
    params(("id" = String, Path, description = "The plan's id.")),
    responses((status = 200, description = "The plan.", body = Plan), Reads, Missing)
)]
async fn read_plan(
    State(state): State<RestState>,
    Caller(_caller): Caller,
    Id(id): Id,
) -> Answer<axum::Json<Plan>> {
    Ok(axum::Json(catalog::plan(&state.app, &id).await?.into()))
}

/// Change a plan: every field is replaced. Keys already issued keep their expiry.
#[utoipa::path(
    put, path = "/api/v1/plans/{id}", tag = "catalog", operation_id = "updatePlan",
    params(("id" = String, Path, description = "The plan's id.")),
    request_body = PlanChange,
    responses(
        (status = 200, description = "The plan as changed.", body = Plan),
        Writes, Missing, Invalid
    )
)]
async fn update_plan(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Id(id): Id,
    Body(body): Body<PlanChange>,
) -> Answer<axum::Json<Plan>> {
    caller.may_write()?;
    let form = PlanForm::from(body);
    catalog::save_plan(&state.app, Some(&id), &form, caller.by(&state.app)).await?;
    Ok(axum::Json(catalog::plan(&state.app, &id).await?.into()))
}

/// Delete a plan.
#[utoipa::path(
    delete, path = "/api/v1/plans/{id}", tag = "catalog", operation_id = "deletePlan",
    params(("id" = String, Path, description = "The plan's id.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 409, description = "Apps hold live keys under it: revoke them first.", body = Problem, content_type = "application/problem+json"),
        Writes, Missing
    )
)]
async fn delete_plan(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> Answer<Response> {
    caller.may_write()?;
    catalog::delete_plan(&state.app, &id, caller.by(&state.app)).await?;
    Ok(done())
}

// --- Catalogs ------------------------------------------------------------------------------------

/// Who sees a catalog's products.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// Anyone, signed in or not.
    Public,
    /// Only its teams and organizations (and admins).
    Private,
}

impl From<Visibility> for Audience {
    fn from(v: Visibility) -> Self {
        match v {
            Visibility::Public => Self::Public,
            Visibility::Private => Self::Private,
        }
    }
}

/// One row of the Catalogs list.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogSummary {
    id: String,
    name: String,
    visibility: Audience,
    products: i64,
    plans: i64,
    /// Teams plus organizations in its audience.
    audience: i64,
}

impl From<CatalogRow> for CatalogSummary {
    fn from(c: CatalogRow) -> Self {
        Self {
            id: c.id,
            name: c.name,
            visibility: c.visibility.into(),
            products: c.products,
            plans: c.plans,
            audience: c.audience,
        }
    }
}

/// A page of catalogs.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogList {
    items: Vec<CatalogSummary>,
    /// Pass as `cursor` for the next page; `null` on the last.
    next_cursor: Option<String>,
}

/// A catalog and what it holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogDetail {
    id: String,
    name: String,
    visibility: Audience,
    product_ids: Vec<String>,
    plan_ids: Vec<String>,
    /// A Private catalog's audience: these teams …
    team_ids: Vec<String>,
    /// … and everyone in these organizations.
    organization_ids: Vec<String>,
}

impl From<Catalog> for CatalogDetail {
    fn from(c: Catalog) -> Self {
        Self {
            id: c.id,
            name: c.name,
            visibility: c.visibility.into(),
            product_ids: c.product_ids,
            plan_ids: c.plan_ids,
            team_ids: c.team_ids,
            organization_ids: c.organization_ids,
        }
    }
}

/// A catalog's fields, as "Add new catalog" and "Edit" take them (every one is replaced).
#[derive(Debug, Deserialize, ToSchema)]
pub struct CatalogChange {
    #[schema(example = "Partners")]
    name: String,
    visibility: Audience,
    #[serde(default)]
    product_ids: Vec<String>,
    #[serde(default)]
    plan_ids: Vec<String>,
    #[serde(default)]
    team_ids: Vec<String>,
    #[serde(default)]
    organization_ids: Vec<String>,
}

impl From<CatalogChange> for CatalogForm {
    fn from(c: CatalogChange) -> Self {
        Self {
            name: c.name,
            visibility: match c.visibility {
                Audience::Public => "public",
                Audience::Private => "private",
            }
            .to_owned(),
            product_ids: c.product_ids,
            plan_ids: c.plan_ids,
            team_ids: c.team_ids,
            organization_ids: c.organization_ids,
        }
    }
}

/// List catalogs.
#[utoipa::path(
    get, path = "/api/v1/catalogs", tag = "catalog", operation_id = "listCatalogs",
    params(super::PageQuery),
    responses((status = 200, description = "A page of catalogs.", body = CatalogList), Reads)
)]
async fn list_catalogs(
    State(state): State<RestState>,
    Caller(_caller): Caller,
    Params(query): Params<super::PageQuery>,
) -> Answer<axum::Json<CatalogList>> {
    let limit = super::limit(query.limit)?;
    let rows = catalog::catalogs(&state.app).await?;
    let (rows, next_cursor) = super::page_of(
        rows,
        |c| (c.name.to_lowercase(), c.id.clone()),
        query.cursor.as_deref(),
        limit,
    )?;
    Ok(axum::Json(CatalogList {
        items: rows.into_iter().map(CatalogSummary::from).collect(),
        next_cursor,
    }))
}

/// Add a catalog.
#[utoipa::path(
    post, path = "/api/v1/catalogs", tag = "catalog", operation_id = "createCatalog",
    request_body = CatalogChange,
    responses(
        (status = 201, description = "Added; `Location` names it.", body = CatalogDetail),
        Writes, Invalid
    )
)]
async fn create_catalog(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Body(body): Body<CatalogChange>,
) -> Answer<Response> {
    caller.may_write()?;
    let form = CatalogForm::from(body);
    let id = catalog::save_catalog(&state.app, None, &form, caller.by(&state.app)).await?;
    let detail = CatalogDetail::from(catalog::catalog(&state.app, &id).await?);
    Ok(super::created(format!("/api/v1/catalogs/{id}"), detail))
}

/// Read one catalog.
#[utoipa::path(
    get, path = "/api/v1/catalogs/{id}", tag = "catalog", operation_id = "getCatalog",
    params(("id" = String, Path, description = "The catalog's id.")),
    responses((status = 200, description = "The catalog.", body = CatalogDetail), Reads, Missing)
)]
async fn read_catalog(
    State(state): State<RestState>,
    Caller(_caller): Caller,
    Id(id): Id,
) -> Answer<axum::Json<CatalogDetail>> {
    Ok(axum::Json(catalog::catalog(&state.app, &id).await?.into()))
}

/// Change a catalog: every field is replaced.
#[utoipa::path(
    put, path = "/api/v1/catalogs/{id}", tag = "catalog", operation_id = "updateCatalog",
    params(("id" = String, Path, description = "The catalog's id.")),
    request_body = CatalogChange,
    responses(
        (status = 200, description = "The catalog as changed.", body = CatalogDetail),
        Writes, Missing, Invalid
    )
)]
async fn update_catalog(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Id(id): Id,
    Body(body): Body<CatalogChange>,
) -> Answer<axum::Json<CatalogDetail>> {
    caller.may_write()?;
    let form = CatalogForm::from(body);
    catalog::save_catalog(&state.app, Some(&id), &form, caller.by(&state.app)).await?;
    Ok(axum::Json(catalog::catalog(&state.app, &id).await?.into()))
}

/// Delete a catalog (its products and plans stay).
#[utoipa::path(
    delete, path = "/api/v1/catalogs/{id}", tag = "catalog", operation_id = "deleteCatalog",
    params(("id" = String, Path, description = "The catalog's id.")),
    responses((status = 204, description = "Deleted."), Writes, Missing)
)]
async fn delete_catalog(
    State(state): State<RestState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> Answer<Response> {
    caller.may_write()?;
    catalog::delete_catalog(&state.app, &id, caller.by(&state.app)).await?;
    Ok(done())
}
