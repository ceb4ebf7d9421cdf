//! The catalog's rules between the server functions and the store (SPEC §9): forms checked, the
//! store's refusals turned into field messages, Markdown rendered and sanitized, and the
//! visibility rule applied for a viewer. The admin pages' and the consumer pages' server
//! functions call these (and so will the REST API), so each rule is written once.

use super::AppState;
use super::db::{By, StoreError, Viewer};
use crate::domain::CurrentUser;
use crate::domain::catalog::{
    Catalog, CatalogEntry, CatalogForm, CatalogProduct, CatalogRow, DUPLICATE_CATALOG,
    DUPLICATE_PLAN, DUPLICATE_PREFIX, DUPLICATE_PRODUCT, PlanForm, PlanRow, ProductForm,
    ProductPage, ProductRow,
};
use crate::error::AppError;

/// The longest search or tag `/catalog` looks for.
pub const SEARCH_MAX_CHARS: usize = 200;

/// Markdown as sanitized HTML: CommonMark with tables and strikethrough, whatever HTML it holds
/// cleaned by ammonia's whitelist (no script, style, iframe or form; no `on…` attributes; links
/// only to http, https and mailto, and opened without the opener).
pub fn render_markdown(markdown: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&unsafe_html)
        .to_string()
}

/// The viewer as the rule sees them: admins see everything, a signed-in consumer by id.
pub fn viewer_of(user: Option<&CurrentUser>) -> Viewer<'_> {
    match user {
        None => Viewer::Anonymous,
        Some(u) if u.role.is_admin() => Viewer::Admin,
        Some(u) => Viewer::User(&u.id),
    }
}

/// `/catalog`: what `user` (or an anonymous visitor) may see, searched and filtered by tag.
pub async fn entries(
    state: &AppState,
    user: Option<&CurrentUser>,
    search: &str,
    tag: &str,
) -> Result<Vec<CatalogEntry>, AppError> {
    // Anyone may call this: a search longer than any name is cut, not sent to the database
    // (SQLite refuses a LIKE pattern over 50,000 bytes).
    let cut = |text: &str| text.chars().take(SEARCH_MAX_CHARS).collect::<String>();
    Ok(state
        .store
        .catalog_entries(viewer_of(user), &cut(search), &cut(tag))
        .await?)
}

/// `/catalog/{name}`: the product and its offered plans, or `NotFound` when `user` may not see
/// it, exactly as for a product that does not exist.
pub async fn product_for(
    state: &AppState,
    user: Option<&CurrentUser>,
    name: &str,
) -> Result<CatalogProduct, AppError> {
    let (product, plans) = state
        .store
        .catalog_product(viewer_of(user), name)
        .await?
        .ok_or(AppError::NotFound)?;
    let documentation = state.store.document_info(&product.id).await?;
    Ok(CatalogProduct {
        documentation,
        description_html: render_markdown(&product.description),
        getting_started_html: render_markdown(&product.getting_started),
        name: product.name,
        display_name: product.display_name,
        summary: product.summary,
        tags: product.tags,
        published: product.published,
        plans,
    })
}

/// A product's admin page: fields, catalogs, audience and its texts rendered as consumers see them.
pub async fn product_page(state: &AppState, id: &str) -> Result<ProductPage, AppError> {
    let (product, catalogs) = state.store.product(id).await?.ok_or(AppError::NotFound)?;
    let audience = state.store.product_audience(id).await?;
    let documentation = state.store.document_info(id).await?;
    Ok(ProductPage {
        documentation,
        description_html: render_markdown(&product.description),
        getting_started_html: render_markdown(&product.getting_started),
        product,
        catalogs,
        audience,
    })
}

/// A product's name or prefix the store found taken, as the field's message.
fn product_taken(error: StoreError, form: &ProductForm) -> AppError {
    let message = match &error {
        StoreError::Unique { constraint } if constraint.contains("gateway") => {
            AppError::validation("gateway_prefix", DUPLICATE_PREFIX)
        }
        StoreError::Unique { .. } => AppError::validation("name", DUPLICATE_PRODUCT),
        _ => return error.into(),
    };
    echo(message, form.values())
}

/// `error` with the form's values, so the form keeps them.
pub fn echo(error: AppError, values: Vec<(String, String)>) -> AppError {
    match error {
        AppError::Validation { errors, .. } => AppError::Validation { errors, values },
        other => other,
    }
}

/// "Add new API product" (`id` `None`) or "Edit"; answers the product's id.
pub async fn save_product(
    state: &AppState,
    id: Option<&str>,
    form: &ProductForm,
    by: By<'_>,
) -> Result<String, AppError> {
    let valid = form.validate().map_err(|e| echo(e, form.values()))?;
    match id {
        None => state.store.create_product(&valid, by).await,
        Some(id) => state
            .store
            .update_product(id, &valid, by)
            .await
            .map(|()| id.to_owned()),
    }
    .map_err(|e| product_taken(e, form))
}

/// "Add new plan" or "Edit"; answers the plan's id.
pub async fn save_plan(
    state: &AppState,
    id: Option<&str>,
    form: &PlanForm,
    by: By<'_>,
) -> Result<String, AppError> {
    let valid = form.validate().map_err(|e| echo(e, form.values()))?;
    match id {
        None => state.store.create_plan(&valid, by).await,
        Some(id) => state
            .store
            .update_plan(id, &valid, by)
            .await
            .map(|()| id.to_owned()),
    }
    .map_err(|e| match e {
        StoreError::Unique { .. } => {
            echo(AppError::validation("name", DUPLICATE_PLAN), form.values())
        }
        other => other.into(),
    })
}

/// "Add new catalog" or "Edit"; answers the catalog's id. A product, plan, team or
/// organization that is gone meanwhile is a message, and nothing is saved.
pub async fn save_catalog(
    state: &AppState,
    id: Option<&str>,
    form: &CatalogForm,
    by: By<'_>,
) -> Result<String, AppError> {
    let valid = form.validate().map_err(|e| echo(e, form.values()))?;
    match id {
        None => state.store.create_catalog(&valid, by).await,
        Some(id) => state
            .store
            .update_catalog(id, &valid, by)
            .await
            .map(|()| id.to_owned()),
    }
    .map_err(|e| match e {
        StoreError::Unique { .. } => {
            echo(AppError::validation("name", DUPLICATE_CATALOG), form.values())
        }
        StoreError::ForeignKey => echo(
            AppError::validation(
                "name",
                "A product, plan, team or organization you chose no longer exists. Reload the page and choose again.",
            ),
            form.values(),
        ),
        other => other.into(),
    })
}

/// "API products" whose name or display name holds `search`, only published (`Some(true)`) or
/// unpublished ones, or only one catalog's (`catalog_id` not empty).
pub async fn products(
    state: &AppState,
    search: &str,
    published: Option<bool>,
    catalog_id: &str,
) -> Result<Vec<ProductRow>, AppError> {
    Ok(state
        .store
        .list_products(search, published, catalog_id)
        .await?)
}

/// Deletes a product (it leaves its catalogs); refused while it has live keys.
pub async fn delete_product(state: &AppState, id: &str, by: By<'_>) -> Result<(), AppError> {
    Ok(state.store.delete_product(id, by).await?)
}

/// "Plans".
pub async fn plans(state: &AppState) -> Result<Vec<PlanRow>, AppError> {
    Ok(state.store.list_plans().await?)
}

/// One plan as "Plans" lists it; `NotFound` when there is none with this id.
pub async fn plan(state: &AppState, id: &str) -> Result<PlanRow, AppError> {
    plans(state)
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or(AppError::NotFound)
}

/// Deletes a plan; refused while it has live keys.
pub async fn delete_plan(state: &AppState, id: &str, by: By<'_>) -> Result<(), AppError> {
    Ok(state.store.delete_plan(id, by).await?)
}

/// "Catalogs".
pub async fn catalogs(state: &AppState) -> Result<Vec<CatalogRow>, AppError> {
    Ok(state.store.list_catalogs().await?)
}

/// One catalog with what it holds; `NotFound` when there is none with this id.
pub async fn catalog(state: &AppState, id: &str) -> Result<Catalog, AppError> {
    state.store.catalog(id).await?.ok_or(AppError::NotFound)
}

/// Deletes a catalog (its products and plans stay).
pub async fn delete_catalog(state: &AppState, id: &str, by: By<'_>) -> Result<(), AppError> {
    Ok(state.store.delete_catalog(id, by).await?)
}
