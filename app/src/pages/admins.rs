//! `/admin/settings/admins`: the provider's admins, "Add new admin user" (a password with
//! must-change, or an invitation later) and, for the admins the viewer may change, invite,
//! activate or deactivate, and delete with a confirmation.

use crate::api::admins::{AddAdmin, ChangeAdmin, SendAdminInvite, UpdateAdmin, list_admins};
use crate::components::{
    ConfirmDialog, FieldChecks, FieldError, FormError, InitialPassword, PersonFields, StoredPerson,
    action_error, query_href, query_param,
};
use crate::domain::admin::{AdminRow, role_label};
use crate::domain::user::UserStatus;
use crate::domain::{Role, format_time};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AdminsPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |key: &'static str| query.with(|q| q.get(key)).unwrap_or_default();
    let add = ServerAction::<AddAdmin>::new();
    let invite = ServerAction::<SendAdminInvite>::new();
    let change = ServerAction::<ChangeAdmin>::new();
    let update = ServerAction::<UpdateAdmin>::new();
    let admins = Resource::new(
        move || {
            (
                add.version().get(),
                invite.version().get(),
                change.version().get(),
                update.version().get(),
            )
        },
        |_| list_admins(),
    );
    view! {
        <Title text="Admins · Portico"/>
        <p><a href="/admin/settings">"Settings"</a></p>
        <div class="page-head">
            <h1>"Admins"</h1>
            <a class="button" href="/admin/settings/admins?add=1">"Add new admin user"</a>
        </div>
        {move || (!param("added").is_empty()).then(|| view! { <p class="notice" role="status">"Admin added."</p> })}
        {move || (!param("deleted").is_empty()).then(|| view! { <p class="notice" role="status">"Admin deleted."</p> })}
        {move || (!param("saved").is_empty() || update.value().get().is_some_and(|r| r.is_ok())).then(|| view! { <p class="notice" role="status">"Admin saved."</p> })}
        {move || invite.value().get().and_then(|r| r.ok()).map(|_| view! { <p class="notice" role="status">"Invitation sent."</p> })}
        {move || change.value().get().and_then(|r| r.ok()).map(|_| view! { <p class="notice" role="status">"Status changed."</p> })}
        <FormError error=action_error(invite)/>
        <FormError error=action_error(change)/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match admins.await {
                    Ok(view) => {
                        let viewer = view.viewer_role;
                        let adding = param("add") == "1";
                        // "Edit" of an admin the viewer may change, following `?edit=` (hydrated,
                        // the link changes only the query).
                        let editable: Vec<AdminRow> = view
                            .admins
                            .iter()
                            .filter(|a| a.changeable_by(viewer))
                            .cloned()
                            .collect();
                        let editing = query_param("edit");
                        view! {
                            {adding.then(|| view! { <AddAdminForm add viewer/> })}
                            {move || {
                                let id = editing.get();
                                editable.iter().find(|a| a.id == id).cloned()
                                    .map(|admin| view! { <EditAdminForm update admin viewer/> })
                            }}
                            <AdminsTable admins=view.admins viewer viewer_id=view.viewer_id invite change/>
                        }.into_any()
                    }
                    Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AddAdminForm(add: ServerAction<AddAdmin>, viewer: Role) -> impl IntoView {
    let error = action_error(add);
    let checks = FieldChecks::new(error);
    let super_admin_chosen = checks.echoed("role").as_deref() == Some("super-admin");
    view! {
        <section class="panel" aria-labelledby="add-admin-title">
            <h2 id="add-admin-title">"Add new admin user"</h2>
            <ActionForm action=add attr:class="stack narrow-form" attr:novalidate=true>
                <FormError error/>
                <PersonFields checks/>
                <label for="add-admin-role">"Role"</label>
                <select id="add-admin-role" name="form[role]">
                    <option value="provider-admin">"Provider admin"</option>
                    {(viewer == Role::SuperAdmin).then(|| view! {
                        <option value="super-admin" selected=super_admin_chosen>"Super admin"</option>
                    })}
                </select>
                <FieldError error field="role"/>
                <input type="hidden" name="form[organization_id]" value=""/>
                <InitialPassword checks hint="Leave empty to send an invitation from the list instead."/>
                <div class="actions">
                    <button type="submit">"Save"</button>
                    <a class="button secondary" href="/admin/settings/admins">"Cancel"</a>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn EditAdminForm(
    update: ServerAction<UpdateAdmin>,
    admin: AdminRow,
    viewer: Role,
) -> impl IntoView {
    let error = action_error(update);
    let checks = FieldChecks::new(error);
    let stored = StoredPerson {
        first_name: admin.first_name.clone(),
        last_name: admin.last_name.clone(),
        email: admin.email.clone(),
    };
    let role = checks
        .echoed("role")
        .unwrap_or_else(|| admin.role.as_str().to_owned());
    let name = format!("{} {}", admin.first_name, admin.last_name);
    view! {
        <section class="panel" aria-labelledby="edit-admin-title">
            <h2 id="edit-admin-title">{format!("Edit {name}")}</h2>
            <ActionForm action=update attr:class="stack narrow-form" attr:novalidate=true>
                <FormError error/>
                <input type="hidden" name="id" value=admin.id.clone()/>
                <PersonFields checks stored/>
                <label for="edit-admin-role">"Role"</label>
                <select id="edit-admin-role" name="form[role]">
                    <option value="provider-admin" selected=role == "provider-admin">"Provider admin"</option>
                    {(viewer == Role::SuperAdmin).then(|| view! {
                        <option value="super-admin" selected=role == "super-admin">"Super admin"</option>
                    })}
                </select>
                <FieldError error field="role"/>
                <input type="hidden" name="form[organization_id]" value=""/>
                <p class="hint">"A new email address ends their other sessions and the links mailed to the old one."</p>
                <div class="actions">
                    <button type="submit">"Save"</button>
                    <a class="button secondary" href="/admin/settings/admins">"Cancel"</a>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn AdminsTable(
    admins: Vec<AdminRow>,
    viewer: Role,
    viewer_id: String,
    invite: ServerAction<SendAdminInvite>,
    change: ServerAction<ChangeAdmin>,
) -> impl IntoView {
    let deleting = query_param("delete");
    view! {
        <table class="data">
            <thead><tr><th>"Name"</th><th>"Email"</th><th>"Role"</th><th>"Status"</th><th>"Created"</th><th></th></tr></thead>
            <tbody>
                {admins.into_iter().map(|a| {
                    let name = format!("{} {}", a.first_name, a.last_name);
                    let may_change = a.changeable_by(viewer);
                    let inactive = a.status == UserStatus::Inactive;
                    let can_invite = matches!(a.status, UserStatus::NotInvited | UserStatus::Invited);
                    // Nobody deactivates or deletes themselves (the store refuses it too).
                    let themselves = a.id == viewer_id;
                    let confirm = {
                        let id = a.id.clone();
                        let text = format!("Delete {name}? Their account and sessions are removed. This cannot be undone.");
                        let label = format!("Delete {name}");
                        move || (may_change && !themselves && deleting.get() == id).then(|| {
                            let (id, label, text) = (id.clone(), label.clone(), text.clone());
                            view! {
                                <ConfirmDialog label=label.clone() text cancel="/admin/settings/admins">
                                    <ActionForm action=change>
                                        <input type="hidden" name="id" value=id/>
                                        <input type="hidden" name="change" value="delete"/>
                                        <button type="submit" class="danger">{label}</button>
                                    </ActionForm>
                                </ConfirmDialog>
                            }
                        })
                    };
                    let actions = may_change.then(|| {
                        let (id1, id2) = (a.id.clone(), a.id.clone());
                        view! {
                            {can_invite.then(|| view! {
                                <ActionForm action=invite attr:class="inline">
                                    <input type="hidden" name="id" value=id1/>
                                    <button type="submit" class="link">
                                        {if a.status == UserStatus::Invited { "Resend invite" } else { "Send invite" }}
                                    </button>
                                </ActionForm>
                            })}
                            {(!themselves).then(|| view! {
                                <ActionForm action=change attr:class="inline">
                                    <input type="hidden" name="id" value=id2/>
                                    <input type="hidden" name="change" value=if inactive { "activate" } else { "deactivate" }/>
                                    <button type="submit" class="link">{if inactive { "Activate" } else { "Deactivate" }}</button>
                                </ActionForm>
                            })}
                            " " <a href=query_href("/admin/settings/admins", &[("edit", &a.id)]) aria-label=format!("Edit {name}")>"Edit"</a>
                            {(!themselves).then(|| view! {
                                " " <a href=query_href("/admin/settings/admins", &[("delete", &a.id)])>"Delete"</a>
                            })}
                        }
                    });
                    view! {
                        <tr>
                            <td>{name.clone()}{confirm}</td>
                            <td>{a.email}</td>
                            <td>{role_label(a.role)}</td>
                            <td><span class=format!("status {}", a.status.key())>{a.status.label()}</span></td>
                            <td>{format_time(a.created_at)}</td>
                            <td class="row-actions">{actions}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
