//! `/account`: the signed-in person's own profile, password, organization and teams.

use crate::api::account::{ChangeOwnPassword, SignOutEverywhere, UpdateProfile, account};
use crate::api::auth::Logout;
use crate::components::{FieldError, FormError, NewPasswordFields, action_error};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AccountPage() -> impl IntoView {
    let query = use_query_map();
    let profile = ServerAction::<UpdateProfile>::new();
    let password = ServerAction::<ChangeOwnPassword>::new();
    let everywhere = ServerAction::<SignOutEverywhere>::new();
    let logout = ServerAction::<Logout>::new();
    let profile_error = action_error(profile);
    let password_error = action_error(password);
    let data = Resource::new(move || profile.version().get(), |_| account());
    let notice = move || match query.with(|q| q.get("saved")).as_deref() {
        Some("profile") => Some("Your name was saved."),
        Some("password") => Some("Your password was changed. Your other sessions were signed out."),
        _ => query
            .with(|q| q.get("welcome"))
            .map(|_| "Welcome! Your account is ready."),
    };
    view! {
        <Title text="Your account · Portico"/>
        <main class="public narrow">
            <h1>"Your account"</h1>
            {move || notice().map(|m| view! { <p class="notice" role="status">{m}</p> })}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(me) => {
                            let echoed = move |field: &'static str, stored: &str| {
                                profile_error.get().and_then(|e| e.echoed(field)).unwrap_or_else(|| stored.to_owned())
                            };
                            let (first, last) = (me.first_name.clone(), me.last_name.clone());
                            view! {
                                {me.organization.is_some().then(|| view! { <p><a href="/dashboard">"My dashboard"</a></p> })}
                                <dl class="details">
                                    <dt>"Email"</dt><dd>{me.email.clone()}</dd>
                                    {me.organization.clone().map(|org| view! {
                                        <dt>"Organization"</dt><dd>{org}</dd>
                                        <dt>"Teams"</dt><dd>{me.teams.join(", ")}</dd>
                                    })}
                                </dl>
                                <h2>"Profile"</h2>
                                <ActionForm action=profile attr:class="stack">
                                    <label>"First name" <input name="first_name" autocomplete="given-name" required value=move || echoed("first_name", &first)/></label>
                                    <FieldError error=profile_error field="first_name"/>
                                    <label>"Last name" <input name="last_name" autocomplete="family-name" required value=move || echoed("last_name", &last)/></label>
                                    <FieldError error=profile_error field="last_name"/>
                                    <button type="submit">"Save"</button>
                                </ActionForm>
                            }.into_any()
                        }
                        Err(AppError::Unauthorized { .. }) => view! {
                            <p role="alert">"Please log in to see your account."</p>
                            <p><a href="/login?next=/account">"Log in"</a></p>
                        }.into_any(),
                        Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <h2>"Password"</h2>
            <ActionForm action=password attr:class="stack">
                <FormError error=password_error/>
                <label>"Current password" <input type="password" name="current_password" autocomplete="current-password" required/></label>
                <FieldError error=password_error field="current_password"/>
                <NewPasswordFields error=password_error/>
                <button type="submit">"Change password"</button>
            </ActionForm>
            <h2>"Sessions"</h2>
            <div class="actions">
                <ActionForm action=logout>
                    <button type="submit" class="secondary">"Log out"</button>
                </ActionForm>
                <ActionForm action=everywhere>
                    <button type="submit" class="secondary">"Sign out everywhere"</button>
                </ActionForm>
            </div>
        </main>
    }
}
