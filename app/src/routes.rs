//! The HTML shell and the router: public pages, and the `/admin` section guarded by role.

use crate::pages::{
    admin, admins::AdminsPage, change_password::ChangePasswordPage, home::HomePage,
    invite::InvitePage, login::LoginPage, not_found::NotFound, organization::OrganizationPage,
    organizations::OrganizationsPage, outbox::OutboxPage, setup::SetupPage, team::TeamPage,
    teams::TeamsPage, user::UserPage, user_edit::EditUserPage, users::UsersPage,
};
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{ParentRoute, Route, Router, Routes},
    path,
};

/// The document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="data:,"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Sends a Content-Security-Policy that allows only this page's own scripts (by nonce) and wasm.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    if let (Some(nonce), Some(res)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        let policy = format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
             base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        );
        if let Ok(value) = http::HeaderValue::from_str(&policy) {
            res.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="portico" href="/pkg/portico.css"/>
        <Title text="Portico"/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("") view=HomePage ssr=SsrMode::Async/>
                <Route path=path!("login") view=LoginPage ssr=SsrMode::Async/>
                <Route path=path!("setup") view=SetupPage ssr=SsrMode::Async/>
                <Route path=path!("invite") view=InvitePage ssr=SsrMode::Async/>
                <Route path=path!("change-password") view=ChangePasswordPage ssr=SsrMode::Async/>
                <ParentRoute path=path!("admin") view=admin::AdminLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=admin::Dashboard ssr=SsrMode::Async/>
                    <Route path=path!("users") view=UsersPage ssr=SsrMode::Async/>
                    <Route path=path!("users/:id") view=UserPage ssr=SsrMode::Async/>
                    <Route path=path!("users/:id/edit") view=EditUserPage ssr=SsrMode::Async/>
                    <Route path=path!("teams") view=TeamsPage ssr=SsrMode::Async/>
                    <Route path=path!("teams/:id") view=TeamPage ssr=SsrMode::Async/>
                    <Route path=path!("organizations") view=OrganizationsPage ssr=SsrMode::Async/>
                    <Route path=path!("organizations/:id") view=OrganizationPage ssr=SsrMode::Async/>
                    <Route path=path!("invite-codes") view=admin::InviteCodesPage ssr=SsrMode::Async/>
                    <Route path=path!("approvals") view=admin::ApprovalsPage ssr=SsrMode::Async/>
                    <Route path=path!("settings") view=admin::SettingsPage ssr=SsrMode::Async/>
                    <Route path=path!("settings/admins") view=AdminsPage ssr=SsrMode::Async/>
                    <Route path=path!("settings/email/outbox") view=OutboxPage ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
