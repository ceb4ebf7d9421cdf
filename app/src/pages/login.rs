//! `/login`: one sign-in page for admins and consumers.

use crate::api::auth::Login;
use crate::components::{FormError, action_error};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let error = action_error(action);
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next")).unwrap_or_default();
    let notice = move || {
        query.with(|q| {
            if q.get("reset").is_some() {
                Some("Your password was changed. Log in with your new password.")
            } else if q.get("signed_out").is_some() {
                Some("You were signed out everywhere.")
            } else {
                None
            }
        })
    };
    view! {
        <main class="public narrow">
            <h1>"Log in"</h1>
            {move || notice().map(|m| view! { <p class="notice" role="status">{m}</p> })}
            <ActionForm action=action attr:class="stack">
                <FormError error/>
                <input type="hidden" name="next" value=next/>
                <label>"Email" <input type="email" name="email" autocomplete="username" required/></label>
                <label>"Password" <input type="password" name="password" autocomplete="current-password" required/></label>
                <button type="submit">"Log in"</button>
            </ActionForm>
            <p><a href="/forgot-password">"Forgot password?"</a></p>
            <p>"New here? " <a href="/register">"Register"</a></p>
        </main>
    }
}
