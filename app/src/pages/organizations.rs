//! `/admin/organizations`: search, add, rename and delete organizations.

use crate::api::organizations::{
    CreateOrganization, DeleteOrganization, RenameOrganization, list_organizations,
};
use crate::components::{FieldError, FormError, action_error};
use crate::domain::organization::OrganizationRow;
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
    let rows = Resource::new(
        move || {
            (
                param("q"),
                create.version().get(),
                rename.version().get(),
                delete.version().get(),
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
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(rows) => view! { <OrganizationsTable rows rename delete/> }.into_any(),
                    Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OrganizationsTable(
    rows: Vec<OrganizationRow>,
    rename: ServerAction<RenameOrganization>,
    delete: ServerAction<DeleteOrganization>,
) -> impl IntoView {
    let query = use_query_map();
    let renaming = query
        .with_untracked(|q| q.get("rename"))
        .unwrap_or_default();
    let deleting = query
        .with_untracked(|q| q.get("delete"))
        .unwrap_or_default();
    let rename_error = action_error(rename);
    view! {
        <table class="data">
            <thead><tr><th>"Name"</th><th>"Teams"</th><th>"Users"</th><th></th></tr></thead>
            <tbody>
                {rows.into_iter().map(|o| {
                    let (rename_id, rename_name) = (o.id.clone(), o.name.clone());
                    let (delete_id, delete_name, delete_label) = (o.id.clone(), o.name.clone(), format!("Delete {}", o.name));
                    let users = o.users;
                    let aria_label = delete_label.clone();
                    let name_cell = if o.id == renaming {
                        view! {
                            <ActionForm action=rename attr:class="filters">
                                <input type="hidden" name="id" value=rename_id/>
                                <label>"New name" <input name="name" value=rename_name/></label>
                                <button type="submit">"Rename"</button>
                                <a href="/admin/organizations">"Cancel"</a>
                            </ActionForm>
                            <FieldError error=rename_error field="name"/>
                        }.into_any()
                    } else {
                        view! {
                            <a href=format!("/admin/organizations/{}", o.id)>{o.name.clone()}</a>
                            {o.is_default.then(|| view! { " " <span class="status">"Default"</span> })}
                        }.into_any()
                    };
                    let confirm = (o.id == deleting && !o.is_default).then(move || view! {
                        <div class="confirm" role="alertdialog" aria-label=aria_label>
                            <p>{format!(
                                "Delete {delete_name}? Its {users} users move to “Default Organization All users”; its teams are deleted."
                            )}</p>
                            <ActionForm action=delete>
                                <input type="hidden" name="id" value=delete_id/>
                                <button type="submit" class="danger">{delete_label}</button>
                                " " <a href="/admin/organizations">"Cancel"</a>
                            </ActionForm>
                        </div>
                    });
                    view! {
                        <tr>
                            <td>{name_cell}{confirm}</td>
                            <td>{o.teams}</td>
                            <td><a href=format!("/admin/users?organization={}", o.id) aria-label=format!("{} users of {}", o.users, o.name)>{o.users}</a></td>
                            <td class="row-actions">
                                <a href=format!("/admin/organizations?rename={}", o.id)>"Rename"</a>
                                {(!o.is_default).then(|| view! {
                                    " · " <a href=format!("/admin/organizations?delete={}", o.id)>"Delete"</a>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
