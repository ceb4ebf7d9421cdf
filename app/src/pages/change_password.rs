//! `/change-password`: a user who must change their password can do only this.

use crate::api::auth::ChangePassword;
use crate::components::{FormError, NewPasswordFields, action_error};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let error = action_error(action);
    view! {
        <Title text="Choose a new password · Portico"/>
        <main class="public narrow">
            <h1>"Choose a new password"</h1>
            <p>"Your administrator asks you to choose a new password before you continue."</p>
            <ActionForm action=action attr:class="stack">
                <FormError error/>
                <NewPasswordFields error/>
                <button type="submit">"Change password"</button>
            </ActionForm>
        </main>
    }
}
