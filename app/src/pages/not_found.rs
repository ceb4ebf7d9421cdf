//! The page for any path that matches no route.

use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="public">
            <h1>"Page not found"</h1>
            <p><a href="/">"Go to the start page"</a></p>
        </main>
    }
}
