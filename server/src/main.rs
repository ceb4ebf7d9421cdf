//! `portico`: serve the developer portal, apply migrations, or create an admin.

use anyhow::Context as _;
use app::backend::config::Config;
use clap::{Args, Parser, Subcommand};
use secrecy::SecretString;
use server::Settings;
use std::io::BufRead as _;
use std::net::SocketAddr;
use std::process::ExitCode;

/// mimalloc instead of glibc's malloc: under 64 connections on `/admin/users` the allocator took
/// ~20 % of the CPU in glibc (`_int_malloc`, `malloc_consolidate`, `_int_free`; perf, see
/// docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "portico",
    version,
    about = "Portico, the developer portal's back office"
)]
struct Cli {
    #[command(flatten)]
    options: Options,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Args, Clone)]
struct Options {
    /// Database: sqlite://path/to/file.db or postgres://user@host/db.
    #[arg(
        long,
        env = "PORTICO_DATABASE_URL",
        default_value = "sqlite://data/portico.db",
        global = true,
        hide_env_values = true
    )]
    database_url: String,
    /// Address to listen on.
    #[arg(
        long,
        env = "PORTICO_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    addr: String,
    /// The portal's address as people reach it; used in email links. Default: http://{addr}.
    #[arg(long, env = "PORTICO_PUBLIC_URL", global = true)]
    public_url: Option<String>,
    /// SMTP server, e.g. smtp://user:pass@host:587 (STARTTLS), smtps://host, smtp://host:1025?tls=none.
    #[arg(long, env = "PORTICO_SMTP_URL", global = true, hide_env_values = true)]
    smtp_url: Option<String>,
    /// Sender of Portico's emails.
    #[arg(
        long,
        env = "PORTICO_SMTP_FROM",
        default_value = "Portico <portico@localhost>",
        global = true
    )]
    smtp_from: String,
    /// Email of the first super-admin, created at start when no admin exists.
    #[arg(long, env = "PORTICO_ADMIN_EMAIL", global = true)]
    admin_email: Option<String>,
    /// Password of that first super-admin.
    #[arg(
        long,
        env = "PORTICO_ADMIN_PASSWORD",
        global = true,
        hide_env_values = true
    )]
    admin_password: Option<String>,
    /// Set when Portico runs behind a reverse proxy that appends the client's address to
    /// X-Forwarded-For; rate limits then count per that address instead of the proxy's.
    #[arg(long, env = "PORTICO_TRUST_FORWARDED_FOR", global = true)]
    trust_forwarded_for: bool,
    /// Requests one REST API token may make per minute (counted on each instance).
    #[arg(
        long,
        env = "PORTICO_API_RATE_PER_MINUTE",
        global = true,
        default_value_t = server::rest::DEFAULT_RATE_PER_MINUTE
    )]
    api_rate_per_minute: u32,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the portal (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage admins.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Check that the stored user counts equal a recount of the users (exit status 1 when not).
    Doctor {
        /// Recount and store the counts when they differ.
        #[arg(long)]
        fix: bool,
    },
    /// Print the REST API's OpenAPI document (what `/api/v1/openapi.json` serves).
    Openapi,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an admin (the first one is a super-admin).
    Create {
        #[arg(long)]
        email: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Add a REST API token acting as an admin (as Settings > API tokens does) and print it:
    /// for automation that starts from nothing.
    Token {
        /// The admin the token acts as.
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// "read" or "write".
        #[arg(long, default_value = "read")]
        access: String,
        /// 7, 30, 90 or 365; 0: never.
        #[arg(long, default_value_t = 90)]
        expires_in_days: i64,
    },
}

/// A start-up failure that names its setting in one line.
struct ConfigError(String);

fn settings(options: &Options) -> Result<(Settings, SocketAddr), ConfigError> {
    let addr: SocketAddr = options.addr.parse().map_err(|_| {
        ConfigError(format!(
            "PORTICO_ADDR: '{}' is not an address like 127.0.0.1:3000",
            options.addr
        ))
    })?;
    app::backend::db::Dialect::from_url(&options.database_url).map_err(|_| {
        ConfigError("PORTICO_DATABASE_URL: must start with sqlite:// or postgres://".to_owned())
    })?;
    let public_url = options
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));
    let public_url = url::Url::parse(&public_url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .ok_or_else(|| {
            ConfigError(format!(
                "PORTICO_PUBLIC_URL: '{public_url}' is not an http(s) URL"
            ))
        })?;
    if let Some(smtp) = &options.smtp_url {
        let ok = url::Url::parse(smtp)
            .ok()
            .is_some_and(|u| matches!(u.scheme(), "smtp" | "smtps") && u.host().is_some());
        if !ok {
            return Err(ConfigError(
                "PORTICO_SMTP_URL: must look like smtp://user:pass@host:587 or smtps://host"
                    .to_owned(),
            ));
        }
    }
    let bootstrap_admin = match (&options.admin_email, &options.admin_password) {
        (Some(email), Some(password)) => {
            Some((email.clone(), SecretString::from(password.clone())))
        }
        (None, None) => None,
        _ => {
            return Err(ConfigError(
                "PORTICO_ADMIN_EMAIL and PORTICO_ADMIN_PASSWORD: set both or neither".to_owned(),
            ));
        }
    };
    let site_root = site_root();
    let settings = Settings {
        database_url: options.database_url.clone(),
        config: Config {
            public_url,
            smtp_url: options.smtp_url.clone().map(SecretString::from),
            smtp_from: options.smtp_from.clone(),
            portal_name: "Portico".to_owned(),
            trust_forwarded_for: options.trust_forwarded_for,
        },
        bootstrap_admin,
        site_root,
        api_rate_per_minute: options.api_rate_per_minute,
    };
    Ok((settings, addr))
}

/// The folder of the wasm, JavaScript and CSS the pages load: `LEPTOS_SITE_ROOT` when set, else
/// the first of these that holds a `pkg` folder: `site` beside the binary or one folder up (a
/// release build's `target/release/portico` and `target/site`, or a copied install), the tree the
/// binary was built from, and `target/site` under the current folder. So `portico` serves its
/// pages from any working folder.
fn site_root() -> String {
    if let Ok(root) = std::env::var("LEPTOS_SITE_ROOT") {
        return root;
    }
    let beside_binary = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(std::path::Path::to_path_buf))
        .map(|dir| vec![dir.join("site"), dir.join("../site")])
        .unwrap_or_default();
    let built_from = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/site");
    beside_binary
        .into_iter()
        .chain([built_from])
        .find(|dir| dir.join("pkg").is_dir())
        .and_then(|dir| dir.canonicalize().ok())
        .map(|dir| dir.to_string_lossy().into_owned())
        .unwrap_or_else(|| "target/site".to_owned())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if matches!(cli.command, Some(Command::Openapi)) {
        print!("{}", server::rest::document_text());
        return ExitCode::SUCCESS;
    }
    init_tracing();
    let (settings, addr) = match settings(&cli.options) {
        Ok(s) => s,
        Err(ConfigError(line)) => {
            eprintln!("portico: {line}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("portico: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(settings, addr).await,
            Command::Migrate => {
                server::open(&settings).await?;
                println!("migrations applied");
                Ok(())
            }
            Command::Admin(AdminCommand::Create {
                email,
                password_stdin,
            }) => admin_create(settings, &email, password_stdin).await,
            Command::Admin(AdminCommand::Token {
                email,
                name,
                access,
                expires_in_days,
            }) => admin_token(settings, &email, name, access, expires_in_days).await,
            Command::Doctor { fix } => doctor(settings, fix).await,
            Command::Openapi => Ok(()),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line: the outermost context names the setting; the cause follows it.
            let causes: Vec<String> = e.chain().map(|c| c.to_string()).collect();
            eprintln!("portico: {}", causes.join(": "));
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings, addr: SocketAddr) -> anyhow::Result<()> {
    let started = server::start(settings).await?;
    if let Some(link) = &started.setup_link {
        // Also on stdout, so it is seen whatever RUST_LOG says.
        println!("No admin exists yet. Create the first one (link valid 24 hours): {link}");
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("PORTICO_ADDR: cannot listen on {addr}"))?;
    tracing::info!(%addr, public_url = %started.state.config.public_url, "Portico is listening");
    println!("Portico is listening on http://{addr}");
    server::serve(listener, started.router(), shutdown_signal())
        .await
        .context("serving HTTP")
}

/// `portico doctor`: the user tally against a recount of the rows.
async fn doctor(settings: Settings, fix: bool) -> anyhow::Result<()> {
    let state = server::open(&settings).await?;
    let drift = state
        .store
        .check_counts()
        .await
        .context("recounting the users")?;
    if drift.is_empty() {
        println!("user counts: every count equals its recount");
        return Ok(());
    }
    for d in &drift {
        println!(
            "user counts: {:?} {}: stored {}, recounted {}",
            d.scope, d.list_status, d.tallied, d.recounted
        );
    }
    if fix {
        state
            .store
            .recount_counts()
            .await
            .context("storing the recount")?;
        println!(
            "user counts: {} differences fixed by a recount",
            drift.len()
        );
        return Ok(());
    }
    anyhow::bail!(
        "{} user counts differ from their recount (run `portico doctor --fix` to recount)",
        drift.len()
    )
}

async fn admin_create(settings: Settings, email: &str, password_stdin: bool) -> anyhow::Result<()> {
    let password = if password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from stdin")?;
        Some(SecretString::from(
            line.trim_end_matches(['\r', '\n']).to_owned(),
        ))
    } else {
        None
    };
    let state = server::open(&settings).await?;
    server::create_admin(&state, email, password.as_ref()).await?;
    if password.is_some() {
        println!(
            "Admin {email} created; they can log in at {}",
            state.config.link("/login")
        );
    } else {
        println!(
            "Admin {email} created without a password; send them a password reset from /login."
        );
    }
    Ok(())
}

async fn admin_token(
    settings: Settings,
    email: &str,
    name: String,
    access: String,
    expires_in_days: i64,
) -> anyhow::Result<()> {
    let state = server::open(&settings).await?;
    let account = state
        .store
        .account_by_email(email)
        .await
        .context("reading the admin")?
        .filter(|a| a.role.is_admin())
        .with_context(|| format!("--email: {email} is not an admin"))?;
    let admin = app::backend::auth::to_current_user(&account).map_err(anyhow::Error::msg)?;
    let form = app::domain::api_token::ApiTokenForm {
        name,
        access,
        expires_in_days: expires_in_days.to_string(),
    };
    let added = app::backend::api_tokens::add(&state, &admin, &form)
        .await
        .map_err(anyhow::Error::msg)?;
    println!("{}", added.token);
    Ok(())
}

/// Logs to stderr: readable lines, or one JSON object a line with `PORTICO_LOG_FORMAT=json`.
fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if std::env::var("PORTICO_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Resolves on SIGTERM or Ctrl-C; the server then finishes the requests in flight.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
