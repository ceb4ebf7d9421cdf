//! `/admin/users/{id}/edit`: every field of a consumer but the password, with the add form's rules.

use crate::api::users::{UpdateUser, get_user, user_choices};
use crate::components::{FieldError, FormError, action_error};
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
                let value = move |field: &'static str, stored: String| {
                    move || error.get().and_then(|e| e.echoed(field)).unwrap_or_else(|| stored.clone())
                };
                // After a refused post (also without JavaScript) the form shows what was chosen.
                let echoed = |field| error.get_untracked().and_then(|e| e.echoed(field));
                let org = RwSignal::new(echoed("organization_id").filter(|o| !o.is_empty()).unwrap_or_else(|| user.organization_id.clone()));
                let member_of: Vec<String> = match echoed("team_ids") {
                    Some(ids) => ids.split(',').filter(|t| !t.is_empty()).map(str::to_owned).collect(),
                    None => user.teams.iter().map(|t| t.id.clone()).collect(),
                };
                let teams_of_org = move || teams.iter().filter(|t| t.organization_id == org.get()).cloned().collect::<Vec<_>>();
                let back = format!("/admin/users/{}", user.id);
                let is_admin = user.role == crate::domain::Role::ConsumerAdmin;
                view! {
                    <ActionForm action=action attr:class="stack narrow-form" attr:novalidate=true>
                        <FormError error/>
                        <input type="hidden" name="id" value=user.id.clone()/>
                        <label>"First name" <input name="form[first_name]" value=value("first_name", user.first_name.clone())/></label>
                        <FieldError error field="first_name"/>
                        <label>"Last name" <input name="form[last_name]" value=value("last_name", user.last_name.clone())/></label>
                        <FieldError error field="last_name"/>
                        <label>"Email" <input name="form[email]" type="email" value=value("email", user.email.clone())/></label>
                        <FieldError error field="email"/>
                        <label for="edit-user-organization">"Organization"</label>
                        <select id="edit-user-organization" name="form[organization_id]" on:change=move |ev| org.set(event_target_value(&ev))>
                            {organizations.into_iter().map(|o| {
                                let selected = o.id == org.get_untracked();
                                view! { <option value=o.id selected=selected>{o.name}</option> }
                            }).collect_view()}
                        </select>
                        <FieldError error field="organization_id"/>
                        <label for="edit-user-teams">"Teams"</label>
                        <select id="edit-user-teams" name="form[team_ids][]" multiple=true aria-describedby="edit-teams-hint">
                            {move || teams_of_org().into_iter().map(|t| {
                                let selected = member_of.contains(&t.id);
                                view! { <option value=t.id selected=selected>{t.name}</option> }
                            }).collect_view()}
                        </select>
                        <p class="hint" id="edit-teams-hint">"None chosen: the organization's default team. Moving to another organization leaves the old teams."</p>
                        <FieldError error field="team_ids"/>
                        <label for="edit-user-role">"Role"</label>
                        <select id="edit-user-role" name="form[role]">
                            <option value="consumer-team-member" selected=!is_admin>"Team member"</option>
                            <option value="consumer-admin" selected=is_admin>"Consumer admin"</option>
                        </select>
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
