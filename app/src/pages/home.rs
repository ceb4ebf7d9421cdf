//! `/`: the public landing page.

use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <main class="public">
            <h1>"Portico"</h1>
            <p>"The developer portal's back office."</p>
            <p><a href="/login">"Log in"</a></p>
        </main>
    }
}
