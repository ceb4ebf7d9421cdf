//! The catalog (SPEC §9): the consumer pages' `browse_catalog` and `view_product`, open to anyone
//! (the visibility rule decides what each viewer gets), and the admin app's API products, plans
//! and catalogs, for admins only.

use crate::domain::catalog::{
    Catalog, CatalogEntry, CatalogForm, CatalogProduct, CatalogRow, Named, PlanForm, PlanRow,
    ProductAccess, ProductForm, ProductPage, ProductRow,
};
use crate::domain::user::{Choice, TeamChoice};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::api::http::{current_user, require_admin, with_status};
#[cfg(feature = "ssr")]
use crate::backend::{AppState, catalog};

/// The signed-in viewer for the catalog: nobody while they must first change their password.
#[cfg(feature = "ssr")]
pub(crate) async fn catalog_viewer() -> Result<Option<crate::domain::CurrentUser>, AppError> {
    Ok(current_user().await?.filter(|u| !u.must_change_password))
}

/// `/catalog`: the products the viewer may see, whose name or summary contains `q`, with `tag`.
#[server(prefix = "/api", endpoint = "browse_catalog")]
pub async fn browse_catalog(
    #[server(default)] q: String,
    #[server(default)] tag: String,
) -> Result<Vec<CatalogEntry>, AppError> {
    async {
        let viewer = catalog_viewer().await?;
        let state = AppState::from_context()?;
        catalog::entries(&state, viewer.as_ref(), &q, &tag).await
    }
    .await
    .map_err(with_status)
}

/// `/catalog/{name}`: a product the viewer may see with its offered plans; 404 otherwise.
#[server(prefix = "/api", endpoint = "view_product")]
pub async fn view_product(name: String) -> Result<CatalogProduct, AppError> {
    async {
        let viewer = catalog_viewer().await?;
        let state = AppState::from_context()?;
        catalog::product_for(&state, viewer.as_ref(), &name).await
    }
    .await
    .map_err(with_status)
}

/// "API products" and the catalogs its filter offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductsView {
    pub products: Vec<ProductRow>,
    pub catalogs: Vec<CatalogRow>,
}

/// "API products", searched (`q`), by published state ("published", "unpublished" or "") and
/// catalog (an id or "").
#[server(prefix = "/api", endpoint = "api_products")]
pub async fn api_products(
    #[server(default)] q: String,
    #[server(default)] published: String,
    #[server(default)] catalog: String,
) -> Result<ProductsView, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        let published = match published.as_str() {
            "published" => Some(true),
            "unpublished" => Some(false),
            _ => None,
        };
        Ok(ProductsView {
            products: catalog::products(&state, &q, published, &catalog).await?,
            catalogs: catalog::catalogs(&state).await?,
        })
    }
    .await
    .map_err(with_status)
}

/// One product's admin page.
#[server(prefix = "/api", endpoint = "api_product")]
pub async fn api_product(id: String) -> Result<ProductPage, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        catalog::product_page(&state, &id).await
    }
    .await
    .map_err(with_status)
}

/// "Add new API product"; goes to the new product's page.
#[server(prefix = "/api", endpoint = "create_api_product")]
pub async fn create_api_product(form: ProductForm) -> Result<String, AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        let id = catalog::save_product(&state, None, &form, state.by(&admin.id)).await?;
        leptos_axum::redirect(&format!("/admin/products/{id}?created=1"));
        Ok(id)
    }
    .await
    .map_err(with_status)
}

/// "Save" on a product's edit form.
#[server(prefix = "/api", endpoint = "update_api_product")]
pub async fn update_api_product(id: String, form: ProductForm) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        catalog::save_product(&state, Some(&id), &form, state.by(&admin.id)).await?;
        leptos_axum::redirect(&format!("/admin/products/{id}?saved=1"));
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// "Delete" a product, after its confirmation.
#[server(prefix = "/api", endpoint = "delete_api_product")]
pub async fn delete_api_product(id: String) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        catalog::delete_product(&state, &id, state.by(&admin.id)).await?;
        leptos_axum::redirect("/admin/products?deleted=1");
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// "Plans".
#[server(prefix = "/api", endpoint = "list_plans")]
pub async fn list_plans() -> Result<Vec<PlanRow>, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        catalog::plans(&state).await
    }
    .await
    .map_err(with_status)
}

/// "Add new plan".
#[server(prefix = "/api", endpoint = "create_plan")]
pub async fn create_plan(form: PlanForm) -> Result<String, AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        let id = catalog::save_plan(&state, None, &form, state.by(&admin.id)).await?;
        leptos_axum::redirect("/admin/plans?created=1");
        Ok(id)
    }
    .await
    .map_err(with_status)
}

/// "Save" on a plan's edit form.
#[server(prefix = "/api", endpoint = "update_plan")]
pub async fn update_plan(id: String, form: PlanForm) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        catalog::save_plan(&state, Some(&id), &form, state.by(&admin.id)).await?;
        leptos_axum::redirect("/admin/plans?saved=1");
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// "Delete" a plan, after its confirmation.
#[server(prefix = "/api", endpoint = "delete_plan")]
pub async fn delete_plan(id: String) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        catalog::delete_plan(&state, &id, state.by(&admin.id)).await?;
        leptos_axum::redirect("/admin/plans?deleted=1");
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// "Catalogs".
#[server(prefix = "/api", endpoint = "list_catalogs")]
pub async fn list_catalogs() -> Result<Vec<CatalogRow>, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        catalog::catalogs(&state).await
    }
    .await
    .map_err(with_status)
}

/// What a catalog's form shows: the catalog (none for "Add new catalog") and every product,
/// plan, organization and team it may hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogEditorView {
    pub catalog: Option<Catalog>,
    pub products: Vec<Named>,
    pub plans: Vec<Named>,
    pub organizations: Vec<Choice>,
    pub teams: Vec<TeamChoice>,
}

/// The catalog form's data: `id` "" for a new catalog.
#[server(prefix = "/api", endpoint = "catalog_editor")]
pub async fn catalog_editor(#[server(default)] id: String) -> Result<CatalogEditorView, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        let catalog = if id.is_empty() {
            None
        } else {
            Some(catalog::catalog(&state, &id).await?)
        };
        let (products, plans) = state.store.product_and_plan_choices().await?;
        let (organizations, teams) = state.store.placement_choices().await?;
        Ok(CatalogEditorView {
            catalog,
            products,
            plans,
            organizations,
            teams,
        })
    }
    .await
    .map_err(with_status)
}

/// "Add new catalog".
#[server(prefix = "/api", endpoint = "create_catalog")]
pub async fn create_catalog(form: CatalogForm) -> Result<String, AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        let id = catalog::save_catalog(&state, None, &form, state.by(&admin.id)).await?;
        leptos_axum::redirect("/admin/catalogs?created=1");
        Ok(id)
    }
    .await
    .map_err(with_status)
}

/// "Save" on a catalog's form.
#[server(prefix = "/api", endpoint = "update_catalog")]
pub async fn update_catalog(id: String, form: CatalogForm) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        catalog::save_catalog(&state, Some(&id), &form, state.by(&admin.id)).await?;
        leptos_axum::redirect("/admin/catalogs?saved=1");
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// "Delete" a catalog, after its confirmation.
#[server(prefix = "/api", endpoint = "delete_catalog")]
pub async fn delete_catalog(id: String) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        catalog::delete_catalog(&state, &id, state.by(&admin.id)).await?;
        leptos_axum::redirect("/admin/catalogs?deleted=1");
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// "Catalog access" on a user's page: the products they see and through which catalogs.
#[server(prefix = "/api", endpoint = "catalog_access")]
pub async fn catalog_access(id: String) -> Result<Vec<ProductAccess>, AppError> {
    async {
        require_admin().await?;
        let state = AppState::from_context()?;
        Ok(state.store.catalog_access(&id).await?)
    }
    .await
    .map_err(with_status)
}
