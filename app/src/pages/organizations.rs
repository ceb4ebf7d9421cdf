//! `/admin/organizations`: search, add, rename and delete organizations.

use crate::api::organizations::{
    CreateOrganization, DeleteOrganization, RenameOrganization, list_organizations,
};
use crate::components::{FieldError, FormError, Loaded, RenamableName, action_error, query_href};
use crate::domain::organization::OrganizationRow;
use crate::pages::organization_requests::{Decisions, PendingRequests};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn OrganizationsPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |key: &'static str| query.with(|q| q.get(key)).unwrap_or_default();
    let create = ServerAction::<CreateOrganization>::new();
    let rename = ServerAction::<RenameOrganization>::new();
    let delete = ServerAction::<DeleteOrganization>::new();
    let decisions = Decisions::default();
    let rows = Resource::new(
        move || {
            (
                param("q"),
                create.version().get(),
                rename.version().get(),
                delete.version().get(),
                decisions.version(),
            )
        },
        |(q, ..)| list_organizations(q),
    );
    let create_error = action_error(create);
    view! {
        <Title text="Organizations · Portico"/>
        <div class="page-head"><h1>"Organizations"</h1></div>
        {move || (!param("added").is_empty()).then(|| view! { <p class="notice" role="status">"Organization added."</p> })}
        {move || (!param("deleted").is_empty()).then(|| view! { <p class="notice" role="status">"Organization deleted."</p> })}
        {move || (!param("approved").is_empty() || decisions.approve.value().get().is_some_and(|r| r.is_ok())).then(|| view! {
            <p class="notice" role="status">"Request approved: the organization exists and the requester is its consumer admin. They were emailed."</p>
        })}
        {move || (!param("rejected").is_empty() || decisions.reject.value().get().is_some_and(|r| r.is_ok())).then(|| view! {
            <p class="notice" role="status">"Request rejected. The requester was emailed."</p>
        })}
        <PendingRequests decisions/>
        <form method="get" action="/admin/organizations" class="filters" role="search">
            <label>"Search" <input type="search" name="q" value=move || param("q")/></label>
            <button type="submit">"Search"</button>
        </form>
        <h2>"Add new organization"</h2>
        <ActionForm action=create attr:class="filters" attr:novalidate=true>
            <label>"Name" <input name="name" autocomplete="off" aria-describedby="name-error"/></label>
            <button type="submit">"Add organization"</button>
        </ActionForm>
        <FieldError error=create_error field="name"/>
        <FormError error=create_error/>
        <FormError error=action_error(rename)/>
        <FormError error=action_error(delete)/>
        <Loaded resource=rows let:rows>
            <OrganizationsTable rows rename delete/>
        </Loaded>
    }
}

#[component]
fn OrganizationsTable(
    rows: Vec<OrganizationRow>,
    rename: ServerAction<RenameOrganization>,
    delete: ServerAction<DeleteOrganization>,
) -> impl IntoView {
    view! {
        <table class="data">
            <thead><tr><th>"Name"</th><th>"Teams"</th><th>"Users"</th><th></th></tr></thead>
            <tbody>
                {rows.into_iter().map(|o| {
                    let delete_text = format!(
                        "Delete {}? Its {} users move to “Default Organization All users”; its teams are deleted.",
                        o.name, o.users
                    );
                    view! {
                        <tr>
                            <td>
                                <RenamableName rename delete id=o.id.clone() name=o.name.clone()
                                    is_default=o.is_default href=format!("/admin/organizations/{}", o.id)
                                    list="/admin/organizations" delete_text/>
                            </td>
                            <td>{o.teams}</td>
                            <td><a href=query_href("/admin/users", &[("organization", &o.id)]) aria-label=format!("{} users of {}", o.users, o.name)>{o.users}</a></td>
                            <td class="row-actions">
                                <a href=query_href("/admin/organizations", &[("rename", &o.id)])>"Rename"</a>
                                {(!o.is_default).then(|| view! {
                                    " · " <a href=query_href("/admin/organizations", &[("delete", &o.id)])>"Delete"</a>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
