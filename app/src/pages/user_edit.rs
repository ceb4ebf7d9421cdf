//! `/admin/users/{id}/edit`: every field of a consumer but the password, with the add form's rules.

use crate::api::users::{UpdateUser, get_user, user_choices};
use crate::components::{
    ConsumerPlacement, FieldChecks, FormError, PersonFields, StoredPerson, action_error,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn EditUserPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let user = Resource::new(id, get_user);
    let choices = Resource::new(|| (), |_| user_choices());
    let action = ServerAction::<UpdateUser>::new();
    let error = action_error(action);
    view! {
        <Title text="Edit user · Portico"/>
        <h1>"Edit user"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let (user, choices) = (user.await, choices.await);
                let (user, (organizations, teams)) = match (user, choices) {
                    (Ok(u), Ok(c)) => (u, c),
                    (Err(e), _) | (_, Err(e)) => return view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                };
                let checks = FieldChecks::new(error);
                let back = format!("/admin/users/{}", user.id);
                let stored = StoredPerson {
                    first_name: user.first_name.clone(),
                    last_name: user.last_name.clone(),
                    email: user.email.clone(),
                };
                let member_of = user.teams.iter().map(|t| t.id.clone()).collect();
                view! {
                    <ActionForm action=action attr:class="stack narrow-form" attr:novalidate=true>
                        <FormError error/>
                        <input type="hidden" name="id" value=user.id.clone()/>
                        <PersonFields checks stored/>
                        <ConsumerPlacement checks prefix="edit-user" organizations teams
                            organization_id=user.organization_id.clone() member_of role=user.role
                            teams_hint="None chosen: the organization's default team. Moving to another organization leaves the old teams."/>
                        <div class="actions">
                            <button type="submit">"Save"</button>
                            <a class="button secondary" href=back>"Cancel"</a>
                        </div>
                    </ActionForm>
                }.into_any()
            })}
        </Suspense>
    }
}
