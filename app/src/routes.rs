//! The HTML shell and the router: public pages, and the `/admin` section guarded by role.

use crate::pages::{
    access_requests::{AccessRequestsPage, AdminAppsPage, GatewaysPage},
    account::AccountPage,
    admin,
    admin::SettingsPage,
    admins::AdminsPage,
    api_tokens::{ApiTokensPage, RestReferencePage},
    approvals::ApprovalsPage,
    apps::{AdminAppPage, AppDetailPage, MyAppsPage},
    catalog::{CatalogPage, CatalogProductPage},
    catalogs::{CatalogEditorPage, CatalogsPage},
    change_password::ChangePasswordPage,
    colleague::ColleaguePage,
    confirm_email::ConfirmEmailPage,
    dashboard::DashboardPage,
    email_templates::EmailTemplatesPage,
    forgot_password::ForgotPasswordPage,
    home::HomePage,
    invite::InvitePage,
    invite_codes::InviteCodesPage,
    login::LoginPage,
    not_found::NotFound,
    organization::OrganizationPage,
    organizations::OrganizationsPage,
    outbox::OutboxPage,
    plans::PlansPage,
    products::{NewProductPage, ProductAdminPage, ProductsPage},
    reference::ReferencePage,
    register::RegisterPage,
    reset_password::ResetPasswordPage,
    setup::SetupPage,
    team::TeamPage,
    teams::TeamsPage,
    user::UserPage,
    user_edit::EditUserPage,
    users::UsersPage,
};
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    Lazy, LazyRoute, SsrMode,
    components::{ParentRoute, Route, Router, Routes},
    lazy_route, path,
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
    // Marks the page interactive once hydrated, for people's tools and the browser tests alike.
    // Only in the browser: `cargo test --workspace` builds this crate with both features.
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "");
        }
    });
    view! {
        <Stylesheet id="portico" href="/pkg/portico.css"/>
        <Title text="Portico"/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("") view=HomePage ssr=SsrMode::Async/>
                <Route path=path!("login") view=LoginPage ssr=SsrMode::Async/>
                <Route path=path!("setup") view={Lazy::<Setup>::new()} ssr=SsrMode::Async/>
                <Route path=path!("invite") view={Lazy::<Invite>::new()} ssr=SsrMode::Async/>
                <Route path=path!("change-password") view={Lazy::<ChangePassword>::new()} ssr=SsrMode::Async/>
                <Route path=path!("register") view={Lazy::<Register>::new()} ssr=SsrMode::Async/>
                <Route path=path!("forgot-password") view={Lazy::<ForgotPassword>::new()} ssr=SsrMode::Async/>
                <Route path=path!("reset-password") view={Lazy::<ResetPassword>::new()} ssr=SsrMode::Async/>
                <Route path=path!("confirm-email") view={Lazy::<ConfirmEmail>::new()} ssr=SsrMode::Async/>
                <Route path=path!("account") view={Lazy::<Account>::new()} ssr=SsrMode::Async/>
                <Route path=path!("dashboard") view={Lazy::<Dashboard>::new()} ssr=SsrMode::Async/>
                <Route path=path!("dashboard/users/:id") view={Lazy::<Colleague>::new()} ssr=SsrMode::Async/>
                <Route path=path!("dashboard/apps") view={Lazy::<MyApps>::new()} ssr=SsrMode::Async/>
                <Route path=path!("dashboard/apps/:id") view={Lazy::<AppDetail>::new()} ssr=SsrMode::Async/>
                <Route path=path!("catalog") view={Lazy::<Catalog>::new()} ssr=SsrMode::Async/>
                <Route path=path!("catalog/:product") view={Lazy::<CatalogProduct>::new()} ssr=SsrMode::Async/>
                <Route path=path!("catalog/:product/reference") view={Lazy::<Reference>::new()} ssr=SsrMode::Async/>
                <ParentRoute path=path!("admin") view=admin::AdminLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=admin::Dashboard ssr=SsrMode::Async/>
                    <Route path=path!("users") view={Lazy::<Users>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("users/:id") view={Lazy::<User>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("users/:id/edit") view={Lazy::<EditUser>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("teams") view={Lazy::<Teams>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("teams/:id") view={Lazy::<Team>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("organizations") view={Lazy::<Organizations>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("organizations/:id") view={Lazy::<Organization>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("products") view={Lazy::<Products>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("products/new") view={Lazy::<NewProduct>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("products/:id") view={Lazy::<ProductAdmin>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("plans") view={Lazy::<Plans>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("catalogs") view={Lazy::<Catalogs>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("catalogs/new") view={Lazy::<CatalogEditor>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("catalogs/:id") view={Lazy::<CatalogEditor>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("invite-codes") view={Lazy::<InviteCodes>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("approvals") view={Lazy::<Approvals>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("access-requests") view={Lazy::<AccessRequests>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("apps") view={Lazy::<AdminApps>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("apps/:id") view={Lazy::<AdminApp>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("settings") view={Lazy::<Settings>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("settings/admins") view={Lazy::<Admins>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("settings/gateways") view={Lazy::<Gateways>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("settings/api-tokens") view={Lazy::<ApiTokens>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("api-reference") view={Lazy::<RestReference>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("settings/email/outbox") view={Lazy::<Outbox>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("settings/email/templates") view={Lazy::<EmailTemplates>::new()} ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// A page whose code the browser loads only when it is first shown: each becomes its own wasm
/// chunk in the release build (`cargo leptos build --release --split`), so the first load carries
/// the public pages and the admin frame, not every admin page.
macro_rules! lazy_page {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    )*};
}

lazy_page! {
    Setup => SetupPage,
    Invite => InvitePage,
    ChangePassword => ChangePasswordPage,
    Register => RegisterPage,
    ForgotPassword => ForgotPasswordPage,
    ResetPassword => ResetPasswordPage,
    ConfirmEmail => ConfirmEmailPage,
    Account => AccountPage,
    Dashboard => DashboardPage,
    Colleague => ColleaguePage,
    MyApps => MyAppsPage,
    AppDetail => AppDetailPage,
    AccessRequests => AccessRequestsPage,
    AdminApps => AdminAppsPage,
    AdminApp => AdminAppPage,
    Gateways => GatewaysPage,
    ApiTokens => ApiTokensPage,
    RestReference => RestReferencePage,
    Catalog => CatalogPage,
    CatalogProduct => CatalogProductPage,
    Reference => ReferencePage,
    Products => ProductsPage,
    NewProduct => NewProductPage,
    ProductAdmin => ProductAdminPage,
    Plans => PlansPage,
    Catalogs => CatalogsPage,
    CatalogEditor => CatalogEditorPage,
    InviteCodes => InviteCodesPage,
    Approvals => ApprovalsPage,
    Users => UsersPage,
    User => UserPage,
    EditUser => EditUserPage,
    Teams => TeamsPage,
    Team => TeamPage,
    Organizations => OrganizationsPage,
    Organization => OrganizationPage,
    Settings => SettingsPage,
    Admins => AdminsPage,
    Outbox => OutboxPage,
    EmailTemplates => EmailTemplatesPage,
}
