//! The admin side of SPEC §10: "Access requests" (`/admin/access-requests`: filters, "Approve",
//! "Reject" with a reason), "Apps" (`/admin/apps`) and Settings > Gateways
//! (`/admin/settings/gateways`: gateway tokens, shown once).

use crate::api::access_requests::{
    AddGatewayToken, ApproveAccessRequest, RejectAccessRequest, RevokeGatewayToken,
    access_requests, all_apps, gateway_tokens,
};
use crate::components::{
    ConfirmAction, ConfirmDialog, FieldError, FormError, ShownOnce, action_error, query_href,
    query_param,
};
use crate::domain::apps::{AccessRequest, RequestFilter, RequestStatus};
use crate::domain::format_time;
use crate::pages::apps::AppsTable;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

const PAGE: &str = "/admin/access-requests";

#[component]
pub fn AccessRequestsPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |key: &'static str| query.with(|q| q.get(key)).unwrap_or_default();
    let filter = move || RequestFilter {
        status: param("status"),
        product: param("product"),
        plan: param("plan"),
        organization: param("organization"),
    };
    let approve = ServerAction::<ApproveAccessRequest>::new();
    let reject = ServerAction::<RejectAccessRequest>::new();
    let view_data = Resource::new(
        move || (filter(), approve.version().get(), reject.version().get()),
        |(filter, ..)| access_requests(filter),
    );
    let approve_error = action_error(approve);
    let reject_error = action_error(reject);
    view! {
        <Title text="Access requests · Portico"/>
        <h1>"Access requests"</h1>
        <p>"Consumers ask for a plan of an API product for one of their apps. Approving issues the app's key (the consumer sees it once on the app's page); both outcomes are emailed to the requester."</p>
        <FormError error=approve_error/>
        <FormError error=reject_error/>
        <FieldError error=reject_error field="reason"/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let data = match view_data.await {
                    Ok(data) => data,
                    Err(e) => return view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                };
                let chosen = filter();
                let select = |name: &'static str, label: &'static str, all: &'static str, options: Vec<(String, String)>, current: String| view! {
                    <label>{label}
                        <select name=name>
                            <option value="">{all}</option>
                            {options.into_iter().map(|(id, text)| {
                                let selected = id == current;
                                view! { <option value=id selected=selected>{text}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                };
                view! {
                    <Form method="GET" action=PAGE attr:class="filters" attr:role="search">
                        {select("status", "Status", "Any status", RequestStatus::ALL.iter().map(|s| (s.as_str().to_owned(), s.label().to_owned())).collect(), chosen.status.clone())}
                        {select("product", "API product", "Any product", data.products.iter().map(|p| (p.id.clone(), p.name.clone())).collect(), chosen.product.clone())}
                        {select("plan", "Plan", "Any plan", data.plans.iter().map(|p| (p.id.clone(), p.name.clone())).collect(), chosen.plan.clone())}
                        {select("organization", "Organization", "Any organization", data.organizations.iter().map(|o| (o.id.clone(), o.name.clone())).collect(), chosen.organization.clone())}
                        <button type="submit" class="secondary">"Filter"</button>
                    </Form>
                    {if data.requests.is_empty() {
                        view! { <p class="empty">"No access requests match."</p> }.into_any()
                    } else {
                        view! {
                            <table class="data">
                                <thead><tr><th>"Product"</th><th>"Plan"</th><th>"App"</th><th>"Requester"</th><th>"Organization"</th><th>"Comment"</th><th>"Asked"</th><th>"Status"</th><th>"Actions"</th></tr></thead>
                                <tbody>
                                    {data.requests.into_iter().map(|r| view! { <RequestRow request=r approve reject/> }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }}
                }
                .into_any()
            })}
        </Suspense>
    }
}

#[component]
fn RequestRow(
    request: AccessRequest,
    approve: ServerAction<ApproveAccessRequest>,
    reject: ServerAction<RejectAccessRequest>,
) -> impl IntoView {
    let open = query_param("reject");
    let id = request.id.clone();
    let what = format!(
        "{} ({}) for {}",
        request.product_display_name, request.plan_display_name, request.app_name
    );
    let text = format!(
        "Reject {}'s request for {what}? They are emailed, with the reason if you give one.",
        request.requester_email
    );
    let pending = request.status == RequestStatus::Pending;
    let status = match request.status {
        RequestStatus::Approved if request.issued_at.is_none() => {
            "Approved: key not shown yet".to_owned()
        }
        RequestStatus::Approved => format!("Approved: key {}…", request.key_prefix),
        other => other.label().to_owned(),
    };
    view! {
        <tr>
            <td>{request.product_display_name.clone()}</td>
            <td>{request.plan_display_name.clone()}</td>
            <td><a href=format!("/admin/apps/{}", request.app_id)>{request.app_name.clone()}</a></td>
            <td>{request.requester_name.clone()}" "<span class="hint">{request.requester_email.clone()}</span></td>
            <td>{request.organization.clone()}</td>
            <td class="prewrap">{request.comment.clone()}</td>
            <td>{format_time(request.created_at)}</td>
            <td>
                {status}
                {(!request.reason.is_empty()).then(|| view! { <span class="hint prewrap">{format!(" Reason: {}", request.reason)}</span> })}
            </td>
            <td class="actions">
                {pending.then(|| {
                    let id = id.clone();
                    let reject_href = query_href(PAGE, &[("reject", &id)]);
                    let label = format!("Reject the request for {what}");
                    let approve_id = id.clone();
                    view! {
                        <ActionForm action=approve attr:class="inline">
                            <input type="hidden" name="id" value=approve_id/>
                            <input name="reason" maxlength="1000" placeholder="Reason (optional)" aria-label=format!("Reason for approving the request for {what}")/>
                            <button type="submit" aria-label=format!("Approve the request for {what}")>"Approve"</button>
                        </ActionForm>
                        <a class="button secondary" role="button" href=reject_href aria-label=label.clone()>"Reject"</a>
                        {move || (open.get() == id).then(|| {
                            let id = id.clone();
                            view! {
                                <ConfirmDialog label=label.clone() text=text.clone() cancel=PAGE>
                                    <ActionForm action=reject attr:class="stack">
                                        <input type="hidden" name="id" value=id/>
                                        <label>"Reason" <textarea name="reason" rows="3" maxlength="1000"></textarea></label>
                                        <button type="submit" class="danger">"Reject"</button>
                                    </ActionForm>
                                </ConfirmDialog>
                            }
                        })}
                    }
                })}
            </td>
        </tr>
    }
}

/// `/admin/apps`: every app, with its owner and keys.
#[component]
pub fn AdminAppsPage() -> impl IntoView {
    let apps = Resource::new(|| (), |_| all_apps(String::new()));
    let query = use_query_map();
    let deleted = move || query.with(|q| q.get("deleted")).is_some();
    view! {
        <Title text="Apps · Portico"/>
        <h1>"Apps"</h1>
        <p>"Every consumer's apps. Open one to revoke its keys, reassign it or delete it."</p>
        {move || deleted().then(|| view! { <p class="notice" role="status">"The app was deleted and its keys stopped working."</p> })}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match apps.await {
                    Ok(apps) => view! { <AppsTable apps base="/admin/apps"/> }.into_any(),
                    Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Settings > Gateways: the tokens gateways send with each key check.
#[component]
pub fn GatewaysPage() -> impl IntoView {
    let add = ServerAction::<AddGatewayToken>::new();
    let revoke = ServerAction::<RevokeGatewayToken>::new();
    let tokens = Resource::new(
        move || (add.version().get(), revoke.version().get()),
        |_| gateway_tokens(),
    );
    let error = action_error(add);
    let echoed = move || {
        error
            .get()
            .and_then(|e| e.echoed("name"))
            .unwrap_or_default()
    };
    let here = "/admin/settings/gateways";
    view! {
        <Title text="Gateways · Portico"/>
        <h1>"Gateways"</h1>
        <p>"A gateway (nginx, Envoy, Kong …) asks Portico whether an API key may call a path: "<code>"GET /gateway/v1/auth"</code>" with the key in "<code>"Authorization: Bearer"</code>" or "<code>"X-API-Key"</code>", the path in "<code>"X-Original-URI"</code>" and its gateway token in "<code>"X-Portico-Gateway-Token"</code>"."</p>
        <h2>"Add gateway token"</h2>
        <ActionForm action=add attr:class="stack narrow-form">
            <FormError error/>
            <label>"Name" <input name="name" required maxlength="100" value=echoed aria-describedby="name-error"/></label>
            <FieldError error field="name"/>
            <button type="submit">"Add gateway token"</button>
        </ActionForm>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let view_data = match tokens.await {
                    Ok(data) => data,
                    Err(e) => return view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                };
                let shown = add
                    .value()
                    .get_untracked()
                    .and_then(Result::ok)
                    .map(|t| t.token)
                    .or(view_data.shown);
                view! {
                    {shown.map(|token| view! {
                        <ShownOnce title="Your new gateway token.".to_owned() text="Copy it into the gateway's configuration now: it cannot be shown again." label="Gateway token" value=token/>
                    })}
                    <h2>"Gateway tokens"</h2>
                    {if view_data.tokens.is_empty() {
                        view! { <p class="empty">"No gateway tokens yet: gateways are refused until one is added."</p> }.into_any()
                    } else {
                        view! {
                            <table class="data">
                                <thead><tr><th>"Name"</th><th>"Token"</th><th>"Added"</th><th>"Status"</th><th>"Actions"</th></tr></thead>
                                <tbody>
                                    {view_data.tokens.into_iter().map(|t| {
                                        let live = t.revoked_at.is_none();
                                        let id = t.id.clone();
                                        let text = format!("Revoke the gateway token \"{}\"? Gateways using it are refused at once.", t.name);
                                        view! {
                                            <tr>
                                                <td>{t.name.clone()}</td>
                                                <td><code>{format!("{}…", t.prefix)}</code></td>
                                                <td>{format_time(t.created_at)}</td>
                                                <td>{match t.revoked_at { None => "Active".to_owned(), Some(at) => format!("Revoked {}", format_time(at)) }}</td>
                                                <td>{live.then(|| view! {
                                                    <a class="button danger" role="button" href=query_href(here, &[("revoke", &id)]) aria-label=format!("Revoke {}", t.name)>"Revoke"</a>
                                                    <ConfirmAction action=revoke key="revoke" id=id.clone() label="Revoke".to_owned() text cancel=here/>
                                                })}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }}
                }
                .into_any()
            })}
        </Suspense>
    }
}
