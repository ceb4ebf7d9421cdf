//! `/admin/products`: "API products" (search, published state, catalog), "Add new API product",
//! and each product's page with its edit form, "Audience" and "Delete" (SPEC §9).

use crate::api::catalog::{
    CreateApiProduct, DeleteApiProduct, UpdateApiProduct, api_product, api_products,
};
use crate::api::documentation::{RemoveDocumentation, UploadDocumentation};
use crate::components::{
    ConfirmAction, FieldError, FormError, Loaded, action_error, query_href, textarea_text,
};
use crate::domain::catalog::{Audience, Product, ProductPage, ProductRow, delete_text};
use crate::domain::documentation::{DOCUMENT_FIELD, DocumentInfo, MAX_DOCUMENT_MB, size_text};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use server_fn::ServerFn as _;

#[component]
pub fn ProductsPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |key: &'static str| query.with(|q| q.get(key)).unwrap_or_default();
    let rows = Resource::new(
        move || (param("q"), param("published"), param("catalog")),
        |(q, published, catalog)| api_products(q, published, catalog),
    );
    view! {
        <Title text="API products · Portico"/>
        <div class="page-head">
            <h1>"API products"</h1>
            <a class="button" href="/admin/products/new">"Add new API product"</a>
        </div>
        {move || (!param("deleted").is_empty()).then(|| view! { <p class="notice" role="status">"API product deleted."</p> })}
        <Loaded resource=rows let:view_data>
            {
                let (published, catalog) = (param("published"), param("catalog"));
                view! {
                    <form method="get" action="/admin/products" class="filters" role="search">
                        <label>"Search" <input type="search" name="q" value=param("q")/></label>
                        <label>"Published"
                            <select name="published">
                                <option value="">"All"</option>
                                <option value="published" selected=published == "published">"Published"</option>
                                <option value="unpublished" selected=published == "unpublished">"Unpublished"</option>
                            </select>
                        </label>
                        <label>"Catalog"
                            <select name="catalog">
                                <option value="">"All"</option>
                                {view_data.catalogs.iter().map(|c| {
                                    let is = c.id == catalog;
                                    view! { <option value=c.id.clone() selected=is>{c.name.clone()}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                        <button type="submit">"Search"</button>
                    </form>
                    <ProductsTable rows=view_data.products/>
                }
            }
        </Loaded>
    }
}

#[component]
fn ProductsTable(rows: Vec<ProductRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty">"No API products match."</p> }.into_any();
    }
    view! {
        <table class="data">
            <thead><tr><th>"API product"</th><th>"Name"</th><th>"Published"</th><th>"Catalogs"</th><th>"Tags"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|p| view! {
                    <tr>
                        <td><a href=format!("/admin/products/{}", p.id)>{p.display_name}</a></td>
                        <td><code>{p.name}</code></td>
                        <td>{if p.published { "Published" } else { "Unpublished" }}</td>
                        <td>{if p.catalogs.is_empty() { "None".to_owned() } else { p.catalogs.join(", ") }}</td>
                        <td>{p.tags.join(", ")}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// The product's fields, filled from `stored` or, after a refused post, from what was posted.
#[component]
fn ProductFields(stored: Option<Product>, error: Signal<Option<AppError>>) -> impl IntoView {
    let stored = StoredValue::new(stored);
    let value = move |field: &'static str| {
        if let Some(echoed) = error.get().and_then(|e| e.echoed(field)) {
            return echoed;
        }
        stored.with_value(|p| {
            p.as_ref()
                .map(|p| match field {
                    "name" => p.name.clone(),
                    "display_name" => p.display_name.clone(),
                    "summary" => p.summary.clone(),
                    "description" => p.description.clone(),
                    "getting_started" => p.getting_started.clone(),
                    "tags" => p.tags.join(", "),
                    "gateway_prefix" => p.gateway_prefix.clone(),
                    _ => String::new(),
                })
                .unwrap_or_default()
        })
    };
    let published = move || match error.get() {
        Some(e @ AppError::Validation { .. }) => e.echoed("published").is_some(),
        _ => stored.with_value(|p| p.as_ref().is_some_and(|p| p.published)),
    };
    view! {
        <label>"Product name" <input name="form[name]" required value=move || value("name") autocomplete="off" aria-describedby="name-hint"/></label>
        <p class="hint" id="name-hint">"Lowercase letters, digits and hyphens; it is the product's address: /catalog/payments-api."</p>
        <FieldError error field="name"/>
        <label>"Catalog display name" <input name="form[display_name]" required value=move || value("display_name")/></label>
        <FieldError error field="display_name"/>
        <label>"Summary" <input name="form[summary]" value=move || value("summary") maxlength="200"/></label>
        <FieldError error field="summary"/>
        <label>"Description" <textarea name="form[description]" rows="8" aria-describedby="markdown-hint">{move || textarea_text(value("description"))}</textarea></label>
        <p class="hint" id="markdown-hint">"Markdown. Consumers see it rendered; HTML in it is cleaned."</p>
        <FieldError error field="description"/>
        <label>"Getting started" <textarea name="form[getting_started]" rows="6">{move || textarea_text(value("getting_started"))}</textarea></label>
        <FieldError error field="getting_started"/>
        <label>"Tags" <input name="form[tags]" value=move || value("tags") aria-describedby="tags-hint"/></label>
        <p class="hint" id="tags-hint">"Separated by commas, such as: payments, cards."</p>
        <FieldError error field="tags"/>
        <label>"Gateway path prefix" <input name="form[gateway_prefix]" required value=move || value("gateway_prefix") placeholder="/payments/"/></label>
        <FieldError error field="gateway_prefix"/>
        <label class="check"><input type="checkbox" name="form[published]" checked=published/>"Published"</label>
        <p class="hint">"Unpublished products are seen by admins only."</p>
    }
}

/// `/admin/products/new`.
#[component]
pub fn NewProductPage() -> impl IntoView {
    let create = ServerAction::<CreateApiProduct>::new();
    let error = action_error(create);
    view! {
        <Title text="Add new API product · Portico"/>
        <p><a href="/admin/products">"← API products"</a></p>
        <h1>"Add new API product"</h1>
        <ActionForm action=create attr:class="stack narrow-form" attr:novalidate=true>
            <ProductFields stored=None error/>
            <FormError error/>
            <button type="submit">"Add API product"</button>
        </ActionForm>
    }
}

/// `/admin/products/{id}`: the product, its audience, its edit form and "Delete".
#[component]
pub fn ProductAdminPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let update = ServerAction::<UpdateApiProduct>::new();
    let delete = ServerAction::<DeleteApiProduct>::new();
    let remove = ServerAction::<RemoveDocumentation>::new();
    // Reloaded after a save or "Remove documentation": their redirects change only the query,
    // which keeps this view (an upload reloads the whole page).
    let page = Resource::new(
        move || (id(), update.version().get(), remove.version().get()),
        |(id, _, _)| api_product(id),
    );
    let notice = move || {
        let done = |key: &str| query.with(|q| q.get(key)).is_some();
        if done("created") {
            Some("API product added.")
        } else if done("documented") {
            Some(
                "Documentation uploaded: consumers who can see the product can read its reference.",
            )
        } else if done("undocumented") || remove.value().get().is_some_and(|r| r.is_ok()) {
            Some("Documentation removed.")
        } else if done("saved") || update.value().get().is_some_and(|r| r.is_ok()) {
            Some("Changes saved.")
        } else {
            None
        }
    };
    view! {
        <Title text="API product · Portico"/>
        <p><a href="/admin/products">"← API products"</a></p>
        {move || notice().map(|text| view! { <p class="notice" role="status">{text}</p> })}
        <FormError error=action_error(delete)/>
        <Loaded resource=page let:page>
            <ProductAdminView page update delete remove/>
        </Loaded>
    }
}

#[component]
fn ProductAdminView(
    page: ProductPage,
    update: ServerAction<UpdateApiProduct>,
    delete: ServerAction<DeleteApiProduct>,
    remove: ServerAction<RemoveDocumentation>,
) -> impl IntoView {
    let error = action_error(update);
    let ProductPage {
        product,
        catalogs,
        audience,
        description_html,
        getting_started_html,
        documentation,
    } = page;
    let here = format!("/admin/products/{}", product.id);
    let catalog_names: Vec<String> = catalogs.iter().map(|c| c.name.clone()).collect();
    view! {
        <div class="page-head">
            <h1>{product.display_name.clone()}</h1>
            <a class="button danger" href=query_href(&here, &[("delete", &product.id)])>"Delete"</a>
        </div>
        <ConfirmAction action=delete key="delete" id=product.id.clone() label="Delete".to_owned()
            text=delete_text("API product", &catalog_names) cancel=here.clone()/>
        <dl class="facts">
            <dt>"Address"</dt><dd><a href=format!("/catalog/{}", product.name)>{format!("/catalog/{}", product.name)}</a></dd>
            <dt>"Published"</dt><dd>{if product.published { "Yes" } else { "No: only admins see it" }}</dd>
            <dt>"Gateway path prefix"</dt><dd><code>{product.gateway_prefix.clone()}</code></dd>
            <dt>"Catalogs"</dt>
            <dd>{if catalogs.is_empty() { view! { "None" }.into_any() } else {
                catalogs.into_iter().map(|c| view! { <a href=format!("/admin/catalogs/{}", c.id)>{c.name}</a>" " }).collect_view().into_any()
            }}</dd>
        </dl>
        <AudienceView audience published=product.published/>
        <h2>"Description"</h2>
        <div class="markdown" inner_html=description_html></div>
        {(!getting_started_html.is_empty()).then(|| view! {
            <h2>"Getting started"</h2>
            <div class="markdown" inner_html=getting_started_html></div>
        })}
        <DocumentationView product_id=product.id.clone() name=product.name.clone() documentation remove/>
        <h2>"Edit"</h2>
        <ActionForm action=update attr:class="stack narrow-form" attr:novalidate=true>
            <input type="hidden" name="id" value=product.id.clone()/>
            <ProductFields stored=Some(product) error/>
            <FormError error/>
            <button type="submit">"Save"</button>
        </ActionForm>
    }
}

/// "Audience": who can see the product, from the same rule as the consumer pages.
#[component]
fn AudienceView(audience: Audience, published: bool) -> impl IntoView {
    let nobody = !audience.public && audience.teams.is_empty() && audience.organizations.is_empty();
    view! {
        <section aria-labelledby="audience-title">
            <h2 id="audience-title">"Audience"</h2>
            {(!published).then(|| view! { <p>"Not published: only admins see it now. Once published, it is seen by:"</p> })}
            {audience.public.then(|| view! { <p><strong>"Public"</strong>": anyone, signed in or not."</p> })}
            {nobody.then(|| view! { <p>"No one but admins: no catalog with an audience offers it."</p> })}
            {(!audience.organizations.is_empty()).then(|| view! {
                <h3>"Organizations"</h3>
                <ul class="audience-organizations">
                    {audience.organizations.into_iter().map(|o| view! { <li><a href=format!("/admin/organizations/{}", o.id)>{o.name}</a></li> }).collect_view()}
                </ul>
            })}
            {(!audience.teams.is_empty()).then(|| view! {
                <h3>"Teams"</h3>
                <ul class="audience-teams">
                    {audience.teams.into_iter().map(|t| view! { <li><a href=format!("/admin/teams/{}", t.id)>{t.name}</a>" ("{t.organization}")"</li> }).collect_view()}
                </ul>
            })}
        </section>
    }
}

/// The refusal of the last upload, carried back in the address (`__err`) by the plain form post.
fn upload_error() -> Option<AppError> {
    use server_fn::error::ServerFnUrlError;
    let error = use_context::<leptos::server::ServerActionError>()?;
    (error.path() == UploadDocumentation::PATH)
        .then(|| ServerFnUrlError::<AppError>::decode_err(error.err()))
}

/// "Documentation": what was uploaded, a link to the reference, "Remove documentation", and the
/// upload form. The form is a plain multipart post (a file needs one), the same with JavaScript
/// or without; the server answers by reloading this page.
#[component]
fn DocumentationView(
    product_id: String,
    name: String,
    documentation: Option<DocumentInfo>,
    remove: ServerAction<RemoveDocumentation>,
) -> impl IntoView {
    let error = Signal::derive(upload_error);
    let has_document = documentation.is_some();
    let remove_id = product_id.clone();
    view! {
        <section aria-labelledby="documentation-title">
            <h2 id="documentation-title">"Documentation"</h2>
            {match documentation {
                None => view! { <p>"No OpenAPI document yet: consumers see no API reference."</p> }.into_any(),
                Some(d) => view! {
                    <dl class="facts">
                        <dt>"File"</dt><dd>{d.file_name.clone()}</dd>
                        <dt>"API"</dt><dd>{format!("{} {}", d.title, d.api_version)}</dd>
                        <dt>"OpenAPI"</dt><dd>{d.openapi_version.clone()}</dd>
                        <dt>"Operations"</dt><dd>{d.operations.len()}</dd>
                        <dt>"Size"</dt><dd>{size_text(d.size_bytes.max(0) as usize)}</dd>
                    </dl>
                    <p><a href=format!("/catalog/{name}/reference")>"Read the API reference"</a></p>
                    <ActionForm action=remove attr:class="inline">
                        <input type="hidden" name="id" value=remove_id/>
                        <button type="submit" class="secondary">"Remove documentation"</button>
                    </ActionForm>
                    <FormError error=action_error(remove)/>
                }.into_any(),
            }}
            <form method="post" action=UploadDocumentation::PATH enctype="multipart/form-data" class="stack narrow-form" novalidate>
                <input type="hidden" name="id" value=product_id/>
                <label>"OpenAPI document"
                    <input type="file" name=DOCUMENT_FIELD accept=".json,.yaml,.yml,application/json,application/yaml" aria-describedby="document-hint"/>
                </label>
                <p class="hint" id="document-hint">{format!("OpenAPI 3.0 or 3.1, as JSON or YAML, at most {MAX_DOCUMENT_MB} MB. References ($ref) must point inside the document.")}</p>
                <FieldError error field=DOCUMENT_FIELD/>
                {move || error.get().filter(|e| e.field_message(DOCUMENT_FIELD).is_none()).map(|e| view! { <p class="error" role="alert">{e.to_string()}</p> })}
                <button type="submit">{if has_document { "Replace document" } else { "Upload document" }}</button>
            </form>
        </section>
    }
}
