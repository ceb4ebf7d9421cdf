//! `/confirm-email?token=…`: a registrant confirms that the address is theirs, with the password
//! they chose. Opening the link (GET) consumes nothing; the form (POST) does.

use crate::api::account::{ConfirmEmail, ConfirmLinkView, confirmation_link};
use crate::components::{FieldError, FormError, action_error};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.with(|q| q.get("token")).unwrap_or_default();
    let confirmed = move || query.with(|q| q.get("confirmed")).is_some();
    let link = Resource::new(token, confirmation_link);
    let action = ServerAction::<ConfirmEmail>::new();
    let error = action_error(action);
    view! {
        <Title text="Confirm your email address · Portico"/>
        <main class="public narrow">
            <h1>"Confirm your email address"</h1>
            <Show
                when=move || !confirmed()
                fallback=|| view! {
                    <p class="notice" role="status">"Your email address is confirmed. An administrator will review your registration, and we will email you when it is decided."</p>
                }
            >
                <Suspense fallback=|| view! { <p>"Checking the link…"</p> }>
                    {move || Suspend::new(async move {
                        match link.await {
                            Ok(ConfirmLinkView::Valid { email }) => view! {
                                <p>"To confirm that " <strong>{email}</strong> " is yours, enter the password you chose when you registered."</p>
                                <ActionForm action=action attr:class="stack">
                                    <FormError error/>
                                    <input type="hidden" name="token" value=token/>
                                    <label>"Password" <input type="password" name="password" autocomplete="current-password" required/></label>
                                    <FieldError error field="password"/>
                                    <button type="submit">"Confirm email"</button>
                                </ActionForm>
                            }.into_any(),
                            Ok(ConfirmLinkView::Dead { message }) => view! {
                                <p role="alert">{message}</p>
                                <p><a href="/login">"Log in"</a>" · "<a href="/register">"Register"</a></p>
                            }.into_any(),
                            Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                        }
                    })}
                </Suspense>
            </Show>
        </main>
    }
}
