//! `/`: the public start page; a signed-in consumer sees who they are and can log out.

use crate::api::auth::{Logout, me};
use crate::api::catalog::browse_catalog;
use crate::pages::catalog::EntryList;
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
                            {(!user.role.is_admin()).then(|| view! { <Featured/> })}
                            <p><a href="/account">"Your account"</a></p>
                            <ActionForm action=logout>
                                <button type="submit">"Log out"</button>
                            </ActionForm>
                        }.into_any(),
                        _ => view! {
                            <p>"The developer portal's back office."</p>
                            <p><a href="/catalog">"Browse the API catalog"</a></p>
                            <p><a href="/login">"Log in"</a>" · "<a href="/register">"Register"</a></p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// A signed-in consumer's APIs: the catalog's products they may see, or a plain line.
#[component]
fn Featured() -> impl IntoView {
    let entries = Resource::new(|| (), |_| browse_catalog(String::new(), String::new()));
    view! {
        <section aria-labelledby="your-apis">
            <h2 id="your-apis">"Your APIs"</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match entries.await {
                        Ok(list) if list.is_empty() => view! {
                            <p>"No APIs are available to you yet."</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <EntryList entries=list/>
                            <p><a href="/catalog">"Browse the API catalog"</a></p>
                        }.into_any(),
                        Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
