//! Settings > API tokens (`/admin/settings/api-tokens`, SPEC §11): "Add API token" (name, "Read
//! only" or "Read and write", expiry; shown once), the tokens with their last use, "Revoke".

use crate::api::api_tokens::{
    AddApiToken, RevokeApiToken, TOKENS_PATH, api_tokens, rest_api_reference,
};
use crate::components::{
    ConfirmAction, FieldError, FormError, ShownOnce, action_error, query_href,
};
use crate::domain::api_token::{ApiTokenRow, EXPIRY_DAYS, TokenAccess};
use crate::domain::format_time;
use leptos::prelude::*;
use leptos_meta::Title;

fn expiry_label(days: i64) -> String {
    match days {
        0 => "Never".to_owned(),
        365 => "1 year".to_owned(),
        d => format!("{d} days"),
    }
}

fn status(token: &ApiTokenRow) -> String {
    match (token.revoked_at, token.expires_at) {
        (Some(at), _) => format!("Revoked {}", format_time(at)),
        (None, Some(at)) if token.expired => format!("Expired {}", format_time(at)),
        _ => "Active".to_owned(),
    }
}

#[component]
pub fn ApiTokensPage() -> impl IntoView {
    let add = ServerAction::<AddApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let tokens = Resource::new(
        move || (add.version().get(), revoke.version().get()),
        |_| api_tokens(),
    );
    let error = action_error(add);
    let echoed = move |field: &'static str| {
        error
            .get()
            .and_then(|e| e.echoed(field))
            .unwrap_or_default()
    };
    let chosen_access = move || {
        let access = echoed("access");
        if access.is_empty() {
            "read".to_owned()
        } else {
            access
        }
    };
    let chosen_expiry = move || {
        let days = echoed("expires_in_days");
        if days.is_empty() {
            EXPIRY_DAYS[0].to_string()
        } else {
            days
        }
    };
    view! {
        <Title text="API tokens · Portico"/>
        <h1>"API tokens"</h1>
        <p>"Scripts and other systems (a CRM, billing, onboarding) use the REST API at "<code>"/api/v1"</code>" with a token in "<code>"Authorization: Bearer …"</code>". A token acts as the admin who added it, never with more power, and stops when that admin is deactivated. See the "<a href="/admin/api-reference">"API reference"</a>"."</p>
        <h2>"Add API token"</h2>
        <ActionForm action=add attr:class="stack narrow-form">
            <FormError error/>
            <label>"Name" <input name="form[name]" required maxlength="100" value=move || echoed("name") aria-describedby="name-error"/></label>
            <FieldError error field="name"/>
            <fieldset>
                <legend>"Access"</legend>
                {[TokenAccess::Read, TokenAccess::Write].into_iter().map(|access| view! {
                    <label class="check">
                        <input type="radio" name="form[access]" value=access.as_str() checked=move || chosen_access() == access.as_str()/>
                        {access.label()}
                    </label>
                }).collect_view()}
            </fieldset>
            <FieldError error field="access"/>
            <label>"Expires in"
                <select name="form[expires_in_days]" aria-describedby="expires_in_days-error">
                    {EXPIRY_DAYS.into_iter().map(|days| view! {
                        <option value=days.to_string() selected=move || chosen_expiry() == days.to_string()>{expiry_label(days)}</option>
                    }).collect_view()}
                </select>
            </label>
            <FieldError error field="expires_in_days"/>
            <button type="submit">"Add API token"</button>
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
                let everyone = view_data.everyone;
                view! {
                    {shown.map(|token| view! {
                        <ShownOnce title="Your new API token.".to_owned() text="Copy it now: it cannot be shown again." label="API token" value=token/>
                    })}
                    <h2>{if everyone { "Every admin's API tokens" } else { "Your API tokens" }}</h2>
                    {if view_data.tokens.is_empty() {
                        view! { <p class="empty">"No API tokens yet."</p> }.into_any()
                    } else {
                        view! {
                            <table class="data">
                                <thead><tr>
                                    <th>"Name"</th>
                                    {everyone.then(|| view! { <th>"Admin"</th> })}
                                    <th>"Access"</th><th>"Token"</th><th>"Added"</th><th>"Expires"</th><th>"Last used"</th><th>"Status"</th><th>"Actions"</th>
                                </tr></thead>
                                <tbody>
                                    {view_data.tokens.into_iter().map(|t| {
                                        let live = t.revoked_at.is_none() && !t.expired;
                                        let id = t.id.clone();
                                        let text = format!("Revoke the API token \"{}\"? Requests with it are refused at once.", t.name);
                                        view! {
                                            <tr>
                                                <td>{t.name.clone()}</td>
                                                {everyone.then(|| view! { <td>{t.admin_email.clone()}</td> })}
                                                <td>{t.access.label()}</td>
                                                <td><code>{format!("{}…", t.prefix)}</code></td>
                                                <td>{format_time(t.created_at)}</td>
                                                <td>{t.expires_at.map(format_time).unwrap_or_else(|| "Never".to_owned())}</td>
                                                <td>{t.last_used_at.map(format_time).unwrap_or_else(|| "Never".to_owned())}</td>
                                                <td>{status(&t)}</td>
                                                <td>{live.then(|| view! {
                                                    <a class="button danger" role="button" href=query_href(TOKENS_PATH, &[("revoke", &id)]) aria-label=format!("Revoke {}", t.name)>"Revoke"</a>
                                                    <ConfirmAction action=revoke key="revoke" id=id.clone() label="Revoke".to_owned() text cancel=TOKENS_PATH/>
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

/// The reference as the page's resource holds it: the HTML is left out of the copy written into
/// the page for hydration, which keeps the server's markup of an `inner_html` element.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Shown {
    #[serde(skip_serializing, default)]
    html: String,
}

/// `/admin/api-reference`: every operation of the REST API, its fields and answers.
#[component]
pub fn RestReferencePage() -> impl IntoView {
    let page = Resource::new(
        || (),
        |_| async move { rest_api_reference().await.map(|html| Shown { html }) },
    );
    view! {
        <Title text="API reference · Portico"/>
        <h1>"API reference"</h1>
        <p>"The admin REST API at "<code>"/api/v1"</code>". Add a token in "<a href=TOKENS_PATH>"API tokens"</a>", then send it as "<code>"Authorization: Bearer pta_…"</code>". The machine-readable document: "<a href="/api/v1/openapi.json">"openapi.json"</a>" (OpenAPI 3.1)."</p>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(shown) => view! { <div class="reference-body api-reference" inner_html=shown.html></div> }.into_any(),
                    Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
