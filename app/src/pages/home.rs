//! `/`: the public start page; a signed-in consumer sees who they are and can log out.

use crate::api::auth::{Logout, me};
use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    let user = Resource::new(|| (), |_| me());
    let logout = ServerAction::<Logout>::new();
    view! {
        <main class="public">
            <h1>"Portico"</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match user.await {
                        Ok(Some(user)) => view! {
                            <p class="signed-in">{format!("Signed in as {}", user.email)}</p>
                            {user.role.is_admin().then(|| view! { <p><a href="/admin">"Go to the admin app"</a></p> })}
                            {(!user.role.is_admin()).then(|| view! { <p><a href="/dashboard">"My dashboard"</a></p> })}
                            <p><a href="/account">"Your account"</a></p>
                            <ActionForm action=logout>
                                <button type="submit">"Log out"</button>
                            </ActionForm>
                        }.into_any(),
                        _ => view! {
                            <p>"The developer portal's back office."</p>
                            <p><a href="/login">"Log in"</a>" · "<a href="/register">"Register"</a></p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
