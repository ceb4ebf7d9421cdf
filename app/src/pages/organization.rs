//! `/admin/organizations/{id}`: an organization's teams and its first users, with links to the
//! team pages and to the users list filtered by the organization.

use crate::api::organizations::get_organization;
use crate::api::teams::list_teams;
use crate::api::users::list_users;
use crate::components::query_href;
use crate::domain::format_time;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn OrganizationPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let organization = Resource::new(id, get_organization);
    let teams = Resource::new(id, |id| list_teams(String::new(), id));
    let users = Resource::new(id, |id| {
        list_users(
            String::new(),
            id,
            String::new(),
            String::new(),
            "name".into(),
            String::new(),
        )
    });
    view! {
        <Title text="Organization · Portico"/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let org = match organization.await {
                    Ok(org) => org,
                    Err(e) => return view! { <h1>"Organization"</h1><p role="alert">{e.to_string()}</p> }.into_any(),
                };
                let teams = teams.await.unwrap_or_default();
                let users = users.await.ok();
                view! {
                    <div class="page-head">
                        <h1>{org.name.clone()}</h1>
                        {org.is_default.then(|| view! { <span class="status">"Default organization"</span> })}
                    </div>
                    <p><a href="/admin/organizations">"All organizations"</a></p>
                    <h2>{format!("Teams ({})", org.teams)}</h2>
                    <table class="data">
                        <thead><tr><th>"Team"</th><th>"Members"</th></tr></thead>
                        <tbody>
                            {teams.into_iter().map(|t| view! {
                                <tr>
                                    <td>
                                        <a href=format!("/admin/teams/{}", t.id)>{t.name}</a>
                                        {t.is_default.then(|| view! { " " <span class="status">"Default"</span> })}
                                    </td>
                                    <td>{t.members}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <h2>{format!("Users ({})", org.users)}</h2>
                    {match users {
                        Some(page) if !page.users.is_empty() => view! {
                            <table class="data">
                                <thead><tr><th>"Name"</th><th>"Email"</th><th>"Teams"</th><th>"Status"</th><th>"Created"</th></tr></thead>
                                <tbody>
                                    {page.users.into_iter().map(|u| view! {
                                        <tr>
                                            <td><a href=format!("/admin/users/{}", u.id)>{format!("{} {}", u.first_name, u.last_name)}</a></td>
                                            <td>{u.email}</td>
                                            <td>{u.teams.join(", ")}</td>
                                            <td><span class=format!("status {}", u.status.key())>{u.status.label()}</span></td>
                                            <td>{format_time(u.created_at)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        _ => view! { <p class="empty">"No users in this organization."</p> }.into_any(),
                    }}
                    <p><a href=query_href("/admin/users", &[("organization", &org.id)])>"All users of this organization, with search and filters"</a></p>
                }.into_any()
            })}
        </Suspense>
    }
}
