//! `/dashboard/users/{id}`: a consumer admin's "Edit" of a person they share a team with, with
//! "Resend invite", "Revoke invite" and "Remove from organization" (SPEC §8.2).

use crate::api::dashboard::{
    EditColleague, RemoveColleague, ResendColleagueInvite, RevokeColleagueInvite, colleague,
};
use crate::components::{
    ActionButton, ConfirmAction, FieldError, FormError, action_error, query_href,
};
use crate::domain::Role;
use crate::domain::admin::role_label;
use crate::domain::colleague::ColleagueDetail;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The actions of the page, each refreshing the person once it answers.
#[derive(Clone, Copy)]
struct Actions {
    edit: ServerAction<EditColleague>,
    remove: ServerAction<RemoveColleague>,
    resend: ServerAction<ResendColleagueInvite>,
    revoke: ServerAction<RevokeColleagueInvite>,
}

#[component]
pub fn ColleaguePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let actions = Actions {
        edit: ServerAction::new(),
        remove: ServerAction::new(),
        resend: ServerAction::new(),
        revoke: ServerAction::new(),
    };
    let person = Resource::new(
        move || {
            (
                id(),
                actions.edit.version().get(),
                actions.resend.version().get(),
                actions.revoke.version().get(),
            )
        },
        |(id, ..)| colleague(id),
    );
    let notice = move || {
        let done = |key: &str| query.with(|q| q.get(key)).is_some();
        if done("saved") || actions.edit.value().get().is_some_and(|r| r.is_ok()) {
            Some("Changes saved.")
        } else if done("invited") || actions.resend.value().get().is_some_and(|r| r.is_ok()) {
            Some("Invitation sent. The earlier link, if any, no longer works.")
        } else if done("revoked") || actions.revoke.value().get().is_some_and(|r| r.is_ok()) {
            Some("Invitation revoked: its link no longer works.")
        } else {
            None
        }
    };
    view! {
        <Title text="Edit user · My dashboard · Portico"/>
        <main class="public wide">
            <p><a href="/dashboard">"← My dashboard"</a></p>
            {move || notice().map(|text| view! { <p class="notice" role="status">{text}</p> })}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match person.await {
                        Ok(person) => view! { <ColleagueView person actions/> }.into_any(),
                        Err(AppError::Unauthorized { .. }) => view! {
                            <h1>"Edit user"</h1>
                            <p role="alert">"Please log in first."</p>
                            <p><a href="/login?next=/dashboard">"Log in"</a></p>
                        }.into_any(),
                        Err(AppError::Forbidden) => view! {
                            <h1>"Edit user"</h1>
                            <p role="alert">"Only a consumer admin of your organization can change this person, and only someone who shares a team with them."</p>
                        }.into_any(),
                        Err(e) => view! { <h1>"Edit user"</h1><p role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn ColleagueView(person: ColleagueDetail, actions: Actions) -> impl IntoView {
    let name = format!("{} {}", person.first_name, person.last_name);
    let id = person.id.clone();
    let self_href = format!("/dashboard/users/{id}");
    let invite_error = Signal::derive(move || {
        action_error(actions.resend)
            .get()
            .or_else(|| action_error(actions.revoke).get())
    });
    let remove_error = action_error(actions.remove);
    let removal = if person.is_viewer {
        "You leave the organization: you lose its teams and everything shared with them, and cannot come back unless someone invites you again."
    } else {
        "They leave the organization and its teams and join the portal's default organization. Their account stays; apps they own become Personal."
    };
    view! {
        <h1>{name.clone()}</h1>
        <dl class="details">
            <dt>"Email"</dt><dd>{person.email.clone()}</dd>
            <dt>"Role"</dt><dd>{role_label(person.role)}</dd>
            <dt>"Status"</dt><dd class="status-text">{person.status.label()}</dd>
        </dl>
        <EditForm person=person.clone() action=actions.edit/>
        {(!person.has_password).then(|| {
            let label = if person.invitation_pending { "Resend invite" } else { "Send invite" };
            view! {
                <h2>"Invitation"</h2>
                <p>{if person.invitation_pending {
                    "An invitation is waiting for them to set a password."
                } else {
                    "They have no live invitation: send one to let them set a password."
                }}</p>
                <FormError error=invite_error/>
                <div class="actions">
                    <ActionButton action=actions.resend id=id.clone() label=label.to_owned()/>
                    {person.invitation_pending.then(|| view! {
                        <ActionButton action=actions.revoke id=id.clone() label="Revoke invite".to_owned() class="secondary"/>
                    })}
                </div>
            }
        })}
        <h2>"Remove from organization"</h2>
        <p>{removal}</p>
        <FormError error=remove_error/>
        <p><a class="button danger" role="button" href=query_href(&self_href, &[("remove", &id)])>"Remove from organization"</a></p>
        <ConfirmAction action=actions.remove key="remove" id=id.clone() label=format!("Remove {name} from the organization")
            text=format!("Remove {name} from the organization? {removal}")
            cancel=self_href.clone()/>
    }
}

/// "Edit": names, role, and the admin's own teams, ticked where the person is a member.
#[component]
fn EditForm(person: ColleagueDetail, action: ServerAction<EditColleague>) -> impl IntoView {
    let error = action_error(action);
    // A refused form shows what was typed; otherwise the stored value.
    let value = move |field: &'static str, stored: String| {
        move || {
            error
                .get()
                .and_then(|e| e.echoed(field))
                .unwrap_or_else(|| stored.clone())
        }
    };
    let is_admin = person.role == Role::ConsumerAdmin;
    view! {
        <h2>"Edit"</h2>
        <ActionForm action attr:class="stack narrow-form">
            <FormError error/>
            <input type="hidden" name="id" value=person.id.clone()/>
            <label>"First name" <input name="form[first_name]" autocomplete="off" required value=value("first_name", person.first_name.clone())/></label>
            <FieldError error field="first_name"/>
            <label>"Last name" <input name="form[last_name]" autocomplete="off" required value=value("last_name", person.last_name.clone())/></label>
            <FieldError error field="last_name"/>
            <label>"Role"
                <select name="form[role]">
                    <option value="consumer-team-member" selected=!is_admin>"Team member"</option>
                    <option value="consumer-admin" selected=is_admin>"Consumer admin"</option>
                </select>
            </label>
            <FieldError error field="role"/>
            <fieldset>
                <legend>"Teams"</legend>
                <p class="hint">"Your own teams. Teams of theirs you are not in stay as they are; in no team at all, they join the organization's default team."</p>
                {person.teams.into_iter().map(|t| view! {
                    <label class="check"><input type="checkbox" name="form[team_ids][]" value=t.id checked=t.member/>{t.name}</label>
                }).collect_view()}
            </fieldset>
            <FieldError error field="team_ids"/>
            <button type="submit">"Save"</button>
        </ActionForm>
    }
}
