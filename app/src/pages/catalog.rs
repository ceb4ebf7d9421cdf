//! `/catalog` and `/catalog/{product}`: the API products the viewer may see (anonymous visitors:
//! Public catalogs only), and one product with its description, getting-started guide and the
//! plans offered (SPEC §9). A product the viewer may not see is the same 404 as one that does
//! not exist.

use crate::api::catalog::{browse_catalog, view_product};
use crate::components::query_href;
use crate::domain::catalog::{CatalogEntry, CatalogProduct, PlanOffer};
use crate::domain::documentation::DocumentInfo;
use crate::error::AppError;
use crate::pages::not_found::NotFound;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn CatalogPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |key: &'static str| query.with(|q| q.get(key)).unwrap_or_default();
    let entries = Resource::new(
        move || (param("q"), param("tag")),
        |(q, tag)| browse_catalog(q, tag),
    );
    view! {
        <Title text="API catalog · Portico"/>
        <main class="public wide">
            <p><a href="/">"← Portico"</a></p>
            <h1>"API catalog"</h1>
            <form method="get" action="/catalog" class="filters" role="search">
                <label>"Search" <input type="search" name="q" value=move || param("q")/></label>
                {move || {
                    let tag = param("tag");
                    (!tag.is_empty()).then(|| view! { <input type="hidden" name="tag" value=tag/> })
                }}
                <button type="submit">"Search"</button>
            </form>
            {move || {
                let tag = param("tag");
                (!tag.is_empty()).then(|| view! {
                    <p>"Tagged "<strong>{tag}</strong>" · "<a href=query_href("/catalog", &[("q", &param("q"))])>"Any tag"</a></p>
                })
            }}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match entries.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty">"No API products match."</p>
                        }.into_any(),
                        Ok(list) => view! { <EntryList entries=list/> }.into_any(),
                        Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// Products as cards: display name (a link to the product), summary and tags.
#[component]
pub fn EntryList(entries: Vec<CatalogEntry>) -> impl IntoView {
    view! {
        <ul class="catalog">
            {entries.into_iter().map(|e| view! {
                <li class="product-card">
                    <h2><a href=format!("/catalog/{}", e.name)>{e.display_name}</a></h2>
                    {(!e.published).then(|| view! { <p class="badge">"Unpublished: only admins see it"</p> })}
                    <p>{e.summary}</p>
                    {(!e.tags.is_empty()).then(|| view! {
                        <p class="tags">
                            {e.tags.into_iter().map(|t| view! {
                                <a class="tag" href=query_href("/catalog", &[("tag", &t)])>{t.clone()}</a>" "
                            }).collect_view()}
                        </p>
                    })}
                </li>
            }).collect_view()}
        </ul>
    }
}

/// `/catalog/{product}`.
#[component]
pub fn CatalogProductPage() -> impl IntoView {
    let params = use_params_map();
    let name = move || params.with(|p| p.get("product")).unwrap_or_default();
    let product = Resource::new(name, view_product);
    view! {
        <Suspense fallback=|| view! { <main class="public"><p>"Loading…"</p></main> }>
            {move || Suspend::new(async move {
                match product.await {
                    Ok(product) => view! { <ProductView product/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(e) => view! { <main class="public"><p role="alert">{e.to_string()}</p></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProductView(product: CatalogProduct) -> impl IntoView {
    let CatalogProduct {
        name,
        display_name,
        summary,
        tags,
        published,
        description_html,
        getting_started_html,
        plans,
        documentation,
        ..
    } = product;
    view! {
        <Title text="API product · Portico"/>
        <main class="public wide product">
            <p><a href="/catalog">"← API catalog"</a></p>
            <h1>{display_name}</h1>
            {(!published).then(|| view! { <p class="badge">"Unpublished: only admins see it"</p> })}
            <p class="summary">{summary}</p>
            {(!tags.is_empty()).then(|| view! {
                <p class="tags">{tags.into_iter().map(|t| view! { <a class="tag" href=query_href("/catalog", &[("tag", &t)])>{t.clone()}</a>" " }).collect_view()}</p>
            })}
            <div class="markdown" inner_html=description_html></div>
            {(!getting_started_html.is_empty()).then(|| view! {
                <section aria-labelledby="getting-started">
                    <h2 id="getting-started">"Getting started"</h2>
                    <div class="markdown" inner_html=getting_started_html></div>
                </section>
            })}
            {documentation.map(|document| view! { <ReferenceContents name=name.clone() document/> })}
            <section aria-labelledby="plans-title">
                <h2 id="plans-title">"Plans"</h2>
                {if plans.is_empty() {
                    view! { <p>"No plan is offered to you for this product yet."</p> }.into_any()
                } else {
                    view! {
                        <PlanList plans=plans.clone()/>
                        <RequestAccess product=name.clone() plans/>
                    }.into_any()
                }}
            </section>
        </main>
    }
}

/// "API reference": the operations by tag, each a link to its place in the reference.
#[component]
fn ReferenceContents(name: String, document: DocumentInfo) -> impl IntoView {
    let reference = format!("/catalog/{name}/reference");
    let count = document.operations.len();
    view! {
        <section aria-labelledby="reference-title" class="reference-contents">
            <h2 id="reference-title">"API reference"</h2>
            <p>
                {format!("{} {} · {count} operation{}", document.title, document.api_version, if count == 1 { "" } else { "s" })}
                " · "<a href=reference.clone()>"Read the API reference"</a>
            </p>
            {document.by_tag().into_iter().map(|(tag, operations)| view! {
                <h3>{tag}</h3>
                <ul class="operations">
                    {operations.into_iter().map(|op| view! {
                        <li>
                            <a href=format!("{reference}#{}", op.anchor)>
                                <span class=format!("method method-{}", op.method.to_lowercase())>{op.method.clone()}</span>" "
                                <code>{op.path}</code>
                            </a>
                            {(!op.summary.is_empty()).then(|| view! { " "{op.summary} })}
                        </li>
                    }).collect_view()}
                </ul>
            }).collect_view()}
        </section>
    }
}

#[component]
fn PlanList(plans: Vec<PlanOffer>) -> impl IntoView {
    view! {
        <ul class="plans">
            {plans.into_iter().map(|p| view! {
                <li class="plan">
                    <h3>{p.display_name.clone()}</h3>
                    {(!p.description.is_empty()).then(|| view! { <p>{p.description.clone()}</p> })}
                    <dl class="facts">
                        <dt>"Rate limit"</dt><dd>{p.terms.rate_text()}</dd>
                        <dt>"Usage quota"</dt><dd>{p.terms.quota_text()}</dd>
                        <dt>"Key expires"</dt><dd>{p.terms.expiry_text()}</dd>
                        <dt>"Approval"</dt><dd>{if p.terms.auto_approve { "Automatic" } else { "Reviewed by the API provider" }}</dd>
                    </dl>
                    <a class="button" href=format!("?plan={}#request-access", p.id) aria-label=format!("Request access with {}", p.display_name)>"Request access"</a>
                </li>
            }).collect_view()}
        </ul>
    }
}

/// "Request access" (SPEC §10): a plan offered, one of the viewer's apps or a new one, and a
/// comment. Strangers are asked to log in; admins are told where requests are decided.
#[component]
fn RequestAccess(product: String, plans: Vec<PlanOffer>) -> impl IntoView {
    use crate::api::apps::{AccessOffer, RequestAccess, request_offer};
    use crate::components::{FieldError, FormError, action_error, textarea_text};
    let action = ServerAction::<RequestAccess>::new();
    let error = action_error(action);
    let apps = Resource::new(|| (), |_| request_offer());
    let query = use_query_map();
    let chosen = move || query.with(|q| q.get("plan")).unwrap_or_default();
    let echoed = move |field: &str| {
        error
            .get()
            .and_then(|e| e.echoed(field))
            .unwrap_or_default()
    };
    let login = format!("/login?next=/catalog/{product}");
    view! {
        <section aria-labelledby="request-access-title" id="request-access">
            <h2 id="request-access-title">"Request access"</h2>
            <Suspense fallback=|| ()>
                {move || {
                    let (product, plans, login) = (product.clone(), plans.clone(), login.clone());
                    Suspend::new(async move {
                        match apps.await {
                            Ok(AccessOffer::Anonymous) => view! {
                                <p>"Log in to request access with one of your apps. "<a href=login>"Log in"</a></p>
                            }.into_any(),
                            Ok(AccessOffer::Admin) => view! {
                                <p>"API consumers request access here; admins decide under "<a href="/admin/access-requests">"Access requests"</a>"."</p>
                            }.into_any(),
                            Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                            Ok(AccessOffer::Consumer(mine)) => {
                                view! {
                                    <ActionForm action attr:class="stack narrow-form">
                                        <FormError error/>
                                        <input type="hidden" name="form[product]" value=product/>
                                        <label>"Plan"
                                            <select name="form[plan]" required aria-describedby="plan-error">
                                                {plans.into_iter().map(|p| {
                                                    let id = p.id.clone();
                                                    let selected = move || chosen() == id || echoed("plan") == id;
                                                    view! { <option value=p.id.clone() selected=selected>{p.display_name.clone()}</option> }
                                                }).collect_view()}
                                            </select>
                                        </label>
                                        <FieldError error field="plan"/>
                                        <label>"App"
                                            <select name="form[app]" aria-describedby="app-error">
                                                <option value="">"Create app"</option>
                                                {mine.into_iter().map(|a| {
                                                    let id = a.id.clone();
                                                    let selected = move || echoed("app") == id;
                                                    view! { <option value=a.id.clone() selected=selected>{a.name.clone()}</option> }
                                                }).collect_view()}
                                            </select>
                                        </label>
                                        <FieldError error field="app"/>
                                        <label>"New app name"
                                            <input name="form[new_app]" value=move || echoed("new_app") aria-describedby="new_app-error new-app-hint"/>
                                        </label>
                                        <p class="hint" id="new-app-hint">"With \"Create app\": the app is made with the request (Personal; change it on the app's page)."</p>
                                        <FieldError error field="new_app"/>
                                        <label>"Comment"
                                            <textarea name="form[comment]" rows="3" aria-describedby="comment-error">{textarea_text(echoed("comment"))}</textarea>
                                        </label>
                                        <FieldError error field="comment"/>
                                        <button type="submit">"Submit request"</button>
                                    </ActionForm>
                                }.into_any()
                            }
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}
