//! `/login`: one sign-in page for admins and consumers.

use crate::api::auth::Login;
use crate::components::{FormError, action_error};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let error = action_error(action);
    let next = move || use_query_map().with(|q| q.get("next")).unwrap_or_default();
    view! {
        <main class="public narrow">
            <h1>"Log in"</h1>
            <ActionForm action=action attr:class="stack">
                <FormError error/>
                <input type="hidden" name="next" value=next/>
                <label>"Email" <input type="email" name="email" autocomplete="username" required/></label>
                <label>"Password" <input type="password" name="password" autocomplete="current-password" required/></label>
                <button type="submit">"Log in"</button>
            </ActionForm>
        </main>
    }
}
