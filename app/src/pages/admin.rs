//! `/admin`: the admin app's layout, navigation and the pages later work fills in.

use crate::api::auth::{Logout, me};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Outlet};

/// Navigation and header around every admin page. The server refuses strangers and consumers
/// before this renders; the check here covers client-side navigation after a session ended.
#[component]
pub fn AdminLayout() -> impl IntoView {
    let user = Resource::new(|| (), |_| me());
    let logout = ServerAction::<Logout>::new();
    view! {
        <div class="admin">
            <header class="topbar">
                <a class="brand" href="/admin">"Portico"</a>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match user.await {
                            Ok(Some(user)) => view! { <span class="who">{user.email}</span> }.into_any(),
                            Ok(None) | Err(AppError::Unauthorized { .. }) => {
                                #[cfg(feature = "hydrate")]
                                {
                                    let navigate = leptos_router::hooks::use_navigate();
                                    navigate("/login", Default::default());
                                }
                                ().into_any()
                            }
                            Err(_) => ().into_any(),
                        }
                    })}
                </Suspense>
                <a class="account-link" href="/account">"Your account"</a>
                <ActionForm action=logout attr:class="logout">
                    <button type="submit">"Log out"</button>
                </ActionForm>
            </header>
            <nav class="sidebar" aria-label="Admin">
                <h2>"API Consumers"</h2>
                <ul>
                    <li><A href="/admin/users">"Users"</A></li>
                    <li><A href="/admin/teams">"Teams"</A></li>
                    <li><A href="/admin/organizations">"Organizations"</A></li>
                    <li><A href="/admin/invite-codes">"Invite codes"</A></li>
                    <li><A href="/admin/approvals">"Approvals"</A></li>
                    <li><A href="/admin/access-requests">"Access requests"</A></li>
                    <li><A href="/admin/apps">"Apps"</A></li>
                </ul>
                <h2>"API catalog"</h2>
                <ul>
                    <li><A href="/admin/products">"API products"</A></li>
                    <li><A href="/admin/plans">"Plans"</A></li>
                    <li><A href="/admin/catalogs">"Catalogs"</A></li>
                </ul>
                <ul>
                    <li><A href="/admin/settings">"Settings"</A></li>
                </ul>
            </nav>
            <main class="content">
                <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                    <Outlet/>
                </ErrorBoundary>
            </main>
        </div>
    }
}

/// What a failed admin page shows: plain words and a reference, never internal text.
#[component]
fn ErrorPanel(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let messages = move || {
        errors
            .get()
            .into_iter()
            .map(|(_, e)| match e.downcast_ref::<AppError>() {
                Some(app) => app.to_string(),
                None => "Something went wrong.".to_owned(),
            })
            .collect::<Vec<_>>()
    };
    view! {
        <section role="alert">
            <h1>"Something went wrong"</h1>
            <ul>{move || messages().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
        </section>
    }
}

/// The admin home page: what waits for an admin, with links, and how big the portal is.
#[component]
pub fn Dashboard() -> impl IntoView {
    use crate::api::home::what_waits;
    let home = Resource::new(|| (), |_| what_waits());
    view! {
        <Title text="Admin · Portico"/>
        <h1>"Welcome to Portico"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let home = match home.await {
                    Ok(home) => home,
                    Err(e) => return view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                };
                let waiting = [
                    (home.pending_registrations, "registration awaits approval", "registrations await approval", "/admin/approvals"),
                    (home.pending_organization_requests, "organization request awaits a decision", "organization requests await a decision", "/admin/organizations"),
                    (home.failed_emails, "email failed and waits for a retry", "emails failed and wait for a retry", "/admin/settings/email/outbox"),
                    (home.invitations_expiring, "invitation expires within a day", "invitations expire within a day", "/admin/users?status=invited"),
                ];
                let any = waiting.iter().any(|(n, ..)| *n > 0);
                view! {
                    <h2>"Waiting for you"</h2>
                    {if any {
                        view! {
                            <ul class="waiting">
                                {waiting.into_iter().filter(|(n, ..)| *n > 0).map(|(n, one, many, href)| view! {
                                    <li><a href=href>{format!("{n} {}", if n == 1 { one } else { many })}</a></li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    } else {
                        view! { <p class="empty">"Nothing waits: no registration, organization request, failed email or invitation about to expire."</p> }.into_any()
                    }}
                    <h2>"Your portal"</h2>
                    <dl class="details">
                        <dt><a href="/admin/users">"Users"</a></dt><dd>{home.users}</dd>
                        <dt><a href="/admin/organizations">"Organizations"</a></dt><dd>{home.organizations}</dd>
                        <dt><a href="/admin/teams">"Teams"</a></dt><dd>{home.teams}</dd>
                    </dl>
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <Title text="Settings · Portico"/>
        <h1>"Settings"</h1>
        <GeneralSettings/>
        <h2>"Admins"</h2>
        <ul>
            <li><a href="/admin/settings/admins">"Admins"</a>" — the API provider's staff who use this admin app"</li>
        </ul>
        <h2>"Gateways"</h2>
        <ul>
            <li><a href="/admin/settings/gateways">"Gateways"</a>" — the tokens API gateways use to check consumers' keys"</li>
        </ul>
        <h2>"REST API"</h2>
        <ul>
            <li><a href="/admin/settings/api-tokens">"API tokens"</a>" — for scripts and systems that use the admin REST API"</li>
            <li><a href="/admin/api-reference">"API reference"</a>" — every operation of "<code>"/api/v1"</code>", its fields and answers"</li>
        </ul>
        <h2>"Email"</h2>
        <ul>
            <li><a href="/admin/settings/email/outbox">"Outbox"</a>" — every email Portico composed, and its delivery"</li>
            <li><a href="/admin/settings/email/templates">"Templates"</a>" — the subject and bodies of each email, with preview and test send"</li>
        </ul>
    }
}

/// Settings > General: the invitation lifetime.
#[component]
fn GeneralSettings() -> impl IntoView {
    use crate::api::settings::{SetInvitationLifetime, invitation_lifetime};
    use crate::components::{FieldError, action_error};
    let save = ServerAction::<SetInvitationLifetime>::new();
    let error = action_error(save);
    let days = Resource::new(move || save.version().get(), |_| invitation_lifetime());
    view! {
        <h2>"General"</h2>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let current = days.await.unwrap_or(7);
                view! {
                    <ActionForm action=save attr:class="stack narrow-form">
                        <label>"Invitation lifetime (days)"
                            <input type="number" name="days" min="1" max="90" value=current.to_string()/>
                        </label>
                        <FieldError error field="days"/>
                        <button type="submit">"Save"</button>
                    </ActionForm>
                }
            })}
        </Suspense>
        {move || save.value().get().and_then(|r| r.ok()).map(|_| view! { <p class="notice" role="status">"Settings saved."</p> })}
        <RegistrationSettingsForm/>
        <SecuritySettingsForm/>
    }
}

/// Settings > General > Security: idle timeouts and the outbox's retention (super admins save).
#[component]
fn SecuritySettingsForm() -> impl IntoView {
    use crate::api::settings::{SetSecuritySettings, security_settings};
    use crate::components::{FieldError, FormError, action_error};
    let save = ServerAction::<SetSecuritySettings>::new();
    let error = action_error(save);
    let current = Resource::new(move || save.version().get(), |_| security_settings());
    view! {
        <h3>"Security"</h3>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let current = current.await.unwrap_or_default();
                view! {
                    <ActionForm action=save attr:class="stack narrow-form">
                        <FormError error/>
                        <label>"Admin idle timeout (minutes)"
                            <input type="number" name="admin_idle_minutes" min="5" max="1440" value=current.admin_idle_minutes.to_string()/>
                        </label>
                        <FieldError error field="admin_idle_minutes"/>
                        <label>"Consumer idle timeout (days)"
                            <input type="number" name="consumer_idle_days" min="1" max="30" value=current.consumer_idle_days.to_string()/>
                        </label>
                        <FieldError error field="consumer_idle_days"/>
                        <label>"Keep delivered emails (days)"
                            <input type="number" name="outbox_retention_days" min="1" max="365" value=current.outbox_retention_days.to_string()/>
                        </label>
                        <FieldError error field="outbox_retention_days"/>
                        <button type="submit">"Save security settings"</button>
                    </ActionForm>
                }
            })}
        </Suspense>
        {move || save.value().get().and_then(|r| r.ok()).map(|_| view! { <p class="notice" role="status">"Security settings saved."</p> })}
    }
}

/// Settings > General: "Allow registration" and "Auto-approve API consumers registering to the portal".
#[component]
fn RegistrationSettingsForm() -> impl IntoView {
    use crate::api::settings::{SetRegistrationSettings, registration_settings};
    use crate::components::FormError;
    let save = ServerAction::<SetRegistrationSettings>::new();
    let error = crate::components::action_error(save);
    let current = Resource::new(move || save.version().get(), |_| registration_settings());
    view! {
        <h3>"Registration"</h3>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let current = current.await.unwrap_or_default();
                view! {
                    <ActionForm action=save attr:class="stack narrow-form">
                        <FormError error/>
                        <label class="check">
                            <input type="checkbox" name="allow_registration" checked=current.allow_registration/>
                            "Allow registration"
                        </label>
                        <label class="check">
                            <input type="checkbox" name="auto_approve" checked=current.auto_approve/>
                            "Auto-approve API consumers registering to the portal"
                        </label>
                        <label class="check">
                            <input type="checkbox" name="organization_requests" checked=current.organization_requests/>
                            "Enable API consumers to register organizations"
                        </label>
                        <label class="check">
                            <input type="checkbox" name="auto_approve_organizations" checked=current.auto_approve_organizations/>
                            "Auto-approve API consumers registering organization"
                        </label>
                        <button type="submit">"Save registration settings"</button>
                    </ActionForm>
                }
            })}
        </Suspense>
        {move || save.value().get().and_then(|r| r.ok()).map(|_| view! { <p class="notice" role="status">"Registration settings saved."</p> })}
    }
}
