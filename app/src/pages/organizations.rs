//! `/admin/organizations`: search, add, rename and delete organizations.

use crate::api::organizations::{
    CreateOrganization, DeleteOrganization, RenameOrganization, list_organizations,
};
use crate::components::{
    ConfirmDialog, FieldError, FormError, action_error, query_href, query_param,
};
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
    let renaming = query_param("rename");
    let deleting = query_param("delete");
    let rename_error = action_error(rename);
    view! {
        <table class="data">
            <thead><tr><th>"Name"</th><th>"Teams"</th><th>"Users"</th><th></th></tr></thead>
            <tbody>
                {rows.into_iter().map(|o| {
                    let name_cell = {
                        let (id, name, is_default) = (o.id.clone(), o.name.clone(), o.is_default);
                        move || if renaming.get() == id {
                            let (id, name) = (id.clone(), name.clone());
                            view! {
                                <ActionForm action=rename attr:class="filters">
                                    <input type="hidden" name="id" value=id/>
                                    <label>"New name" <input name="name" value=name/></label>
                                    <button type="submit">"Rename"</button>
                                    <a href="/admin/organizations">"Cancel"</a>
                                </ActionForm>
                                <FieldError error=rename_error field="name"/>
                            }.into_any()
                        } else {
                            view! {
                                <a href=format!("/admin/organizations/{id}")>{name.clone()}</a>
                                {is_default.then(|| view! { " " <span class="status">"Default"</span> })}
                            }.into_any()
                        }
                    };
                    let confirm = {
                        let (id, name, is_default) = (o.id.clone(), o.name.clone(), o.is_default);
                        let text = format!(
                            "Delete {}? Its {} users move to “Default Organization All users”; its teams are deleted.",
                            o.name, o.users
                        );
                        move || (deleting.get() == id && !is_default).then(|| {
                            let (id, label, text) = (id.clone(), format!("Delete {name}"), text.clone());
                            view! {
                                <ConfirmDialog label=label.clone() text cancel="/admin/organizations">
                                    <ActionForm action=delete>
                                        <input type="hidden" name="id" value=id/>
                                        <button type="submit" class="danger">{label}</button>
                                    </ActionForm>
                                </ConfirmDialog>
                            }
                        })
                    };
                    view! {
                        <tr>
                            <td>{name_cell}{confirm}</td>
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
