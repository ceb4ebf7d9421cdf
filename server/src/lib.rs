//! Starts Portico (database, migrations, first admin) and builds its HTTP router; `serve` takes a
//! bound listener and a shutdown future, so tests can bind port 0 and stop it.

mod gateway;
mod middleware;
pub mod rest;

use anyhow::Context as _;
use app::backend::auth::new_secret;
use app::backend::config::Config;
use app::backend::db::{NewAdmin, Store};
use app::backend::mail::Mailer;
use app::backend::password::PasswordHasher;
use app::backend::{AppState, Clock};
use app::domain::{Email, Password};
use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// The app's routes, generated once per process. Generating them renders the app with resource
/// loading suppressed through a process-wide flag, and a resource first polled meanwhile by
/// another render never loads (leptos-rs/leptos#4773): a process that builds a second router
/// while serving (the integration tests start one server per test) would hang some pages forever.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

/// Largest request body accepted (server-function forms and JSON are small).
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;
/// How long the admin-setup link printed on a fresh install stays valid.
const SETUP_LINK_LIFETIME_MS: i64 = 24 * 60 * 60 * 1000;

/// Everything start-up needs, already parsed from flags and environment.
#[derive(Clone, Debug)]
pub struct Settings {
    pub database_url: String,
    pub config: Config,
    /// Creates the first super-admin at start when no admin exists.
    pub bootstrap_admin: Option<(String, secrecy::SecretString)>,
    pub site_root: String,
    /// Requests one REST API token may make per minute on this instance.
    pub api_rate_per_minute: u32,
}

/// A started Portico: its state and the links printed for the operator.
pub struct Started {
    pub state: AppState,
    /// The one-time link to create the first admin, on a fresh install without `PORTICO_ADMIN_*`.
    pub setup_link: Option<String>,
    leptos_options: LeptosOptions,
    api_rate_per_minute: u32,
    /// Stops the email worker when set or dropped.
    mail_shutdown: tokio::sync::watch::Sender<bool>,
}

/// Router state: the Leptos options (for static files) and the app's own state.
#[derive(Clone, FromRef)]
pub struct ServerState {
    pub leptos_options: LeptosOptions,
    pub app: AppState,
}

/// Opens the store: connects, migrates and creates the default organization, and nothing else
/// (no mail worker, no clean-up task, no setup link). What `portico migrate` and `portico admin
/// create` do before their one job, and the first step of [`start`].
pub async fn open(settings: &Settings) -> anyhow::Result<AppState> {
    let store = Store::connect(&settings.database_url)
        .await
        .context("PORTICO_DATABASE_URL: cannot open the database")?;
    store
        .migrate()
        .await
        .context("database migration failed; Portico did not start")?;
    let clock = Clock::default();
    store
        .ensure_defaults(clock.now())
        .await
        .context("creating the default organization")?;
    let permits = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let hasher = PasswordHasher::new(permits).context("setting up password hashing")?;
    Ok(AppState {
        store,
        config: Arc::new(settings.config.clone()),
        hasher,
        clock,
        references: Default::default(),
        gateway: Default::default(),
    })
}

/// Opens the store, creates the first admin (or a setup link for one) and starts the mail worker
/// and the clean-up task: everything before listening.
pub async fn start(settings: Settings) -> anyhow::Result<Started> {
    let mailer = match &settings.config.smtp_url {
        Some(url) => Some(Mailer::new(url, &settings.config.smtp_from)?),
        None => None,
    };
    let state = open(&settings).await?;
    let mut setup_link = None;
    if !state.store.admin_exists().await.context("reading admins")? {
        if let Some((email, password)) = &settings.bootstrap_admin {
            match create_admin(&state, email, Some(password)).await {
                Ok(_) => {
                    tracing::info!(email = %email, "created the first super-admin from PORTICO_ADMIN_EMAIL")
                }
                // Another instance starting at the same moment created it first.
                Err(_) if state.store.admin_exists().await.unwrap_or(false) => {}
                Err(e) => return Err(e.context("PORTICO_ADMIN_EMAIL / PORTICO_ADMIN_PASSWORD")),
            }
        } else {
            let (secret, hash) = new_secret();
            let now = state.clock.now();
            state
                .store
                .create_setup_token(&hash, now, now + SETUP_LINK_LIFETIME_MS)
                .await
                .context("creating the admin setup link")?;
            let link = state.config.link(&format!("/setup?token={secret}"));
            tracing::warn!("no admin exists yet; create the first one within 24 hours at {link}");
            setup_link = Some(link);
        }
    }
    let leptos_options = LeptosOptions::builder()
        .output_name("portico")
        .site_root(settings.site_root.as_str())
        .site_pkg_dir("pkg")
        .build();
    let (mail_shutdown, receiver) = tokio::sync::watch::channel(false);
    // Every ten minutes: rate-limit windows older than a day, expired and idle sessions, and
    // delivered emails past their retention.
    let pruned = state.clone();
    tokio::spawn(repeat_every(
        std::time::Duration::from_secs(600),
        receiver.clone(),
        "pruning old rate-limit windows, sessions and emails",
        move || {
            let state = pruned.clone();
            async move { Ok(app::backend::auth::prune(&state).await?) }
        },
    ));
    // Every ten seconds: expired invitations leave the stored "Invited" status and the user
    // tally's rows are folded (`keep_counts`), each step a short transaction of a few hundred
    // rows at most, so sign-ins and edits barely wait on SQLite's lock.
    let counted = state.clone();
    tokio::spawn(repeat_every(
        std::time::Duration::from_secs(10),
        receiver.clone(),
        "keeping the user counts",
        move || {
            let state = counted.clone();
            async move { keep_counts(&state).await }
        },
    ));
    // Every quarter second: the gateway change counter, so a key revoked on another instance is
    // refused here within a second (SPEC §10).
    let polled = state.clone();
    tokio::spawn(repeat_every(
        app::backend::gateway::POLL_INTERVAL,
        receiver.clone(),
        "reading the gateway change counter",
        move || {
            let state = polled.clone();
            async move { Ok(state.gateway.poll(&state).await?) }
        },
    ));
    match mailer {
        Some(mailer) => {
            tokio::spawn(app::backend::mail::run_worker(
                state.clone(),
                mailer,
                receiver,
            ));
        }
        None => tracing::info!(
            "PORTICO_SMTP_URL is not set: emails stay in the outbox (Settings > Email > Outbox)"
        ),
    }
    Ok(Started {
        state,
        setup_link,
        leptos_options,
        api_rate_per_minute: settings.api_rate_per_minute,
        mail_shutdown,
    })
}

/// Runs `task` now and then every `period` until `stop` turns true (or its sender is dropped),
/// logging a failure as `what` and going on.
async fn repeat_every<F, Fut>(
    period: std::time::Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
    what: &'static str,
    task: F,
) where
    F: Fn() -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    loop {
        if let Err(e) = task().await {
            tracing::warn!(error = %e, "{what} failed");
        }
        tokio::select! {
            _ = tokio::time::sleep(period) => {}
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    return;
                }
            }
        }
    }
}

async fn keep_counts(state: &AppState) -> anyhow::Result<()> {
    while state
        .store
        .sweep_expired_invitations(state.clock.now())
        .await?
        > 0
    {}
    while state.store.fold_counts().await? > 0 {}
    Ok(())
}

/// Creates an admin (the first is a super-admin) after checking the email and password policy.
pub async fn create_admin(
    state: &AppState,
    email: &str,
    password: Option<&secrecy::SecretString>,
) -> anyhow::Result<String> {
    use secrecy::ExposeSecret as _;
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("admin email: {e}"))?;
    let hash = match password {
        Some(password) => {
            let password = Password::parse(password.expose_secret(), email.as_str())
                .map_err(|e| anyhow::anyhow!("admin password: {e}"))?;
            Some(state.hasher.hash(password.expose()).await?)
        }
        None => None,
    };
    let admin = NewAdmin {
        email: email.as_str(),
        first_name: "",
        last_name: "",
        role: app::domain::Role::ProviderAdmin,
        password_hash: hash.as_deref(),
        must_change_password: false,
    };
    match state.store.create_admin(&admin, state.clock.now()).await {
        Ok(id) => Ok(id),
        Err(app::backend::db::StoreError::Unique { .. }) => {
            anyhow::bail!("a user with the email {email} already exists")
        }
        Err(e) => Err(e).context("creating the admin"),
    }
}

impl Started {
    /// Stops the email worker (it finishes the message it is sending).
    pub fn stop_worker(&self) {
        let _ = self.mail_shutdown.send(true);
    }

    /// The whole HTTP application: pages, server functions, static files, health checks and the
    /// security middleware; and the gateway check, outside that middleware (see [`gateway`]).
    pub fn router(&self) -> Router {
        let gateway = Router::new()
            .route("/gateway/v1/auth", get(gateway::auth))
            .route(
                "/gateway/v1/keys/verify",
                axum::routing::post(gateway::verify),
            )
            .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT_BYTES))
            .with_state(self.state.clone());
        self.pages_router().merge(gateway)
    }

    fn pages_router(&self) -> Router {
        let app = self.state.clone();
        let state = ServerState {
            leptos_options: self.leptos_options.clone(),
            app: app.clone(),
        };
        let routes = route_list();
        let page_context = {
            let app = app.clone();
            move || provide_context(app.clone())
        };
        let options = self.leptos_options.clone();
        let (set_id, propagate_id) = middleware::request_id_layers();
        Router::new()
            .route("/healthz", get(|| async { "ok" }))
            .route("/readyz", get(readyz))
            .route(
                "/api/{*fn_name}",
                axum::routing::post(server_fn_handler).get(server_fn_handler),
            )
            .leptos_routes_with_context(&state, routes, page_context, move || {
                app::shell(options.clone())
            })
            // The site's files are served here, not by the fallback: leptos_axum's file handler
            // reads its response options from whatever reactive owner the worker thread holds,
            // and under concurrency took a page's headers (its CSP) away from that page.
            .nest_service(
                "/pkg",
                tower_http::services::ServeDir::new(
                    std::path::Path::new(self.leptos_options.site_root.as_ref()).join("pkg"),
                ),
            )
            .fallback(leptos_axum::file_and_error_handler::<ServerState, _>(
                app::shell,
            ))
            .with_state(state)
            .merge(rest::router(app.clone(), self.api_rate_per_minute))
            .layer(axum::middleware::from_fn(middleware::body_limit))
            .layer(axum::middleware::from_fn_with_state(
                app.clone(),
                middleware::admin_guard,
            ))
            .layer(axum::middleware::from_fn_with_state(
                app.clone(),
                middleware::csrf_guard,
            ))
            .layer(tower_http::compression::CompressionLayer::new())
            .layer(axum::middleware::from_fn_with_state(
                app.clone(),
                middleware::security_headers,
            ))
            .layer(propagate_id)
            .layer(
                tower_http::trace::TraceLayer::new_for_http()
                    .make_span_with(middleware::request_span),
            )
            .layer(set_id)
    }
}

async fn server_fn_handler(
    State(state): State<ServerState>,
    request: axum::extract::Request,
) -> impl IntoResponse {
    use leptos::prelude::Owner;
    use leptos::reactive::computed::ScopedFuture;
    let app = state.app.clone();
    // leptos_axum makes the function's owner with `Owner::new()`, a child of whatever owner the
    // worker thread holds at that moment; the same pattern took pages' headers away in its file
    // handler. A fresh root per call keeps each function's context its own.
    let root = Owner::new_root(None);
    root.with(|| {
        ScopedFuture::new(leptos_axum::handle_server_fns_with_context(
            move || provide_context(app.clone()),
            request,
        ))
    })
    .await
}

async fn readyz(State(state): State<ServerState>) -> impl IntoResponse {
    match state.app.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::error!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then finishes in-flight requests.
///
/// Every accepted socket gets `TCP_NODELAY`. A page is streamed in several small writes (the
/// shell, then each resolved `Suspense`); with Nagle's algorithm on, the kernel may hold a write
/// until the client has acknowledged the one before: a round trip per chunk on a real network,
/// and up to a delayed acknowledgement's 40 ms. On loopback it measured within the noise
/// (`/admin/users` under wrk: 1,724 and 1,774 req/s, docs/benchmarks.md).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt as _;
    let listener = listener.tap_io(|socket| {
        if let Err(e) = socket.set_nodelay(true) {
            tracing::warn!(error = %e, "could not set TCP_NODELAY on a connection");
        }
    });
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
