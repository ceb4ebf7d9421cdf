//! `/admin/users/{id}`: a consumer's details, teams, status, invitations and audit trail, with
//! the "More Options" menu (a `<details>` menu of `ActionForm`s, so it works without wasm).

use crate::api::approvals::{ApproveRegistration, RejectRegistration};
use crate::api::catalog::catalog_access;
use crate::api::teams::{AddUserToTeam, RemoveTeamMember};
use crate::api::users::{
    DeleteUser, RevokeInvite, SendInvite, SendPasswordReset, SetUserActive, get_user, user_choices,
};
use crate::components::{
    ActionButton, ConfirmAction, FieldError, FormError, action_error, query_href,
};
use crate::domain::format_time;
use crate::domain::user::{Choice, UserDetail, UserStatus};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn UserPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let send = ServerAction::<SendInvite>::new();
    let revoke = ServerAction::<RevokeInvite>::new();
    let set_active = ServerAction::<SetUserActive>::new();
    let delete = ServerAction::<DeleteUser>::new();
    let add_team = ServerAction::<AddUserToTeam>::new();
    let remove_team = ServerAction::<RemoveTeamMember>::new();
    let reset = ServerAction::<SendPasswordReset>::new();
    let decide = Decisions {
        approve: ServerAction::<ApproveRegistration>::new(),
        reject: ServerAction::<RejectRegistration>::new(),
    };
    let user = Resource::new(
        move || {
            (
                id(),
                send.version().get(),
                revoke.version().get(),
                set_active.version().get(),
                add_team.version().get(),
                remove_team.version().get(),
                decide.approve.version().get(),
                decide.reject.version().get(),
            )
        },
        |(id, ..)| get_user(id),
    );
    let errors = [
        action_error(send),
        action_error(revoke),
        action_error(set_active),
        action_error(delete),
        action_error(remove_team),
        action_error(reset),
        action_error(decide.approve),
        action_error(decide.reject),
    ];
    let last_error = Signal::derive(move || errors.iter().find_map(|e| e.get()));
    let done = move || {
        if send.value().get().is_some_and(|r| r.is_ok()) {
            Some("Invitation sent.")
        } else if revoke.value().get().is_some_and(|r| r.is_ok()) {
            Some("Invitation revoked.")
        } else if set_active.value().get().is_some_and(|r| r.is_ok()) {
            Some("Status changed.")
        } else if add_team.value().get().is_some_and(|r| r.is_ok()) {
            Some("Added to the team.")
        } else if remove_team.value().get().is_some_and(|r| r.is_ok()) {
            Some("Removed from the team.")
        } else if reset.value().get().is_some_and(|r| r.is_ok()) {
            Some("Password reset link sent.")
        } else {
            None
        }
    };
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(user) => view! {
                        <UserView user send revoke set_active delete add_team remove_team reset decide/>
                    }.into_any(),
                    Err(e) => view! { <h1>"User"</h1><p role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
        <FormError error=last_error/>
        {move || done().map(|m| view! { <p class="notice" role="status">{m}</p> })}
        {move || query.with(|q| q.get("saved")).map(|_| view! { <p class="notice" role="status">"Changes saved."</p> })}
    }
}

#[component]
fn UserView(
    user: UserDetail,
    send: ServerAction<SendInvite>,
    revoke: ServerAction<RevokeInvite>,
    set_active: ServerAction<SetUserActive>,
    delete: ServerAction<DeleteUser>,
    add_team: ServerAction<AddUserToTeam>,
    remove_team: ServerAction<RemoveTeamMember>,
    reset: ServerAction<SendPasswordReset>,
    decide: Decisions,
) -> impl IntoView {
    let (user_id, organization_id, teams) = (
        user.id.clone(),
        user.organization_id.clone(),
        user.teams.clone(),
    );
    let name = format!("{} {}", user.first_name, user.last_name);
    let status_text = match (user.status, user.invitation_expires_at) {
        (UserStatus::Invited, Some(expires)) => {
            format!("Invited (expires {})", format_time(expires))
        }
        (status, _) => status.label().to_owned(),
    };
    let pending_invite = user.invitation_expires_at.is_some();
    let can_invite = !user.has_password && user.status != UserStatus::Inactive;
    let inactive = user.status == UserStatus::Inactive;
    let can_reset = user.has_password && user.status == UserStatus::Active;
    let pending = user.status == UserStatus::PendingApproval;
    let id = user.id.clone();
    let self_href = format!("/admin/users/{id}");
    let confirm_href = query_href(&self_href, &[("delete", &id)]);
    let button = |show: bool, label: &str| show.then(|| (id.clone(), label.to_owned()));
    let active_id = id.clone();
    view! {
        <Title text="User · Portico"/>
        <div class="page-head">
            <h1>{name.clone()}</h1>
            <a class="button secondary" href=format!("/admin/users/{id}/edit")>"Edit"</a>
            // Choosing an action closes the menu (without wasm the page reloads closed anyway).
            <details class="menu" on:submit=close_menu>
                <summary>"More Options"</summary>
                <div class="menu-items">
                    {button(can_invite, if pending_invite { "Resend invite" } else { "Send invite" })
                        .map(|(id, label)| view! { <ActionButton action=send id label/> })}
                    {button(can_reset, "Send password reset")
                        .map(|(id, label)| view! { <ActionButton action=reset id label/> })}
                    {button(pending, "Approve")
                        .map(|(id, label)| view! { <ActionButton action=decide.approve id label/> })}
                    {pending.then(|| view! {
                        <a href=query_href(&self_href, &[("reject", &id)]) role="button">"Reject"</a>
                    })}
                    {button(pending_invite, "Revoke invite")
                        .map(|(id, label)| view! { <ActionButton action=revoke id label/> })}
                    <ActionForm action=set_active>
                        <input type="hidden" name="id" value=active_id/>
                        <input type="hidden" name="active" value=if inactive { "true" } else { "false" }/>
                        <button type="submit">{if inactive { "Activate" } else { "Deactivate" }}</button>
                    </ActionForm>
                    <a class="danger" href=confirm_href.clone() role="button">"Delete"</a>
                </div>
            </details>
        </div>
        <ConfirmAction action=delete key="delete" id=id.clone() label=format!("Delete {name}")
            text=format!("Delete {name}? Their account, sessions and pending invitations are removed. This cannot be undone.")
            cancel=self_href.clone()/>
        <ConfirmAction action=decide.reject key="reject" id=id.clone() label=format!("Reject {name}")
            text=format!("Reject {name}'s registration? They are emailed that it was declined, and cannot sign in unless an admin approves them later.")
            cancel=self_href.clone()/>
        <dl class="details">
            <dt>"Email"</dt><dd>{user.email.clone()}</dd>
            <dt>"Organization"</dt>
            <dd><a href=format!("/admin/organizations/{}", user.organization_id)>{user.organization.clone()}</a></dd>
            <dt>"Role"</dt><dd>{if user.role == crate::domain::Role::ConsumerAdmin { "Consumer admin" } else { "Team member" }}</dd>
            <dt>"Status"</dt><dd class="status-text">{status_text}</dd>
            <dt>"Created"</dt><dd>{format_time(user.created_at)}</dd>
        </dl>
        <UserTeams user_id organization_id teams add=add_team remove=remove_team/>
        <CatalogAccess user_id=id.clone() add=add_team remove=remove_team/>
        <UserApps user_id=id.clone()/>
        <h2>"Invitations"</h2>
        {if user.invitations.is_empty() {
            view! { <p class="empty">"No invitation sent yet."</p> }.into_any()
        } else {
            view! {
                <table class="data">
                    <thead><tr><th>"Created"</th><th>"Expires"</th><th>"Email"</th><th>"State"</th></tr></thead>
                    <tbody>
                        {user.invitations.into_iter().map(|i| {
                            let state = if let Some(at) = i.accepted_at {
                                format!("Accepted {}", format_time(at))
                            } else if let Some(at) = i.revoked_at {
                                format!("Revoked {}", format_time(at))
                            } else {
                                "Pending".to_owned()
                            };
                            let email = match (i.delivered_at, i.email_status.as_deref()) {
                                (Some(at), _) => format!("Delivered to the SMTP server {}", format_time(at)),
                                (None, Some("failed")) => "Delivery failed".to_owned(),
                                (None, Some(_)) => "Queued".to_owned(),
                                (None, None) => "-".to_owned(),
                            };
                            view! {
                                <tr><td>{format_time(i.created_at)}</td><td>{format_time(i.expires_at)}</td><td>{email}</td><td>{state}</td></tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        <h2>"Audit trail"</h2>
        <ul class="audit">
            {user.audit.into_iter().map(|a| view! {
                <li>{format_time(a.at)} " · " {a.action} {a.actor.map(|actor| format!(" by {actor}"))}{a.via.map(|token| format!(" with the API token \"{token}\""))}</li>
            }).collect_view()}
        </ul>
    }
}

/// The user's teams, each with "Remove", and "Add to team" with the organization's other teams.
#[component]
fn UserTeams(
    user_id: String,
    organization_id: String,
    teams: Vec<Choice>,
    add: ServerAction<AddUserToTeam>,
    remove: ServerAction<RemoveTeamMember>,
) -> impl IntoView {
    let choices = Resource::new(|| (), |_| user_choices());
    let add_error = action_error(add);
    let member_of: Vec<String> = teams.iter().map(|t| t.id.clone()).collect();
    let remove_user = user_id.clone();
    view! {
        <h2>"Teams"</h2>
        <ul class="teams">
            {teams.into_iter().map(|t| {
                let label = format!("Remove from {}", t.name);
                let user_id = remove_user.clone();
                view! {
                    <li>
                        <a href=format!("/admin/teams/{}", t.id)>{t.name}</a>
                        <ActionForm action=remove attr:class="inline">
                            <input type="hidden" name="team_id" value=t.id/>
                            <input type="hidden" name="user_id" value=user_id/>
                            <button type="submit" class="link" aria-label=label>"Remove"</button>
                        </ActionForm>
                    </li>
                }
            }).collect_view()}
        </ul>
        <Suspense fallback=|| ()>
            {move || {
                let (user_id, organization_id, member_of) = (user_id.clone(), organization_id.clone(), member_of.clone());
                Suspend::new(async move {
                    let others: Vec<_> = choices
                        .await
                        .map(|(_, teams)| teams)
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|t| t.organization_id == organization_id && !member_of.contains(&t.id))
                        .collect();
                    (!others.is_empty()).then(|| view! {
                        <ActionForm action=add attr:class="filters">
                            <input type="hidden" name="user_id" value=user_id/>
                            <label>"Team"
                                <select name="team_id">
                                    {others.into_iter().map(|t| view! { <option value=t.id>{t.name}</option> }).collect_view()}
                                </select>
                            </label>
                            <button type="submit">"Add to team"</button>
                        </ActionForm>
                    })
                })
            }}
        </Suspense>
        <FieldError error=add_error field="team_id"/>
        <FormError error=add_error/>
    }
}

/// "Catalog access": the API products this user sees and through which catalogs, by the same
/// rule as their own catalog page; read again when their teams change.
#[component]
fn CatalogAccess(
    user_id: String,
    add: ServerAction<AddUserToTeam>,
    remove: ServerAction<RemoveTeamMember>,
) -> impl IntoView {
    let access = Resource::new(
        move || (user_id.clone(), add.version().get(), remove.version().get()),
        |(id, ..)| catalog_access(id),
    );
    view! {
        <section aria-labelledby="catalog-access-title">
            <h2 id="catalog-access-title">"Catalog access"</h2>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match access.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty">"No published API product is visible to this user."</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <table class="data catalog-access">
                                <thead><tr><th>"API product"</th><th>"Through"</th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|p| view! {
                                        <tr>
                                            <td><a href=format!("/admin/products/{}", p.product_id)>{p.display_name}</a></td>
                                            <td>{p.catalogs.join(", ")}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// "Apps": the apps this user owns, with their live keys and pending requests (each app's page
/// has its keys, "Revoke" and "Reassign").
#[component]
fn UserApps(user_id: String) -> impl IntoView {
    let apps = Resource::new(
        move || user_id.clone(),
        crate::api::access_requests::all_apps,
    );
    view! {
        <section aria-labelledby="user-apps-title">
            <h2 id="user-apps-title">"Apps"</h2>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match apps.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty">"This user owns no apps."</p>
                        }.into_any(),
                        Ok(list) => view! { <crate::pages::apps::AppsTable apps=list base="/admin/apps"/> }.into_any(),
                        Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The approve and reject actions a pending registrant's page offers.
#[derive(Clone, Copy)]
struct Decisions {
    approve: ServerAction<ApproveRegistration>,
    reject: ServerAction<RejectRegistration>,
}

/// Closes the `<details>` menu whose form was just submitted.
fn close_menu(ev: leptos::ev::SubmitEvent) {
    use leptos::wasm_bindgen::JsCast as _;
    if let Some(menu) = ev
        .current_target()
        .and_then(|target| target.dyn_into::<leptos::web_sys::Element>().ok())
    {
        let _ = menu.remove_attribute("open");
    }
}
