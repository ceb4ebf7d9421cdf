//! `/dashboard`: "My dashboard" of a signed-in consumer, with "Users" (SPEC §8.1).

use crate::api::dashboard::{InviteColleague, my_users};
use crate::api::organization_requests::RequestOrganization;
use crate::components::{FieldError, FormError, action_error};
use crate::domain::admin::role_label;
use crate::domain::colleague::{Colleagues, LIMIT};
use crate::domain::organization_request::RequestOutcome;
use crate::domain::user::Choice;
use crate::error::AppError;
use crate::pages::apps::DashboardTabs;
use crate::pages::organization_requests::CreateOrganization;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let query = use_query_map();
    let search = move || query.with(|q| q.get("q")).unwrap_or_default();
    let invite = ServerAction::<InviteColleague>::new();
    let request = ServerAction::<RequestOrganization>::new();
    // An organization granted at once puts the viewer in it: the list follows.
    let people = Resource::new(
        move || (search(), invite.version().get(), request.version().get()),
        |(q, ..)| my_users(q),
    );
    let failed = action_error(invite);
    let invited = move || {
        failed.get().is_none()
            && (query.with(|q| q.get("invited")).is_some()
                || invite.value().get().is_some_and(|r| r.is_ok()))
    };
    let removed = move || query.with(|q| q.get("removed")).is_some();
    let created = move || {
        query.with(|q| q.get("created")).is_some()
            || request
                .value()
                .get()
                .is_some_and(|r| matches!(r, Ok(RequestOutcome::Created { .. })))
    };
    view! {
        <Title text="My dashboard · Portico"/>
        <main class="public wide">
            <h1>"My dashboard"</h1>
            <DashboardTabs current="/dashboard"/>
            <h2>"Users"</h2>
            {move || invited().then(|| view! {
                <p class="notice" role="status">"Invitation sent. They appear below as Invited until they set their password."</p>
            })}
            {move || removed().then(|| view! {
                <p class="notice" role="status">"Removed from the organization: they are in the portal's default organization now."</p>
            })}
            {move || created().then(|| view! {
                <p class="notice" role="status">"Your organization was created and you are its consumer admin: invite your colleagues below."</p>
            })}
            <Form method="GET" action="/dashboard" attr:class="filters" attr:role="search">
                <label>"Search"
                    <input type="search" name="q" value=move || query.with_untracked(|q| q.get("q")).unwrap_or_default() placeholder="Name or email"/>
                </label>
                <button type="submit" class="secondary">"Search"</button>
            </Form>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match people.await {
                        Ok(list) => {
                            let teams = list.viewer_teams.clone();
                            let may_invite = list.viewer_is_admin && list.organization.is_some();
                            view! {
                                <PeopleTable list/>
                                {may_invite.then(|| view! { <InviteForm action=invite teams/> })}
                            }.into_any()
                        }
                        Err(AppError::Unauthorized { .. }) => view! {
                            <p role="alert">"Please log in to see your dashboard."</p>
                            <p><a href="/login?next=/dashboard">"Log in"</a></p>
                        }.into_any(),
                        Err(AppError::Forbidden) => view! {
                            <p role="alert">"My dashboard is for API consumers. "<a href="/admin">"Go to the admin app"</a></p>
                        }.into_any(),
                        Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <CreateOrganization action=request/>
        </main>
    }
}

#[component]
fn PeopleTable(list: Colleagues) -> impl IntoView {
    let Some(organization) = list.organization else {
        return view! {
            <p class="empty">"You are not in an organization yet, so there is nobody to list here. People appear once your company's organization has you in a team."</p>
        }
        .into_any();
    };
    let intro = if list.viewer_is_admin {
        format!("People of {organization} who share a team with you.")
    } else {
        format!(
            "People of {organization} who share a team with you. Only a consumer admin of your organization can change them."
        )
    };
    if list.people.is_empty() {
        return view! { <p>{intro}</p><p class="empty">"Nobody matches this search."</p> }
            .into_any();
    }
    view! {
        <p>{intro}</p>
        <table class="data">
            <thead><tr><th>"Name"</th><th>"Email"</th><th>"Role"</th><th>"Teams"</th><th>"Status"</th></tr></thead>
            <tbody>
                {list.people.into_iter().map(|p| view! {
                    <tr>
                        <td>{
                            let name = format!("{} {}", p.first_name, p.last_name);
                            if list.viewer_is_admin {
                                view! { <a href=format!("/dashboard/users/{}", p.id)>{name}</a> }.into_any()
                            } else {
                                name.into_any()
                            }
                        }</td>
                        <td>{p.email}</td>
                        <td>{role_label(p.role)}</td>
                        <td>{p.teams.join(", ")}</td>
                        <td>{p.status.label()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        {list.more.then(|| view! { <p class="hint">{format!("Showing the first {LIMIT}; search to find the others.")}</p> })}
    }
    .into_any()
}

/// "Invite new user" of a consumer admin: a person of their organization, in their own teams.
#[component]
fn InviteForm(action: ServerAction<InviteColleague>, teams: Vec<Choice>) -> impl IntoView {
    let error = action_error(action);
    let echoed = move |field: &'static str| {
        error
            .get()
            .and_then(|e| e.echoed(field))
            .unwrap_or_default()
    };
    // Hydrated, a sent invitation clears the form for the next one (without JavaScript the
    // redirect shows a fresh page). Only in the browser: `cargo test --workspace` builds this
    // crate with both features, and an effect made while the server renders would be scheduled
    // outside any local task set (a consumer admin's page then never answered).
    let form = NodeRef::<leptos::html::Form>::new();
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    Effect::new(move |_| {
        if action.value().get().is_some_and(|r| r.is_ok())
            && let Some(form) = form.get()
        {
            form.reset();
        }
    });
    view! {
        <h2>"Invite new user"</h2>
        <ActionForm action node_ref=form attr:class="stack">
            <FormError error/>
            <label>"First name" <input name="form[first_name]" autocomplete="off" required value=move || echoed("first_name")/></label>
            <FieldError error field="first_name"/>
            <label>"Last name" <input name="form[last_name]" autocomplete="off" required value=move || echoed("last_name")/></label>
            <FieldError error field="last_name"/>
            <label>"Email" <input type="email" name="form[email]" autocomplete="off" required value=move || echoed("email")/></label>
            <FieldError error field="email"/>
            <label>"Role"
                <select name="form[role]">
                    <option value="consumer-team-member">"Team member"</option>
                    <option value="consumer-admin">"Consumer admin"</option>
                </select>
            </label>
            <FieldError error field="role"/>
            <input type="hidden" name="form[organization_id]" value=""/>
            <fieldset>
                <legend>"Teams"</legend>
                <p class="hint">"None ticked: the organization's default team."</p>
                {teams.into_iter().map(|t| view! {
                    <label class="check"><input type="checkbox" name="form[team_ids][]" value=t.id/>{t.name}</label>
                }).collect_view()}
            </fieldset>
            <FieldError error field="team_ids"/>
            <button type="submit">"Send invite"</button>
        </ActionForm>
    }
}
