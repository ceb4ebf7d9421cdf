//! `/admin/invite-codes`: codes that let people register straight into a team, up to a quota.

use crate::api::invite_codes::{
    CreateInviteCode, DeleteInviteCode, InviteCodesView, SetInviteCodeActive, UpdateInviteCode,
    invite_codes,
};
use crate::components::{
    ConfirmAction, CopyField, FieldError, FormError, Loaded, action_error, query_href, query_param,
};
use crate::domain::format_time;
use crate::domain::invite_code::InviteCodeRow;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn InviteCodesPage() -> impl IntoView {
    let query = use_query_map();
    let create = ServerAction::<CreateInviteCode>::new();
    let toggle = ServerAction::<SetInviteCodeActive>::new();
    let delete = ServerAction::<DeleteInviteCode>::new();
    let update = ServerAction::<UpdateInviteCode>::new();
    let create_error = action_error(create);
    let errors = [action_error(toggle), action_error(delete)];
    let last_error = Signal::derive(move || errors.iter().find_map(|e| e.get()));
    let data = Resource::new(
        move || {
            (
                create.version().get(),
                toggle.version().get(),
                delete.version().get(),
                update.version().get(),
            )
        },
        |_| invite_codes(),
    );
    let created = move || query.with(|q| q.get("created"));
    let saved = move || {
        query.with(|q| q.get("saved")).is_some() || update.value().get().is_some_and(|r| r.is_ok())
    };
    view! {
        <Title text="Invite codes · Portico"/>
        <h1>"Invite codes"</h1>
        <p>"Someone who registers with a valid code joins its team at once, without waiting for approval."</p>
        {move || created().map(|code| view! {
            <div class="notice" role="status">
                <p>"Invite code created. Hand it out: people enter it under \"Invite code\" when they register."</p>
                <CopyField label="Invite code" value=code.clone()/>
            </div>
        })}
        {move || saved().then(|| view! { <p class="notice" role="status">"Invite code saved."</p> })}
        <FormError error=last_error/>
        <Loaded resource=data let:view_data>
            <EditInviteCode codes=view_data.codes.clone() action=update/>
            <AddInviteCode data=view_data.clone() action=create error=create_error/>
            <CodesTable data=view_data toggle delete/>
        </Loaded>
    }
}

#[component]
fn AddInviteCode(
    data: InviteCodesView,
    action: ServerAction<CreateInviteCode>,
    error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let echoed = move |field: &'static str| {
        error
            .get()
            .and_then(|e| e.echoed(field))
            .unwrap_or_default()
    };
    let default_quota = move || {
        let q = echoed("quota");
        if q.is_empty() { "10".to_owned() } else { q }
    };
    let organizations = data.organizations.clone();
    let teams = data.teams.clone();
    view! {
        <details class="add-form" open=move || error.get().is_some()>
            <summary class="button">"Add new invite code"</summary>
            <ActionForm action attr:class="stack narrow-form">
                <label>"Team"
                    <select name="form[team_id]" required>
                        {organizations.into_iter().map(|org| {
                            let teams: Vec<_> = teams.iter().filter(|t| t.organization_id == org.id).cloned().collect();
                            view! {
                                <optgroup label=org.name.clone()>
                                    {teams.into_iter().map(|t| {
                                        let id = t.id.clone();
                                        view! { <option value=t.id.clone() selected=move || echoed("team_id") == id>{t.name.clone()}</option> }
                                    }).collect_view()}
                                </optgroup>
                            }
                        }).collect_view()}
                    </select>
                </label>
                <FieldError error field="team_id"/>
                <label>"Quota" <input name="form[quota]" type="number" min="1" max="100000" required value=default_quota/></label>
                <p class="hint">"How many accounts the code may create."</p>
                <FieldError error field="quota"/>
                <label>"Expiry date" <input name="form[expires_on]" type="date" required value=move || echoed("expires_on")/></label>
                <p class="hint">"The code works until the end of this day (UTC)."</p>
                <FieldError error field="expires_on"/>
                <label class="check"><input type="checkbox" name="form[active]" checked=true/>"Active"</label>
                <button type="submit">"Save"</button>
            </ActionForm>
        </details>
    }
}

/// "Edit" of the code `?edit=` names, once it is named (hydrated, following the link changes
/// only the query, so this follows the query itself).
#[component]
fn EditInviteCode(
    codes: Vec<InviteCodeRow>,
    action: ServerAction<UpdateInviteCode>,
) -> impl IntoView {
    let editing = query_param("edit");
    move || {
        let id = editing.get();
        codes
            .iter()
            .find(|c| c.id == id)
            .cloned()
            .map(|code| view! { <EditCodeForm code action/> })
    }
}

/// Quota, expiry date and active of one code; the team stays.
#[component]
fn EditCodeForm(code: InviteCodeRow, action: ServerAction<UpdateInviteCode>) -> impl IntoView {
    let error = action_error(action);
    // The code works until the end of its expiry date: the date is that of its last moment.
    let stored_date = format_time(code.expires_at - 1)
        .chars()
        .take(10)
        .collect::<String>();
    let value = move |field: &'static str, stored: String| {
        move || {
            error
                .get()
                .and_then(|e| e.echoed(field))
                .unwrap_or_else(|| stored.clone())
        }
    };
    view! {
        <section class="panel" aria-labelledby="edit-code-title">
            <h2 id="edit-code-title">{format!("Edit invite code {}", code.code)}</h2>
            <p>{format!("Team {} of {}; {} accounts made with it so far.", code.team, code.organization, code.used)}</p>
            <ActionForm action attr:class="stack narrow-form">
                <FormError error/>
                <input type="hidden" name="id" value=code.id.clone()/>
                <input type="hidden" name="form[team_id]" value=code.team_id.clone()/>
                <label>"Quota" <input name="form[quota]" type="number" min=code.used.max(1) max="100000" required value=value("quota", code.quota.to_string())/></label>
                <FieldError error field="quota"/>
                <label>"Expiry date" <input name="form[expires_on]" type="date" required value=value("expires_on", stored_date)/></label>
                <FieldError error field="expires_on"/>
                <label class="check"><input type="checkbox" name="form[active]" checked=code.active/>"Active"</label>
                <div class="actions">
                    <button type="submit">"Save"</button>
                    <a class="button secondary" href="/admin/invite-codes">"Cancel"</a>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn CodesTable(
    data: InviteCodesView,
    toggle: ServerAction<SetInviteCodeActive>,
    delete: ServerAction<DeleteInviteCode>,
) -> impl IntoView {
    if data.codes.is_empty() {
        return view! { <p class="empty">"No invite codes yet."</p> }.into_any();
    }
    let now = data.now;
    view! {
        <table class="data">
            <thead><tr><th>"Code"</th><th>"Team"</th><th>"Organization"</th><th>"Used"</th><th>"Expires"</th><th>"State"</th><th>"Actions"</th></tr></thead>
            <tbody>
                {data.codes.into_iter().map(|c| {
                    let state = c.state(now);
                    let a = c.id.clone();
                    let toggle_label = format!("{} {}", if c.active { "Deactivate" } else { "Activate" }, c.code);
                    let delete_label = format!("Delete {}", c.code);
                    view! {
                        <tr>
                            <td>
                                <CopyField label="Invite code" value=c.code.clone()/>
                                <ConfirmAction action=delete key="delete" id=c.id.clone() label=delete_label.clone()
                                    text=format!("Delete the code {}? Accounts made with it stay; the code stops working.", c.code)
                                    cancel="/admin/invite-codes"/>
                            </td>
                            <td>{c.team.clone()}</td>
                            <td>{c.organization.clone()}</td>
                            <td>{format!("{} / {}", c.used, c.quota)}</td>
                            <td>{format_time(c.expires_at)}</td>
                            <td class="status-text">{state}</td>
                            <td class="actions">
                                <ActionForm action=toggle>
                                    <input type="hidden" name="id" value=a/>
                                    <input type="hidden" name="active" value=if c.active { "false" } else { "true" }/>
                                    <button type="submit" class="secondary" aria-label=toggle_label>
                                        {if c.active { "Deactivate" } else { "Activate" }}
                                    </button>
                                </ActionForm>
                                <a class="button secondary" role="button" aria-label=format!("Edit {}", c.code)
                                    href=query_href("/admin/invite-codes", &[("edit", &c.id)])>"Edit"</a>
                                <a class="button danger" role="button" aria-label=delete_label
                                    href=query_href("/admin/invite-codes", &[("delete", &c.id)])>"Delete"</a>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
