//! `/admin/catalogs`: "Catalogs" and "Add new catalog"; a catalog's form sets its name,
//! "Visibility", "Audience" (teams of any organization, and whole organizations), "API products"
//! and "Plans" (SPEC §9).

use crate::api::catalog::{
    CatalogEditorView, CreateCatalog, DeleteCatalog, UpdateCatalog, catalog_editor, list_catalogs,
};
use crate::components::{ConfirmAction, FieldError, FormError, Loaded, action_error, query_href};
use crate::domain::catalog::{CatalogRow, Visibility};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn CatalogsPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |key: &'static str| query.with(|q| q.get(key)).unwrap_or_default();
    let delete = ServerAction::<DeleteCatalog>::new();
    let rows = Resource::new(move || delete.version().get(), |_| list_catalogs());
    let notice = move || {
        if !param("created").is_empty() {
            Some("Catalog added.")
        } else if !param("saved").is_empty() {
            Some("Changes saved.")
        } else if !param("deleted").is_empty() {
            Some("Catalog deleted.")
        } else {
            None
        }
    };
    view! {
        <Title text="Catalogs · Portico"/>
        <div class="page-head">
            <h1>"Catalogs"</h1>
            <a class="button" href="/admin/catalogs/new">"Add new catalog"</a>
        </div>
        <p>"A catalog offers API products and plans to its audience: anyone when Public, only the chosen teams and organizations when Private."</p>
        {move || notice().map(|text| view! { <p class="notice" role="status">{text}</p> })}
        <FormError error=action_error(delete)/>
        <Loaded resource=rows let:rows>
            <CatalogsTable rows delete/>
        </Loaded>
    }
}

#[component]
fn CatalogsTable(rows: Vec<CatalogRow>, delete: ServerAction<DeleteCatalog>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty">"No catalogs yet: no consumer sees any API product."</p> }
            .into_any();
    }
    view! {
        <table class="data">
            <thead><tr><th>"Catalog"</th><th>"Visibility"</th><th>"API products"</th><th>"Plans"</th><th>"Audience"</th><th></th></tr></thead>
            <tbody>
                {rows.into_iter().map(|c| {
                    let text = format!(
                        "Delete the catalog {}? Its {} API products and {} plans stay, but its audience no longer sees them through it. This cannot be undone.",
                        c.name, c.products, c.plans
                    );
                    let audience = match c.visibility {
                        Visibility::Public => "Anyone".to_owned(),
                        Visibility::Private if c.audience == 0 => "Admins only".to_owned(),
                        Visibility::Private if c.audience == 1 => "1 team or organization".to_owned(),
                        Visibility::Private => format!("{} teams or organizations", c.audience),
                    };
                    view! {
                        <tr>
                            <td><a href=format!("/admin/catalogs/{}", c.id)>{c.name.clone()}</a></td>
                            <td>{c.visibility.label()}</td>
                            <td>{c.products}</td>
                            <td>{c.plans}</td>
                            <td>{audience}</td>
                            <td class="row-actions">
                                <a href=query_href("/admin/catalogs", &[("delete", &c.id)]) aria-label=format!("Delete {}", c.name)>"Delete"</a>
                                <ConfirmAction action=delete key="delete" id=c.id.clone() label="Delete".to_owned() text cancel="/admin/catalogs"/>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// `/admin/catalogs/new` and `/admin/catalogs/{id}`.
#[component]
pub fn CatalogEditorPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let create = ServerAction::<CreateCatalog>::new();
    let update = ServerAction::<UpdateCatalog>::new();
    let data = Resource::new(id, catalog_editor);
    view! {
        <Title text="Catalog · Portico"/>
        <p><a href="/admin/catalogs">"← Catalogs"</a></p>
        <Loaded resource=data let:data>
            <CatalogEditor data create update/>
        </Loaded>
    }
}

#[component]
fn CatalogEditor(
    data: CatalogEditorView,
    create: ServerAction<CreateCatalog>,
    update: ServerAction<UpdateCatalog>,
) -> impl IntoView {
    let CatalogEditorView {
        catalog,
        products,
        plans,
        organizations,
        teams,
    } = data;
    let create_error = action_error(create);
    let update_error = action_error(update);
    let error = Signal::derive(move || create_error.get().or_else(|| update_error.get()));
    let title = catalog
        .as_ref()
        .map_or_else(|| "Add new catalog".to_owned(), |c| c.name.clone());
    let stored_name = catalog.as_ref().map(|c| c.name.clone()).unwrap_or_default();
    let stored_visibility = catalog
        .as_ref()
        .map_or(Visibility::Private, |c| c.visibility);
    // After a refused post (without JavaScript the page is drawn anew), what was chosen.
    let posted = |field: &str, stored: Vec<String>| match error.get_untracked() {
        Some(e) => e
            .echoed(field)
            .map(|ids| {
                ids.split(',')
                    .filter(|i| !i.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or(stored),
        None => stored,
    };
    let chosen = catalog
        .clone()
        .map(|c| (c.product_ids, c.plan_ids, c.team_ids, c.organization_ids));
    let (product_ids, plan_ids, team_ids, organization_ids) = chosen.unwrap_or_default();
    let product_ids = posted("product_ids", product_ids);
    let plan_ids = posted("plan_ids", plan_ids);
    let team_ids = posted("team_ids", team_ids);
    let organization_ids = posted("organization_ids", organization_ids);
    let no_audience = catalog.as_ref().is_some_and(|c| {
        c.visibility == Visibility::Private
            && c.team_ids.is_empty()
            && c.organization_ids.is_empty()
    });
    let name = move || {
        error
            .get()
            .and_then(|e| e.echoed("name"))
            .unwrap_or_else(|| stored_name.clone())
    };
    let visibility = move || {
        error
            .get()
            .and_then(|e| e.echoed("visibility"))
            .and_then(|v| Visibility::parse(&v))
            .unwrap_or(stored_visibility)
    };
    let fields = view! {
        <label>"Name" <input name="form[name]" required value=name autocomplete="off"/></label>
        <FieldError error field="name"/>
        <fieldset>
            <legend>"Visibility"</legend>
            <label class="check"><input type="radio" name="form[visibility]" value="public" checked=move || visibility() == Visibility::Public/>"Public: anyone, signed in or not"</label>
            <label class="check"><input type="radio" name="form[visibility]" value="private" checked=move || visibility() == Visibility::Private/>"Private: only its audience"</label>
            <FieldError error field="visibility"/>
        </fieldset>
        <fieldset>
            <legend>"Audience"</legend>
            <p class="hint">"For a Private catalog: the teams and whole organizations (all their teams, now and later) who see it. With none, only admins see it."</p>
            <label for="catalog-organizations">"Organizations"</label>
            <select id="catalog-organizations" name="form[organization_ids][]" multiple=true size="6">
                {organizations.iter().map(|o| {
                    let is = organization_ids.contains(&o.id);
                    view! { <option value=o.id.clone() selected=is>{o.name.clone()}</option> }
                }).collect_view()}
            </select>
            <label for="catalog-teams">"Teams"</label>
            <select id="catalog-teams" name="form[team_ids][]" multiple=true size="10">
                {organizations.iter().map(|o| {
                    let of_org: Vec<_> = teams.iter().filter(|t| t.organization_id == o.id).map(|t| {
                        let is = team_ids.contains(&t.id);
                        view! { <option value=t.id.clone() selected=is>{t.name.clone()}</option> }
                    }).collect();
                    view! { <optgroup label=o.name.clone()>{of_org}</optgroup> }
                }).collect_view()}
            </select>
        </fieldset>
        <fieldset>
            <legend>"API products"</legend>
            {if products.is_empty() { view! { <p class="hint">"No API products yet."</p> }.into_any() } else {
                products.iter().map(|p| {
                    let is = product_ids.contains(&p.id);
                    view! { <label class="check"><input type="checkbox" name="form[product_ids][]" value=p.id.clone() checked=is/>{p.name.clone()}</label> }
                }).collect_view().into_any()
            }}
        </fieldset>
        <fieldset>
            <legend>"Plans"</legend>
            {if plans.is_empty() { view! { <p class="hint">"No plans yet."</p> }.into_any() } else {
                plans.iter().map(|p| {
                    let is = plan_ids.contains(&p.id);
                    view! { <label class="check"><input type="checkbox" name="form[plan_ids][]" value=p.id.clone() checked=is/>{p.name.clone()}</label> }
                }).collect_view().into_any()
            }}
        </fieldset>
        <FormError error/>
        <button type="submit">"Save"</button>
    };
    view! {
        <h1>{title}</h1>
        {no_audience.then(|| view! {
            <p class="notice" role="status">"This catalog is Private with no audience: only admins see its products."</p>
        })}
        {match catalog {
            None => view! {
                <ActionForm action=create attr:class="stack narrow-form" attr:novalidate=true>{fields}</ActionForm>
            }.into_any(),
            Some(c) => view! {
                <ActionForm action=update attr:class="stack narrow-form" attr:novalidate=true>
                    <input type="hidden" name="id" value=c.id/>
                    {fields}
                </ActionForm>
            }.into_any(),
        }}
    }
}
