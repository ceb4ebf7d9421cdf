//! `/register`: self-registration, with an optional invite code.

use crate::api::account::{Register, registration_open};
use crate::components::{FieldError, FormError, action_error};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let query = use_query_map();
    let action = ServerAction::<Register>::new();
    let error = action_error(action);
    let open = Resource::new(|| (), |_| registration_open());
    let submitted = move || query.with(|q| q.get("submitted")).is_some();
    let echoed = move |field: &'static str| {
        error
            .get()
            .and_then(|e| e.echoed(field))
            .unwrap_or_default()
    };
    let code_from_link = move || query.with(|q| q.get("code")).unwrap_or_default();
    view! {
        <Title text="Register · Portico"/>
        <main class="public narrow">
            <h1>"Register"</h1>
            <Show
                when=move || !submitted()
                fallback=|| view! {
                    <p class="notice" role="status">"Thank you for registering. We have sent you an email with what happens next."</p>
                    <p><a href="/login">"Log in"</a></p>
                }
            >
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        (open.await == Ok(false)).then(|| view! {
                            <p class="notice">"Registration is open only with an invite code."</p>
                        })
                    })}
                </Suspense>
                <ActionForm action=action attr:class="stack">
                    <FormError error/>
                    <label>"First name" <input name="form[first_name]" autocomplete="given-name" required value=move || echoed("first_name")/></label>
                    <FieldError error field="first_name"/>
                    <label>"Last name" <input name="form[last_name]" autocomplete="family-name" required value=move || echoed("last_name")/></label>
                    <FieldError error field="last_name"/>
                    <label>"Email" <input name="form[email]" type="email" autocomplete="email" required value=move || echoed("email")/></label>
                    <FieldError error field="email"/>
                    <label>"Password" <input name="form[password]" type="password" autocomplete="new-password" required/></label>
                    <FieldError error field="password"/>
                    <label>"Confirm password" <input name="form[confirm_password]" type="password" autocomplete="new-password" required/></label>
                    <FieldError error field="confirm_password"/>
                    <label>"Invite code" <span class="hint">"(optional)"</span>
                        <input name="form[invite_code]" autocomplete="off"
                            value=move || { let e = echoed("invite_code"); if e.is_empty() { code_from_link() } else { e } }/>
                    </label>
                    <FieldError error field="invite_code"/>
                    <button type="submit">"Register"</button>
                </ActionForm>
                <p>"Already registered? " <a href="/login">"Log in"</a></p>
            </Show>
        </main>
    }
}
