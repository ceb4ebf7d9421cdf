//! "My apps" (`/dashboard/apps`) and an app's page (`/dashboard/apps/{id}`, and for admins
//! `/admin/apps/{id}`): its accesses with their keys ("Show key" once, "Rotate", "Revoke") and
//! its requests' status and reason (SPEC §10).

use crate::api::access_requests::ReassignApp;
use crate::api::apps::{
    CreateApp, DeleteApp, RevokeAccess, RotateKey, ShowKey, UpdateApp, my_apps, view_app,
};
use crate::components::{
    ConfirmAction, FieldError, FormError, ShownOnce, action_error, query_href, textarea_text,
};
use crate::domain::apps::{
    AccessRequest, AppPage, AppSummary, AppVisibility, Grace, RequestStatus, ShownKey,
};
use crate::domain::format_time;
use crate::error::AppError;
use crate::pages::not_found::NotFound;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// My dashboard's tabs, with `current` marked.
#[component]
pub fn DashboardTabs(current: &'static str) -> impl IntoView {
    let tab = move |href: &'static str, label: &'static str| {
        view! { <a href=href aria-current=(current == href).then_some("page")>{label}</a> }
    };
    view! {
        <nav class="tabs" aria-label="My dashboard">
            {tab("/dashboard", "Users")}
            {tab("/dashboard/apps", "My apps")}
            {tab("/account", "Account")}
        </nav>
    }
}

fn visibility_text(app: &AppSummary) -> String {
    match app.visibility {
        AppVisibility::Personal => "Personal: only its owner".into(),
        AppVisibility::Team => "Team: the owner's teams".into(),
        AppVisibility::Organization => format!("Organization: everyone in {}", app.organization),
    }
}

#[component]
pub fn MyAppsPage() -> impl IntoView {
    let query = use_query_map();
    let create = ServerAction::<CreateApp>::new();
    let apps = Resource::new(move || create.version().get(), |_| my_apps());
    let deleted = move || query.with(|q| q.get("deleted")).is_some();
    view! {
        <Title text="My apps · Portico"/>
        <main class="public wide">
            <h1>"My dashboard"</h1>
            <DashboardTabs current="/dashboard/apps"/>
            <h2>"My apps"</h2>
            {move || deleted().then(|| view! {
                <p class="notice" role="status">"The app was deleted and its keys stopped working."</p>
            })}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match apps.await {
                        Ok(apps) => view! {
                            <AppsTable apps/>
                            <CreateAppForm action=create/>
                        }.into_any(),
                        Err(AppError::Unauthorized { .. }) => view! {
                            <p role="alert">"Please log in to see your apps."</p>
                            <p><a href="/login?next=/dashboard/apps">"Log in"</a></p>
                        }.into_any(),
                        Err(AppError::Forbidden) => view! {
                            <p role="alert">"My apps is for API consumers. Admins see every app under "<a href="/admin/apps">"Apps"</a>"."</p>
                        }.into_any(),
                        Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// The apps the viewer may see, linking to each one's page under `base`.
#[component]
pub fn AppsTable(
    apps: Vec<AppSummary>,
    #[prop(default = "/dashboard/apps")] base: &'static str,
) -> impl IntoView {
    if apps.is_empty() {
        return view! {
            <p class="empty">"No apps yet. Create one below, or with \"Request access\" on a product of the "<a href="/catalog">"API catalog"</a>"."</p>
        }
        .into_any();
    }
    view! {
        <table class="data">
            <thead><tr><th>"App name"</th><th>"Visibility"</th><th>"Owner"</th><th>"Organization"</th><th>"Live keys"</th><th>"Pending requests"</th></tr></thead>
            <tbody>
                {apps.into_iter().map(|a| view! {
                    <tr>
                        <td><a href=format!("{base}/{}", a.id)>{a.name.clone()}</a></td>
                        <td>{a.visibility.label()}</td>
                        <td>{a.owner_name.clone()}" "<span class="hint">{a.owner_email.clone()}</span></td>
                        <td>{a.organization.clone()}</td>
                        <td>{a.live}</td>
                        <td>{a.pending}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn CreateAppForm(action: ServerAction<CreateApp>) -> impl IntoView {
    let error = action_error(action);
    view! {
        <h2>"Create app"</h2>
        <ActionForm action attr:class="stack narrow-form">
            <FormError error/>
            <AppFields error current=None/>
            <button type="submit">"Create app"</button>
        </ActionForm>
    }
}

/// The fields of "Create app" and "Edit": the typed values after a refusal, else `current`.
#[component]
fn AppFields(error: Signal<Option<AppError>>, current: Option<AppSummary>) -> impl IntoView {
    let echoed = Signal::derive(move || {
        error.get().and_then(|e| {
            let typed = |field: &str| e.echoed(field).unwrap_or_default();
            matches!(e, AppError::Validation { .. })
                .then(|| (typed("name"), typed("description"), typed("visibility")))
        })
    });
    let current_values = current
        .as_ref()
        .map(|a| {
            (
                a.name.clone(),
                a.description.clone(),
                a.visibility.as_str().to_owned(),
            )
        })
        .unwrap_or_else(|| (String::new(), String::new(), "personal".into()));
    let values = Signal::derive(move || echoed.get().unwrap_or_else(|| current_values.clone()));
    let initial = values.get_untracked();
    view! {
        <label>"App name"
            <input name="form[name]" required maxlength="100" value=move || values.get().0 aria-describedby="name-error"/>
        </label>
        <FieldError error field="name"/>
        <label>"Description"
            <textarea name="form[description]" rows="3" aria-describedby="description-error">{textarea_text(initial.1.clone())}</textarea>
        </label>
        <FieldError error field="description"/>
        <label>"Visibility"
            <select name="form[visibility]" aria-describedby="visibility-error visibility-hint">
                {AppVisibility::ALL.into_iter().map(|v| {
                    let selected = move || values.get().2 == v.as_str();
                    view! { <option value=v.as_str() selected=selected>{v.label()}</option> }
                }).collect_view()}
            </select>
        </label>
        <p class="hint" id="visibility-hint">"Personal: only you. Team: the members of your teams. Organization: everyone in your organization. In the portal's default organization an app is always Personal."</p>
        <FieldError error field="visibility"/>
    }
}

/// The actions of an app's page; the page reloads its data after each.
#[derive(Clone, Copy)]
struct AppActions {
    show: ServerAction<ShowKey>,
    rotate: ServerAction<RotateKey>,
    revoke: ServerAction<RevokeAccess>,
    update: ServerAction<UpdateApp>,
    delete: ServerAction<DeleteApp>,
    reassign: ServerAction<ReassignApp>,
    /// The key the latest "Show key" or "Rotate" answered (hydrated): whichever came last.
    shown: RwSignal<Option<ShownKey>>,
}

impl AppActions {
    fn new() -> Self {
        let actions = Self {
            show: ServerAction::new(),
            rotate: ServerAction::new(),
            revoke: ServerAction::new(),
            update: ServerAction::new(),
            delete: ServerAction::new(),
            reassign: ServerAction::new(),
            shown: RwSignal::new(None),
        };
        // Only in the browser, where the actions run (`cargo test` builds both features).
        #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
        for value in [actions.show.value(), actions.rotate.value()] {
            Effect::new(move |_| {
                if let Some(Ok(key)) = value.get() {
                    actions.shown.set(Some(key));
                }
            });
        }
        actions
    }

    fn version(self) -> (usize, usize, usize, usize, usize) {
        (
            self.show.version().get(),
            self.rotate.version().get(),
            self.revoke.version().get(),
            self.update.version().get(),
            self.reassign.version().get(),
        )
    }
}

/// `/dashboard/apps/{id}`.
#[component]
pub fn AppDetailPage() -> impl IntoView {
    view! { <AppDetail admin=false/> }
}

/// `/admin/apps/{id}`.
#[component]
pub fn AdminAppPage() -> impl IntoView {
    view! { <AppDetail admin=true/> }
}

#[component]
fn AppDetail(admin: bool) -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let actions = AppActions::new();
    let page = Resource::new(move || (id(), actions.version()), |(id, _)| view_app(id));
    let body = move || {
        Suspend::new(async move {
            match page.await {
                Ok(page) => view! { <AppView page actions admin/> }.into_any(),
                Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                Err(AppError::Unauthorized { .. }) => view! {
                    <p role="alert">"Please log in to see this app."</p>
                    <p><a href="/login?next=/dashboard/apps">"Log in"</a></p>
                }
                .into_any(),
                Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
            }
        })
    };
    let loading = || view! { <p>"Loading…"</p> };
    view! {
        <Title text="App · Portico"/>
        {if admin {
            view! { <Suspense fallback=loading>{body}</Suspense> }.into_any()
        } else {
            view! { <main class="public wide"><Suspense fallback=loading>{body}</Suspense></main> }.into_any()
        }}
    }
}

#[component]
fn AppView(page: AppPage, actions: AppActions, admin: bool) -> impl IntoView {
    let query = use_query_map();
    let flag = move |key: &'static str| query.with(|q| q.get(key)).is_some();
    let AppPage {
        app,
        requests,
        shown,
    } = page;
    let base = if admin {
        "/admin/apps"
    } else {
        "/dashboard/apps"
    };
    let here = format!("{base}/{}", app.id);
    let may_change = app.mine || admin;
    let shown_now = move || actions.shown.get().or_else(|| shown.clone());
    let labels: Vec<(String, String)> = requests
        .iter()
        .map(|r| {
            (
                r.id.clone(),
                format!("{} ({})", r.product_display_name, r.plan_display_name),
            )
        })
        .collect();
    let live = requests
        .iter()
        .filter(|r| r.status == RequestStatus::Approved)
        .count();
    let delete_text = format!(
        "Delete the app \"{}\"? Its requests are removed and its {live} live key{} stop working at once. This cannot be undone.",
        app.name,
        if live == 1 { "" } else { "s" }
    );
    let errors = [
        action_error(actions.show),
        action_error(actions.rotate),
        action_error(actions.revoke),
        action_error(actions.delete),
    ];
    let failed = Signal::derive(move || errors.iter().find_map(|e| e.get()));
    view! {
        {(!admin).then(|| view! { <h1>"My dashboard"</h1><DashboardTabs current="/dashboard/apps"/> })}
        {admin.then(|| view! { <p><a href="/admin/apps">"← Apps"</a></p> })}
        {(!admin).then(|| view! { <p><a href="/dashboard/apps">"← My apps"</a></p> })}
        <h2 class="app-name">{app.name.clone()}</h2>
        {move || flag("created").then(|| view! { <p class="notice" role="status">"App created. Request access to an API product from the "<a href="/catalog">"API catalog"</a>"."</p> })}
        {move || flag("requested").then(|| view! { <p class="notice" role="status">"Your request was sent. You are emailed when an admin decides; its status is below."</p> })}
        {move || flag("approved").then(|| view! { <p class="notice" role="status">"Approved at once by the plan. Show your key below."</p> })}
        {move || flag("saved").then(|| view! { <p class="notice" role="status">"Saved."</p> })}
        <FormError error=failed/>
        {move || shown_now().map(|shown| {
            let what = labels
                .iter()
                .find(|(id, _)| *id == shown.request_id)
                .map(|(_, label)| label.clone())
                .unwrap_or_default();
            view! {
                <ShownOnce title=format!("Your API key for {what}.") text="Copy it now: Portico keeps only its first characters and cannot show it again." label="API key" value=shown.key.clone()>
                    {shown.expires_at.map(|t| view! { <p class="hint">{format!("It expires {}.", format_time(t))}</p> })}
                </ShownOnce>
            }
        })}
        <dl class="facts">
            <dt>"Visibility"</dt><dd>{visibility_text(&app)}</dd>
            <dt>"Owner"</dt><dd>{app.owner_name.clone()}" "<span class="hint">{app.owner_email.clone()}</span></dd>
            <dt>"Organization"</dt><dd>{app.organization.clone()}</dd>
            {(!app.description.is_empty()).then(|| view! { <dt>"Description"</dt><dd class="prewrap">{app.description.clone()}</dd> })}
        </dl>
        <h3>"Access"</h3>
        {if requests.is_empty() {
            view! { <p class="empty">"No requests yet. Find an API product in the "<a href="/catalog">"API catalog"</a>" and choose \"Request access\"."</p> }.into_any()
        } else {
            view! {
                <table class="data">
                    <thead><tr><th>"Product"</th><th>"Plan"</th><th>"Status"</th><th>"Key"</th><th>"Expires"</th><th>"Asked"</th><th>"Actions"</th></tr></thead>
                    <tbody>
                        {requests.into_iter().map(|r| view! { <AccessRow request=r actions mine=app.mine admin here=here.clone()/> }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        {app.mine.then(|| view! { <EditApp app=app.clone() action=actions.update/> })}
        {admin.then(|| view! { <ReassignForm id=app.id.clone() action=actions.reassign/> })}
        {may_change.then(|| {
            let id = app.id.clone();
            view! {
                <h3>"Delete app"</h3>
                <p><a class="button danger" role="button" href=query_href(&here, &[("delete", &id)])>"Delete app"</a></p>
                <ConfirmAction action=actions.delete key="delete" id=id label="Delete app".to_owned() text=delete_text cancel=here.clone()/>
            }
        })}
    }
}

#[component]
fn AccessRow(
    request: AccessRequest,
    actions: AppActions,
    mine: bool,
    admin: bool,
    here: String,
) -> impl IntoView {
    let live = request.status == RequestStatus::Approved;
    let waiting = request.key_waiting();
    let label = format!(
        "{} ({})",
        request.product_display_name, request.plan_display_name
    );
    let key = if request.key_prefix.is_empty() {
        "—".to_owned()
    } else {
        format!("{}…", request.key_prefix)
    };
    let status = match (request.status, waiting) {
        (RequestStatus::Approved, true) => "Approved: key not shown yet".to_owned(),
        (status, _) => status.label().to_owned(),
    };
    let expires = match (request.status, request.expires_at) {
        (RequestStatus::Approved, Some(t)) => format_time(t),
        (RequestStatus::Approved, None) if !waiting => "Never".into(),
        _ => "—".into(),
    };
    let revoke_text = format!(
        "Revoke the key for {label}? Gateways refuse it within a second. This cannot be undone; request access again for a new one."
    );
    let id = request.id.clone();
    view! {
        <tr>
            <td><a href=format!("/catalog/{}", request.product_name)>{request.product_display_name.clone()}</a></td>
            <td>{request.plan_display_name.clone()}</td>
            <td>
                {status}
                {(!request.reason.is_empty()).then(|| view! { <span class="hint prewrap">{format!(" Reason: {}", request.reason)}</span> })}
                {request.old_key_until.map(|t| view! { <span class="hint">{format!(" The previous key works until {}.", format_time(t))}</span> })}
            </td>
            <td><code>{key}</code></td>
            <td>{expires}</td>
            <td>{format_time(request.created_at)}</td>
            <td class="actions">
                {(mine && waiting).then(|| {
                    let (id, label) = (id.clone(), label.clone());
                    view! {
                    <ActionForm action=actions.show attr:class="inline">
                        <input type="hidden" name="id" value=id.clone()/>
                        <button type="submit" aria-label=format!("Show key for {label}")>"Show key"</button>
                    </ActionForm>
                }})}
                {(mine && live && !waiting).then(|| {
                    let (id, label) = (id.clone(), label.clone());
                    view! {
                    <ActionForm action=actions.rotate attr:class="inline">
                        <input type="hidden" name="id" value=id.clone()/>
                        <label>"Grace period"
                            <select name="grace" aria-label=format!("Grace period for the old key of {label}")>
                                {Grace::ALL.into_iter().map(|g| view! { <option value=g.as_str()>{g.label()}</option> }).collect_view()}
                            </select>
                        </label>
                        <button type="submit" class="secondary" aria-label=format!("Rotate the key for {label}")>"Rotate"</button>
                    </ActionForm>
                }})}
                {((mine || admin) && live).then(|| view! {
                    <a class="button danger" role="button" href=query_href(&here, &[("revoke", &id)]) aria-label=format!("Revoke the key for {label}")>"Revoke"</a>
                    <ConfirmAction action=actions.revoke key="revoke" id=id.clone() label="Revoke".to_owned() text=revoke_text cancel=here.clone()/>
                })}
            </td>
        </tr>
    }
}

/// "Reassign" (admins): the app goes to another consumer, by email; its keys are revoked.
#[component]
fn ReassignForm(id: String, action: ServerAction<ReassignApp>) -> impl IntoView {
    let error = action_error(action);
    let done = move || action.value().get().is_some_and(|r| r.is_ok());
    view! {
        <h3>"Reassign"</h3>
        <p>"Give the app to another consumer. Its keys are revoked (they were granted to the current owner) and it becomes Personal in the new owner's organization."</p>
        {move || done().then(|| view! { <p class="notice" role="status">"Reassigned."</p> })}
        <ActionForm action attr:class="stack narrow-form">
            <FormError error/>
            <input type="hidden" name="id" value=id/>
            <label>"New owner's email" <input name="owner" type="email" required aria-describedby="owner-error"/></label>
            <FieldError error field="owner"/>
            <button type="submit" class="secondary">"Reassign"</button>
        </ActionForm>
    }
}

#[component]
fn EditApp(app: AppSummary, action: ServerAction<UpdateApp>) -> impl IntoView {
    let error = action_error(action);
    view! {
        <h3>"Edit app"</h3>
        <ActionForm action attr:class="stack narrow-form">
            <input type="hidden" name="id" value=app.id.clone()/>
            <AppFields error current=Some(app)/>
            <button type="submit">"Save"</button>
        </ActionForm>
    }
}
