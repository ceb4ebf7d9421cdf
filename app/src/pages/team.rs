//! `/admin/teams/{id}`: a team's members, adding one by email and removing one (a member left
//! with no team goes back to the organization's default team).

use crate::api::teams::{AddTeamMember, RemoveTeamMember, get_team};
use crate::api::users::{PAGE_SIZE, list_users};
use crate::components::{FieldError, FormError, action_error, query_href};
use crate::domain::team::TeamRow;
use crate::domain::user::UserPage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn TeamPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let cursor = move || query.with(|q| q.get("cursor")).unwrap_or_default();
    let add = ServerAction::<AddTeamMember>::new();
    let remove = ServerAction::<RemoveTeamMember>::new();
    let versions = move || (add.version().get(), remove.version().get());
    let team = Resource::new(move || (id(), versions()), |(id, _)| get_team(id));
    let members = Resource::new(
        move || (id(), cursor(), versions()),
        |(id, cursor, _)| {
            list_users(
                String::new(),
                String::new(),
                id,
                String::new(),
                "name".into(),
                cursor,
            )
        },
    );
    let add_error = action_error(add);
    view! {
        <Title text="Team · Portico"/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match team.await {
                    Ok(team) => view! { <TeamHead team/> }.into_any(),
                    Err(e) => view! { <h1>"Team"</h1><p role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
        <h2>"Add member"</h2>
        <ActionForm action=add attr:class="filters" attr:novalidate=true>
            <input type="hidden" name="team_id" value=id/>
            <label>"Email of a user in this organization"
                <input name="email" type="email" autocomplete="off"
                    value=move || add_error.get().and_then(|e| e.echoed("email")).unwrap_or_default()/>
            </label>
            <button type="submit">"Add member"</button>
        </ActionForm>
        <FieldError error=add_error field="email"/>
        <FormError error=add_error/>
        <FormError error=action_error(remove)/>
        {move || add.value().get().and_then(|r| r.ok()).map(|_| view! { <p class="notice" role="status">"Member added."</p> })}
        {move || remove.value().get().and_then(|r| r.ok()).map(|_| view! { <p class="notice" role="status">"Member removed."</p> })}
        <h2>"Members"</h2>
        <Suspense fallback=|| view! { <p>"Loading members…"</p> }>
            {move || Suspend::new(async move {
                match members.await {
                    Ok(page) => view! { <MembersTable page team_id=id() remove/> }.into_any(),
                    Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TeamHead(team: TeamRow) -> impl IntoView {
    view! {
        <div class="page-head">
            <h1>{team.name.clone()}</h1>
            {team.is_default.then(|| view! { <span class="status">"Default team"</span> })}
        </div>
        <dl class="details">
            <dt>"Organization"</dt>
            <dd><a href=format!("/admin/organizations/{}", team.organization_id)>{team.organization.clone()}</a></dd>
            <dt>"Members"</dt>
            <dd>{team.members}</dd>
        </dl>
        <p><a href=query_href("/admin/users", &[("team", &team.id)])>"Open these members in the users list"</a></p>
    }
}

#[component]
fn MembersTable(
    page: UserPage,
    team_id: String,
    remove: ServerAction<RemoveTeamMember>,
) -> impl IntoView {
    if page.users.is_empty() {
        return view! { <p class="empty">"No members yet."</p> }.into_any();
    }
    let next = page
        .next_cursor
        .map(|c| query_href(&format!("/admin/teams/{team_id}"), &[("cursor", &c)]));
    let first = format!("/admin/teams/{team_id}");
    view! {
        <table class="data">
            <thead><tr><th>"Name"</th><th>"Email"</th><th>"Status"</th><th></th></tr></thead>
            <tbody>
                {page.users.into_iter().map(|u| {
                    let name = format!("{} {}", u.first_name, u.last_name);
                    let label = format!("Remove {name}");
                    let team_id = team_id.clone();
                    view! {
                        <tr>
                            <td><a href=format!("/admin/users/{}", u.id)>{name}</a></td>
                            <td>{u.email}</td>
                            <td><span class=format!("status {}", u.status.key())>{u.status.label()}</span></td>
                            <td class="row-actions">
                                <ActionForm action=remove>
                                    <input type="hidden" name="team_id" value=team_id/>
                                    <input type="hidden" name="user_id" value=u.id/>
                                    <button type="submit" class="link" aria-label=label>"Remove"</button>
                                </ActionForm>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <nav class="pager" aria-label="Pages">
            <a href=first>"First page"</a>
            {next.map(|href| view! { <a href=href rel="next">"Next page"</a> })}
            <span class="muted">{format!("{PAGE_SIZE} per page")}</span>
        </nav>
    }
    .into_any()
}
