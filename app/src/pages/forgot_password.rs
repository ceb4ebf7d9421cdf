//! `/forgot-password`: asks for a reset link; the answer is the same for every email.

use crate::api::account::ForgotPassword;
use crate::components::{FieldError, FormError, action_error};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let action = ServerAction::<ForgotPassword>::new();
    let error = action_error(action);
    let sent = move || query.with(|q| q.get("sent")).is_some();
    view! {
        <Title text="Forgot password · Portico"/>
        <main class="public narrow">
            <h1>"Forgot password?"</h1>
            <Show
                when=move || !sent()
                fallback=|| view! {
                    <p class="notice" role="status">"If an account uses this email, we have sent it a link to choose a new password. The link works for one hour."</p>
                    <p><a href="/login">"Log in"</a></p>
                }
            >
                <p>"Enter your email and we will send you a link to choose a new password."</p>
                <ActionForm action=action attr:class="stack">
                    <FormError error/>
                    <label>"Email" <input name="email" type="email" autocomplete="email" required/></label>
                    <FieldError error field="email"/>
                    <button type="submit">"Send reset link"</button>
                </ActionForm>
                <p><a href="/login">"Back to log in"</a></p>
            </Show>
        </main>
    }
}
