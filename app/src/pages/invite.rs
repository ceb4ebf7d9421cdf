//! `/invite?token=…`: the invited consumer chooses a password. Opening the page consumes nothing.

use crate::api::invitations::{AcceptInvitation, InvitationView, RequestNewInvitation, invitation};
use crate::components::{FormError, NewPasswordFields, action_error};
use crate::domain::format_time;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn InvitePage() -> impl IntoView {
    let token = move || use_query_map().with(|q| q.get("token")).unwrap_or_default();
    let view_of = Resource::new(token, invitation);
    let accept = ServerAction::<AcceptInvitation>::new();
    let request = ServerAction::<RequestNewInvitation>::new();
    let error = action_error(accept);
    view! {
        <Title text="Invitation · Portico"/>
        <main class="public narrow">
            <Suspense fallback=|| view! { <p>"Checking the invitation…"</p> }>
                {move || Suspend::new(async move {
                    match view_of.await {
                        Ok(InvitationView::Valid { first_name, last_name, email, expires_at }) => view! {
                            <h1>{format!("Welcome, {first_name} {last_name}")}</h1>
                            <p>"You are invited as " <strong>{email}</strong> ". Choose a password to finish."</p>
                            <ActionForm action=accept attr:class="stack">
                                <FormError error/>
                                <input type="hidden" name="token" value=token/>
                                <NewPasswordFields error first=true/>
                                <button type="submit">"Accept invitation"</button>
                            </ActionForm>
                            <p class="hint">{format!("This link expires on {}.", format_time(expires_at))}</p>
                        }.into_any(),
                        Ok(other) => {
                            let message = match other {
                                InvitationView::Expired => "This invitation has expired.",
                                InvitationView::Used => "This invitation was already used.",
                                InvitationView::Revoked => "This invitation was withdrawn.",
                                _ => "This invitation link is not valid.",
                            };
                            view! {
                                <h1>"Invitation"</h1>
                                <p role="alert">{message}</p>
                                {move || if request.value().get().is_some_and(|r| r.is_ok()) {
                                    view! { <p role="status">"Thank you. If this link was yours, the portal's administrators have been told and will send you a new invitation."</p> }.into_any()
                                } else {
                                    view! {
                                        <ActionForm action=request>
                                            <input type="hidden" name="token" value=token/>
                                            <button type="submit">"Request a new invitation"</button>
                                        </ActionForm>
                                    }.into_any()
                                }}
                                <p><a href="/login">"Log in"</a></p>
                            }.into_any()
                        }
                        Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
