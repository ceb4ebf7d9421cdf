//! `/catalog/{product}/reference`: a product's API reference, rendered on the server from its
//! OpenAPI document (SPEC §9). It needs no JavaScript: each operation has an anchor, and the
//! product page's table of contents links to them. A product the viewer may not see, or one
//! without documentation, is the same 404 as a product that does not exist.

use crate::api::documentation::api_reference;
use crate::domain::documentation::ReferencePage as Reference;
use crate::error::AppError;
use crate::pages::not_found::NotFound;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

/// The reference as the page's resource holds it. The rendered HTML can be megabytes, and a
/// resource read on the server is also written into the page for hydration; the HTML is left out
/// of that copy (`skip_serializing`), because hydration keeps the server's markup of an
/// `inner_html` element as it is. After a navigation in the browser the server function's answer
/// carries the HTML in full, and it is drawn from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Shown {
    name: String,
    display_name: String,
    title: String,
    api_version: String,
    openapi_version: String,
    file_name: String,
    #[serde(skip_serializing, default)]
    html: String,
}

impl From<Reference> for Shown {
    fn from(page: Reference) -> Self {
        Self {
            name: page.name,
            display_name: page.display_name,
            title: page.document.title,
            api_version: page.document.api_version,
            openapi_version: page.document.openapi_version,
            file_name: page.document.file_name,
            html: page.html,
        }
    }
}

#[component]
pub fn ReferencePage() -> impl IntoView {
    let params = use_params_map();
    let name = move || params.with(|p| p.get("product")).unwrap_or_default();
    let page = Resource::new(name, |name| async move {
        api_reference(name).await.map(Shown::from)
    });
    view! {
        <Suspense fallback=|| view! { <main class="public"><p>"Loading…"</p></main> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(shown) => view! { <ReferenceView shown/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(e) => view! { <main class="public"><p role="alert">{e.to_string()}</p></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ReferenceView(shown: Shown) -> impl IntoView {
    let Shown {
        name,
        display_name,
        title,
        api_version,
        openapi_version,
        file_name,
        html,
    } = shown;
    view! {
        <Title text="API reference · Portico"/>
        <main class="public wide api-reference">
            <p><a href=format!("/catalog/{name}")>{format!("← {display_name}")}</a></p>
            <h1>"API reference"</h1>
            <p class="hint">
                {format!("{title} {api_version} · OpenAPI {openapi_version} · from {file_name}")}
            </p>
            <div class="reference-body" inner_html=html></div>
        </main>
    }
}
