//! `/admin/teams`: search and filter by organization, add, rename and delete teams.

use crate::api::teams::{CreateTeam, DeleteTeam, RenameTeam, list_teams};
use crate::api::users::user_choices;
use crate::components::{FieldError, FormError, Loaded, RenamableName, action_error, query_href};
use crate::domain::team::TeamRow;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn TeamsPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |key: &'static str| query.with(|q| q.get(key)).unwrap_or_default();
    let create = ServerAction::<CreateTeam>::new();
    let rename = ServerAction::<RenameTeam>::new();
    let delete = ServerAction::<DeleteTeam>::new();
    let rows = Resource::new(
        move || {
            (
                param("q"),
                param("organization"),
                create.version().get(),
                rename.version().get(),
                delete.version().get(),
            )
        },
        |(q, org, ..)| list_teams(q, org),
    );
    let choices = Resource::new(|| (), |_| user_choices());
    let create_error = action_error(create);
    view! {
        <Title text="Teams · Portico"/>
        <div class="page-head"><h1>"Teams"</h1></div>
        {move || (!param("added").is_empty()).then(|| view! { <p class="notice" role="status">"Team added."</p> })}
        {move || (!param("deleted").is_empty()).then(|| view! { <p class="notice" role="status">"Team deleted; its members without another team are in their organization's default team."</p> })}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let organizations = choices.await.map(|(o, _)| o).unwrap_or_default();
                let selected = param("organization");
                let filter_options = organizations.clone();
                view! {
                    <form method="get" action="/admin/teams" class="filters" role="search">
                        <label>"Search" <input type="search" name="q" value=param("q")/></label>
                        <label>"Organization"
                            <select name="organization">
                                <option value="">"All"</option>
                                {filter_options.into_iter().map(|o| {
                                    let is = o.id == selected;
                                    view! { <option value=o.id selected=is>{o.name}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                        <button type="submit">"Search"</button>
                    </form>
                    <h2>"Add new team"</h2>
                    <ActionForm action=create attr:class="filters" attr:novalidate=true>
                        <label>"Name" <input name="name" autocomplete="off"/></label>
                        <label for="new-team-organization">"Organization"</label>
                        <select id="new-team-organization" name="organization_id">
                            {organizations.into_iter().map(|o| view! { <option value=o.id>{o.name}</option> }).collect_view()}
                        </select>
                        <button type="submit">"Add team"</button>
                    </ActionForm>
                }
            })}
        </Suspense>
        <FieldError error=create_error field="name"/>
        <FormError error=create_error/>
        <FormError error=action_error(rename)/>
        <FormError error=action_error(delete)/>
        <Loaded resource=rows let:rows>
            <TeamsTable rows rename delete/>
        </Loaded>
    }
}

#[component]
fn TeamsTable(
    rows: Vec<TeamRow>,
    rename: ServerAction<RenameTeam>,
    delete: ServerAction<DeleteTeam>,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty">"No teams match."</p> }.into_any();
    }
    view! {
        <table class="data">
            <thead><tr><th>"Team"</th><th>"Organization"</th><th>"Members"</th><th></th></tr></thead>
            <tbody>
                {rows.into_iter().map(|t| {
                    let delete_text = format!(
                        "Delete {}? Its {} members stay in {}; those with no other team join its default team.",
                        t.name, t.members, t.organization
                    );
                    view! {
                        <tr>
                            <td>
                                <RenamableName rename delete id=t.id.clone() name=t.name.clone()
                                    is_default=t.is_default href=format!("/admin/teams/{}", t.id)
                                    list="/admin/teams" delete_text/>
                            </td>
                            <td><a href=format!("/admin/organizations/{}", t.organization_id)>{t.organization.clone()}</a></td>
                            <td><a href=query_href("/admin/users", &[("team", &t.id)]) aria-label=format!("{} members of {}", t.members, t.name)>{t.members}</a></td>
                            <td class="row-actions">
                                <a href=query_href("/admin/teams", &[("rename", &t.id)])>"Rename"</a>
                                {(!t.is_default).then(|| view! {
                                    " · " <a href=query_href("/admin/teams", &[("delete", &t.id)])>"Delete"</a>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
