//! `/reset-password?token=…`: chooses a new password from a reset link. Opening it consumes nothing.

use crate::api::account::{ResetLinkView, ResetPassword, reset_link};
use crate::components::{FormError, NewPasswordFields, action_error};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let token = move || use_query_map().with(|q| q.get("token")).unwrap_or_default();
    let link = Resource::new(token, reset_link);
    let action = ServerAction::<ResetPassword>::new();
    let error = action_error(action);
    view! {
        <Title text="Choose a new password · Portico"/>
        <main class="public narrow">
            <h1>"Choose a new password"</h1>
            <Suspense fallback=|| view! { <p>"Checking the link…"</p> }>
                {move || Suspend::new(async move {
                    match link.await {
                        Ok(ResetLinkView::Valid { email }) => view! {
                            <p>"For " <strong>{email}</strong> ". Every device signed in to this account will be signed out."</p>
                            <ActionForm action=action attr:class="stack">
                                <FormError error/>
                                <input type="hidden" name="token" value=token/>
                                <NewPasswordFields error/>
                                <button type="submit">"Change password"</button>
                            </ActionForm>
                        }.into_any(),
                        Ok(ResetLinkView::Dead { message }) => view! {
                            <p role="alert">{message}</p>
                            <p><a href="/forgot-password">"Ask for a new link"</a></p>
                        }.into_any(),
                        Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
