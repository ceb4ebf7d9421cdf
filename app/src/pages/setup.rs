//! `/setup?token=…`: creates the first admin from the one-time link printed in the log.

use crate::api::auth::{CompleteSetup, setup_link_valid};
use crate::components::{FieldError, FormError, action_error};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SetupPage() -> impl IntoView {
    let token = move || use_query_map().with(|q| q.get("token")).unwrap_or_default();
    let valid = Resource::new(token, setup_link_valid);
    let action = ServerAction::<CompleteSetup>::new();
    let error = action_error(action);
    view! {
        <main class="public narrow">
            <h1>"Create the first admin"</h1>
            <Suspense fallback=|| view! { <p>"Checking the link…"</p> }>
                {move || Suspend::new(async move {
                    match valid.await {
                        Ok(true) => view! {
                            <ActionForm action=action attr:class="stack">
                                <FormError error/>
                                <input type="hidden" name="token" value=token/>
                                <label>"Email" <input type="email" name="email" autocomplete="username" required/></label>
                                <FieldError error field="email"/>
                                <label>"Password" <input type="password" name="password" autocomplete="new-password" required/></label>
                                <FieldError error field="password"/>
                                <label>"Confirm password" <input type="password" name="confirm_password" autocomplete="new-password" required/></label>
                                <FieldError error field="confirm_password"/>
                                <button type="submit">"Create admin"</button>
                            </ActionForm>
                        }.into_any(),
                        Ok(false) => view! {
                            <p role="alert">"This setup link is not valid: it was used, replaced by a newer one, or an admin already exists."</p>
                            <p><a href="/login">"Log in"</a></p>
                        }.into_any(),
                        Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
