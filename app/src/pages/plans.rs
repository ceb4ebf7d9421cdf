//! `/admin/plans`: "Plans" with their limits, "Add new plan", "Edit" (`?edit={id}`) and
//! "Delete" (`?delete={id}`, confirmed) (SPEC §9).

use crate::api::catalog::{CreatePlan, DeletePlan, UpdatePlan, list_plans};
use crate::components::{
    ConfirmAction, FieldError, FormError, Loaded, action_error, query_href, query_param,
    textarea_text,
};
use crate::domain::catalog::{PlanRow, delete_text};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PlansPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |key: &'static str| query.with(|q| q.get(key)).unwrap_or_default();
    let create = ServerAction::<CreatePlan>::new();
    let update = ServerAction::<UpdatePlan>::new();
    let delete = ServerAction::<DeletePlan>::new();
    let rows = Resource::new(
        move || {
            (
                create.version().get(),
                update.version().get(),
                delete.version().get(),
            )
        },
        |_| list_plans(),
    );
    let create_error = action_error(create);
    let notice = move || {
        if !param("created").is_empty() || create.value().get().is_some_and(|r| r.is_ok()) {
            Some("Plan added.")
        } else if !param("saved").is_empty() || update.value().get().is_some_and(|r| r.is_ok()) {
            Some("Changes saved.")
        } else if !param("deleted").is_empty() {
            Some("Plan deleted.")
        } else {
            None
        }
    };
    view! {
        <Title text="Plans · Portico"/>
        <div class="page-head"><h1>"Plans"</h1></div>
        <p>"A plan sets the limits of the keys issued under it. A catalog offers plans with its products."</p>
        {move || notice().map(|text| view! { <p class="notice" role="status">{text}</p> })}
        <FormError error=action_error(delete)/>
        <details class="add-form" open=move || create_error.get().is_some()>
            <summary class="button">"Add new plan"</summary>
            <ActionForm action=create attr:class="stack narrow-form" attr:novalidate=true>
                <PlanFields stored=None error=create_error/>
                <FormError error=create_error/>
                <button type="submit">"Add plan"</button>
            </ActionForm>
        </details>
        <Loaded resource=rows let:rows>
            <EditPlan rows=rows.clone() update/>
            <PlansTable rows delete/>
        </Loaded>
    }
}

/// The plan named by `?edit=`, in its form.
#[component]
fn EditPlan(rows: Vec<PlanRow>, update: ServerAction<UpdatePlan>) -> impl IntoView {
    let editing = query_param("edit");
    let error = action_error(update);
    move || {
        let id = editing.get();
        rows.iter().find(|p| p.id == id).cloned().map(|plan| {
            view! {
                <section class="edit-form" aria-labelledby="edit-plan-title">
                    <h2 id="edit-plan-title">{format!("Edit {}", plan.display_name)}</h2>
                    <ActionForm action=update attr:class="stack narrow-form" attr:novalidate=true>
                        <input type="hidden" name="id" value=plan.id.clone()/>
                        <PlanFields stored=Some(plan) error/>
                        <FormError error/>
                        <button type="submit">"Save"</button>
                        " "<a href="/admin/plans">"Cancel"</a>
                    </ActionForm>
                </section>
            }
        })
    }
}

/// A plan's fields, filled from `stored` or, after a refused post, from what was posted.
#[component]
fn PlanFields(stored: Option<PlanRow>, error: Signal<Option<AppError>>) -> impl IntoView {
    let stored = StoredValue::new(stored);
    let value = move |field: &'static str| {
        if let Some(echoed) = error.get().and_then(|e| e.echoed(field)) {
            return echoed;
        }
        stored.with_value(|p| {
            p.as_ref()
                .map(|p| match field {
                    "name" => p.name.clone(),
                    "display_name" => p.display_name.clone(),
                    "description" => p.description.clone(),
                    "rate_requests" => p.terms.rate.map(|r| r.0.to_string()).unwrap_or_default(),
                    "rate_seconds" => p.terms.rate.map(|r| r.1.to_string()).unwrap_or_default(),
                    "quota_requests" => p.terms.quota.map(|q| q.0.to_string()).unwrap_or_default(),
                    "quota_period" => p
                        .terms
                        .quota
                        .map(|q| q.1.as_str().to_owned())
                        .unwrap_or_default(),
                    "key_expiry_days" => p
                        .terms
                        .key_expiry_days
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                    _ => String::new(),
                })
                .unwrap_or_default()
        })
    };
    let auto_approve = move || match error.get() {
        Some(e @ AppError::Validation { .. }) => e.echoed("auto_approve").is_some(),
        _ => stored.with_value(|p| p.as_ref().is_some_and(|p| p.terms.auto_approve)),
    };
    let period = move || {
        let p = value("quota_period");
        if p.is_empty() { "day".to_owned() } else { p }
    };
    view! {
        <label>"Plan name" <input name="form[name]" required value=move || value("name") autocomplete="off"/></label>
        <FieldError error field="name"/>
        <label>"Catalog display name" <input name="form[display_name]" required value=move || value("display_name")/></label>
        <FieldError error field="display_name"/>
        <label>"Description" <textarea name="form[description]" rows="3">{move || textarea_text(value("description"))}</textarea></label>
        <FieldError error field="description"/>
        <fieldset class="row">
            <legend>"Rate limit"</legend>
            <label>"Requests" <input name="form[rate_requests]" inputmode="numeric" value=move || value("rate_requests") size="10"/></label>
            <label>"per seconds" <input name="form[rate_seconds]" inputmode="numeric" value=move || value("rate_seconds") size="6"/></label>
            <p class="hint">"Leave both empty for Unlimited."</p>
            <FieldError error field="rate_requests"/>
            <FieldError error field="rate_seconds"/>
        </fieldset>
        <fieldset class="row">
            <legend>"Usage quota"</legend>
            <label>"Requests" <input name="form[quota_requests]" inputmode="numeric" value=move || value("quota_requests") size="12"/></label>
            <label>"per"
                <select name="form[quota_period]">
                    {["hour", "day", "month"].into_iter().map(|p| view! {
                        <option value=p selected=move || period() == p>{p}</option>
                    }).collect_view()}
                </select>
            </label>
            <p class="hint">"Leave the number empty for Unlimited."</p>
            <FieldError error field="quota_requests"/>
            <FieldError error field="quota_period"/>
        </fieldset>
        <label>"Key expires after (days)" <input name="form[key_expiry_days]" inputmode="numeric" value=move || value("key_expiry_days") size="6" aria-describedby="expiry-hint"/></label>
        <p class="hint" id="expiry-hint">"Leave empty for keys that never expire."</p>
        <FieldError error field="key_expiry_days"/>
        <label class="check"><input type="checkbox" name="form[auto_approve]" checked=auto_approve/>"Auto-approve access requests"</label>
    }
}

#[component]
fn PlansTable(rows: Vec<PlanRow>, delete: ServerAction<DeletePlan>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty">"No plans yet."</p> }.into_any();
    }
    view! {
        <table class="data">
            <thead><tr><th>"Plan"</th><th>"Rate limit"</th><th>"Usage quota"</th><th>"Key expires"</th><th>"Approval"</th><th>"Catalogs"</th><th></th></tr></thead>
            <tbody>
                {rows.into_iter().map(|p| {
                    let text = delete_text("plan", &p.catalogs);
                    view! {
                        <tr>
                            <td>{p.display_name.clone()}{(p.name != p.display_name).then(|| view! { " "<code>{p.name.clone()}</code> })}</td>
                            <td>{p.terms.rate_text()}</td>
                            <td>{p.terms.quota_text()}</td>
                            <td>{p.terms.expiry_text()}</td>
                            <td>{if p.terms.auto_approve { "Automatic" } else { "By an admin" }}</td>
                            <td>{if p.catalogs.is_empty() { "None".to_owned() } else { p.catalogs.join(", ") }}</td>
                            <td class="row-actions">
                                <a href=query_href("/admin/plans", &[("edit", &p.id)]) aria-label=format!("Edit {}", p.display_name)>"Edit"</a>
                                " · "
                                <a href=query_href("/admin/plans", &[("delete", &p.id)]) aria-label=format!("Delete {}", p.display_name)>"Delete"</a>
                                <ConfirmAction action=delete key="delete" id=p.id.clone() label="Delete".to_owned() text cancel="/admin/plans"/>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
