//! The test harness: `spawn_app()` starts Portico on port 0 with a fresh database.

use app::backend::AppState;
use app::backend::config::Config;
use secrecy::SecretString;
use server::Settings;
use sqlx::Connection as _;
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::sync::oneshot;

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";

/// A fresh database URL: a new SQLite file, or a new Postgres database on TEST_POSTGRES_URL.
pub async fn fresh_database_url() -> String {
    fresh_database_url_with("").await
}

/// The same, creating the Postgres database with `postgres_options` (e.g. its collation).
pub async fn fresh_database_url_with(postgres_options: &str) -> String {
    let name = format!(
        "portico_t_{}_{}",
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
        uuid::Uuid::new_v4().simple()
    );
    match std::env::var("TEST_POSTGRES_URL") {
        Ok(base) if !base.is_empty() => {
            sqlx::any::install_default_drivers();
            let mut conn = sqlx::AnyConnection::connect(&base)
                .await
                .expect("connect to TEST_POSTGRES_URL");
            drop_stale_databases(&mut conn).await;
            sqlx::query(&format!("create database {name} {postgres_options}"))
                .execute(&mut conn)
                .await
                .expect("create test database");
            let (prefix, _) = base
                .rsplit_once('/')
                .expect("TEST_POSTGRES_URL ends with /database");
            format!("{prefix}/{name}")
        }
        _ => {
            let dir = std::env::temp_dir().join("portico-tests");
            std::fs::create_dir_all(&dir).expect("temp dir");
            format!("sqlite://{}", dir.join(format!("{name}.db")).display())
        }
    }
}

/// Test databases older than an hour are left over from earlier runs: drop them.
async fn drop_stale_databases(conn: &mut sqlx::AnyConnection) {
    use sqlx::Row as _;
    let cutoff = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
        - 3600;
    let rows = sqlx::query("select datname from pg_database where datname like 'portico_t_%'")
        .fetch_all(&mut *conn)
        .await
        .unwrap_or_default();
    for row in rows {
        let name: String = row.try_get("datname").unwrap_or_default();
        let created = name
            .split('_')
            .nth(2)
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(u64::MAX);
        if created < cutoff {
            let _ = sqlx::query(&format!("drop database if exists {name}"))
                .execute(&mut *conn)
                .await;
        }
    }
}

pub struct TestOptions {
    pub admin: bool,
    pub public_url: Option<String>,
    pub database_url: Option<String>,
    pub smtp_url: Option<String>,
    /// Rate limits count per the last X-Forwarded-For entry, so a test can rotate addresses.
    pub trust_forwarded_for: bool,
    /// Where the site's files are (`pkg/…`); the default has none.
    pub site_root: Option<String>,
    /// Requests one REST API token may make per minute.
    pub api_rate_per_minute: u32,
}

impl Default for TestOptions {
    fn default() -> Self {
        Self {
            admin: true,
            public_url: None,
            database_url: None,
            smtp_url: None,
            trust_forwarded_for: false,
            site_root: None,
            api_rate_per_minute: server::rest::DEFAULT_RATE_PER_MINUTE,
        }
    }
}

pub fn settings(database_url: &str, public_url: &str, admin: bool) -> Settings {
    Settings {
        database_url: database_url.to_owned(),
        config: Config {
            public_url: url::Url::parse(public_url).expect("public url"),
            smtp_url: None,
            smtp_from: "Portico <portico@example.com>".to_owned(),
            portal_name: "Portico".to_owned(),
            trust_forwarded_for: false,
        },
        bootstrap_admin: admin
            .then(|| (ADMIN_EMAIL.to_owned(), SecretString::from(ADMIN_PASSWORD))),
        site_root: "target/site".to_owned(),
        api_rate_per_minute: server::rest::DEFAULT_RATE_PER_MINUTE,
    }
}

/// A running Portico and a cookie-keeping client that sends same-origin headers like a browser.
pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub client: reqwest::Client,
    pub database_url: String,
    pub setup_link: Option<String>,
    shutdown: Option<oneshot::Sender<()>>,
    pub server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

pub async fn spawn_app() -> TestApp {
    spawn_with(TestOptions::default()).await
}

/// Starts Portico (as `spawn_app` does) with the app's client signed in as the admin.
pub async fn spawn_as_admin() -> TestApp {
    let app = spawn_app().await;
    app.login_admin().await;
    app
}

/// Starts Portico whose public URL is https://portal.example.com.
pub async fn spawn_https_app() -> TestApp {
    spawn_with(TestOptions {
        public_url: Some("https://portal.example.com".into()),
        ..Default::default()
    })
    .await
}

/// Starts Portico with no admin from the environment (a fresh install, with a setup link).
pub async fn spawn_without_admin() -> TestApp {
    spawn_with(TestOptions {
        admin: false,
        ..Default::default()
    })
    .await
}

/// Starts Portico that counts rate limits per the last X-Forwarded-For address.
pub async fn spawn_trusting_forwarded_for() -> TestApp {
    spawn_with(TestOptions {
        trust_forwarded_for: true,
        ..Default::default()
    })
    .await
}

/// Starts Portico that sends its email to the SMTP server at `smtp_url`.
pub async fn spawn_with_smtp(smtp_url: String) -> TestApp {
    spawn_with(TestOptions {
        smtp_url: Some(smtp_url),
        ..Default::default()
    })
    .await
}

/// Starts Portico on the database at `database_url` (fresh or used before).
pub async fn spawn_on_database(database_url: String) -> TestApp {
    spawn_with(TestOptions {
        database_url: Some(database_url),
        ..Default::default()
    })
    .await
}

pub async fn spawn_with(options: TestOptions) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let base = format!("http://{addr}");
    let database_url = match options.database_url {
        Some(url) => url,
        None => fresh_database_url().await,
    };
    let public_url = options.public_url.unwrap_or_else(|| base.clone());
    let mut settings = settings(&database_url, &public_url, options.admin);
    settings.config.smtp_url = options.smtp_url.map(SecretString::from);
    settings.config.trust_forwarded_for = options.trust_forwarded_for;
    settings.api_rate_per_minute = options.api_rate_per_minute;
    if let Some(root) = options.site_root {
        settings.site_root = root;
    }
    let started = server::start(settings).await.expect("start portico");
    let (state, setup_link) = (started.state.clone(), started.setup_link.clone());
    let router = started.router();
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let result = server::serve(listener, router, async move {
            let _ = rx.await;
        })
        .await;
        // The email worker stops with the server.
        started.stop_worker();
        result
    });
    TestApp {
        client: client(&base),
        base,
        state,
        database_url,
        setup_link,
        shutdown: Some(tx),
        server: Some(server),
    }
}

/// A client like a browser on the portal's own pages: keeps cookies, follows no redirect, and
/// sends the Origin of the portal.
pub fn client(base: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::ORIGIN, base.parse().expect("origin"));
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        // A request the server never answers fails its test by name instead of hanging the run
        // (one such hang was seen, once, on a loaded machine; the name was not caught).
        .timeout(std::time::Duration::from_secs(90))
        .build()
        .expect("client")
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Calls a server function with form fields, as `ActionForm` does from wasm.
    pub async fn call(&self, function: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.call_with(&self.client, function, form).await
    }

    pub async fn call_with(
        &self,
        client: &reqwest::Client,
        function: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(&format!("/api/{function}")))
            .header(reqwest::header::ACCEPT, "application/json")
            .form(form)
            .send()
            .await
            .expect("server function request")
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.login_as(&self.client, email, password).await
    }

    /// Signs `client` in with the login server function; answers the response.
    pub async fn login_as(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        self.call_with(client, "login", &[("email", email), ("password", password)])
            .await
    }

    /// Posts an OpenAPI document to a product's "Documentation" as its page's form does
    /// (multipart: `id` and the file in `document`). With `as_page`, as a browser's plain form
    /// post (it accepts HTML and names the page it came from): the answer is then a redirect.
    pub async fn upload_with(
        &self,
        client: &reqwest::Client,
        product_id: &str,
        file_name: &str,
        bytes: Vec<u8>,
        as_page: bool,
    ) -> reqwest::Response {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned());
        let form = reqwest::multipart::Form::new()
            .text("id", product_id.to_owned())
            .part("document", part);
        let request = client
            .post(self.url("/api/upload_documentation"))
            .multipart(form);
        let request = if as_page {
            request
                .header(reqwest::header::ACCEPT, "text/html,application/xhtml+xml")
                .header(
                    reqwest::header::REFERER,
                    self.url(&format!("/admin/products/{product_id}")),
                )
        } else {
            request.header(reqwest::header::ACCEPT, "application/json")
        };
        request.send().await.expect("upload request")
    }

    /// GETs `path` with the app's client (its session).
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(handle) = self.server.take() {
            let _ = handle.await;
        }
    }

    /// The value of `Set-Cookie` for the session in `response`.
    pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
        response
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("portico_session=") || v.starts_with("__Host-portico_session="))
            .map(str::to_owned)
    }

    /// Inserts a consumer with a password straight into the database.
    pub async fn insert_consumer(&self, email: &str, password: &str) -> String {
        let hash = self.state.hasher.hash(password).await.expect("hash");
        let id = uuid::Uuid::now_v7().to_string();
        sqlx::query(
            "insert into users (id, email, first_name, last_name, role, organization_id, status, \
             password_hash, created_at, updated_at) values ($1, $2, 'Con', 'Sumer', \
             'consumer-team-member', $3, 'active', $4, 0, 0)",
        )
        .bind(&id)
        .bind(email)
        .bind(app::backend::db::DEFAULT_ORGANIZATION_ID)
        .bind(&hash)
        .execute(self.state.store.pool())
        .await
        .expect("insert consumer");
        id
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl TestApp {
    /// Inserts a consumer with `email`, returning the database's answer.
    pub async fn insert_consumer_result(&self, email: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "insert into users (id, email, role, organization_id, created_at, updated_at) \
             values ($1, $2, 'consumer-team-member', $3, 0, 0)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(email)
        .bind(app::backend::db::DEFAULT_ORGANIZATION_ID)
        .execute(self.state.store.pool())
        .await
        .map(|_| ())
    }
}

impl TestApp {
    /// Signs the app's client in as the admin from PORTICO_ADMIN_*.
    pub async fn login_admin(&self) {
        let response = self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(response.status(), reqwest::StatusCode::OK);
    }

    /// Creates a consumer through the "Add user" server function; answers the response.
    pub async fn create_user(&self, fields: &[(&str, &str)]) -> reqwest::Response {
        let defaults = [
            ("form[first_name]", "Ada"),
            ("form[last_name]", "Lovelace"),
            ("form[email]", "ada@example.com"),
            (
                "form[organization_id]",
                app::backend::db::DEFAULT_ORGANIZATION_ID,
            ),
            ("form[role]", "consumer-team-member"),
            ("form[password]", ""),
        ];
        self.call_form("create_user", &dialog_form(&defaults, fields))
            .await
    }

    /// Calls a server function with a form of owned fields.
    pub async fn call_form(&self, function: &str, form: &[(String, String)]) -> reqwest::Response {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        self.call(function, &pairs).await
    }

    /// Creates a consumer and answers their id.
    pub async fn create_user_ok(&self, fields: &[(&str, &str)]) -> String {
        let response = self.create_user(fields).await;
        assert_eq!(
            response.status(),
            reqwest::StatusCode::OK,
            "{:?}",
            response.text().await
        );
        response.json::<String>().await.expect("id")
    }

    /// The HTML of a page fetched with the app's client (its session, no JavaScript).
    pub async fn page_text(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("html")
    }

    /// The HTML of a page fetched with `client` (its session); the page must answer 200.
    pub async fn page_text_with(&self, client: &reqwest::Client, path: &str) -> String {
        let response = client
            .get(self.url(path))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        assert_eq!(response.status(), reqwest::StatusCode::OK, "GET {path}");
        response.text().await.expect("html")
    }

    /// The text in the first column of the first row `sql` answers.
    pub async fn scalar_text(&self, sql: &str) -> String {
        use sqlx::Row as _;
        sqlx::query(sql)
            .fetch_one(self.state.store.pool())
            .await
            .expect("row")
            .try_get::<String, _>(0)
            .expect("text")
    }

    /// How many users have exactly the address `email`.
    pub async fn users_with_email(&self, email: &str) -> i64 {
        self.count(&format!(
            "select count(*) from users where email = '{email}'"
        ))
        .await
    }

    /// Asserts that every stored user count equals a recount of the rows (`portico doctor`).
    pub async fn assert_counts(&self) {
        let drift = self.state.store.check_counts().await.expect("recount");
        assert!(drift.is_empty(), "user counts drifted: {drift:#?}");
    }

    /// Moves the app's clock to just past the start of a fixed rate-limit window of `window_ms`
    /// (windows start at multiples of their length), so a burst of attempts counted against one
    /// limit cannot straddle two windows when the run is slow.
    pub fn to_window_start(&self, window_ms: i64) {
        let into = self.state.clock.now().rem_euclid(window_ms);
        self.state.clock.advance(std::time::Duration::from_millis(
            (window_ms - into + 1) as u64,
        ));
    }

    pub async fn count(&self, sql: &str) -> i64 {
        use sqlx::Row as _;
        sqlx::query(sql)
            .fetch_one(self.state.store.pool())
            .await
            .expect("count")
            .try_get::<i64, _>(0)
            .expect("n")
    }
}

impl TestApp {
    /// Asserts that each admin server function answers 401 to a stranger and 403 to a signed-in
    /// consumer, with the given form fields.
    pub async fn assert_admin_only(&self, calls: &[(&str, &[(&str, &str)])]) {
        self.insert_consumer("refused@example.com", "a consumer's long password")
            .await;
        let consumer = self
            .signed_in_client("refused@example.com", "a consumer's long password")
            .await;
        let stranger = client(&self.base);
        for (function, form) in calls {
            let status = self.call_with(&stranger, function, form).await.status();
            assert_eq!(
                status,
                reqwest::StatusCode::UNAUTHORIZED,
                "stranger: {function}"
            );
            let status = self.call_with(&consumer, function, form).await.status();
            assert_eq!(
                status,
                reqwest::StatusCode::FORBIDDEN,
                "consumer: {function}"
            );
        }
    }
}

impl TestApp {
    /// The secret of the newest confirmation link mailed to `email` (as the database keeps it;
    /// the outbox view would show it too, to an admin).
    pub async fn confirmation_secret(&self, email: &str) -> String {
        use sqlx::Row as _;
        sqlx::query(
            "select link_secret from email_outbox where kind = 'email_confirmation' \
             and to_address = $1 and link_secret is not null order by created_at desc limit 1",
        )
        .bind(email)
        .fetch_one(self.state.store.pool())
        .await
        .expect("a confirmation email")
        .try_get::<String, _>("link_secret")
        .expect("secret")
    }

    /// Confirms a registrant's address from `client`, as the person who opens the link does.
    pub async fn confirm_registration(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        let token = self.confirmation_secret(email).await;
        self.call_with(
            client,
            "confirm_email",
            &[("token", token.as_str()), ("password", password)],
        )
        .await
    }
}

impl TestApp {
    /// The names of the user's teams, in name order, straight from the database.
    pub async fn team_names(&self, user: &str) -> Vec<String> {
        use sqlx::Row as _;
        sqlx::query(
            "select t.name from team_memberships m join teams t on t.id = m.team_id \
             where m.user_id = $1 order by t.name",
        )
        .bind(user)
        .fetch_all(self.state.store.pool())
        .await
        .expect("rows")
        .iter()
        .map(|r| r.try_get::<String, _>("name").expect("name"))
        .collect()
    }
}

impl TestApp {
    /// A new client signed in as `email` (the sign-in asserted to answer 200).
    pub async fn signed_in_client(&self, email: &str, password: &str) -> reqwest::Client {
        let client = client(&self.base);
        let login = self.login_as(&client, email, password).await;
        assert_eq!(login.status(), reqwest::StatusCode::OK, "{email}");
        client
    }

    /// The status and error of signing `client` in as `email` (for a sign-in that is refused).
    pub async fn login_error(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> (reqwest::StatusCode, app::error::AppError) {
        error_of(self.login_as(client, email, password).await).await
    }

    /// A form post (no JavaScript) from `client` that signs in as the admin and asks to go on to
    /// `next`, ready to send.
    pub fn admin_login_form(
        &self,
        client: &reqwest::Client,
        next: &str,
    ) -> reqwest::RequestBuilder {
        client.post(self.url("/api/login")).form(&[
            ("email", ADMIN_EMAIL),
            ("password", ADMIN_PASSWORD),
            ("next", next),
        ])
    }

    /// Signs a new client in as the admin by a plain form post that asks to go on to `next`;
    /// answers where the answer redirects to ("" when it does not).
    pub async fn admin_login_redirect(&self, next: &str) -> String {
        let response = self
            .admin_login_form(&client(&self.base), next)
            .send()
            .await
            .expect("login");
        location(&response)
    }

    /// Creates an organization with the app's client; answers its id.
    pub async fn create_organization(&self, name: &str) -> String {
        self.call("create_organization", &[("name", name)])
            .await
            .json()
            .await
            .expect("organization id")
    }

    /// Creates a team in `organization` with the app's client; answers its id.
    pub async fn create_team(&self, organization: &str, name: &str) -> String {
        self.call(
            "create_team",
            &[("organization_id", organization), ("name", name)],
        )
        .await
        .json()
        .await
        .expect("team id")
    }

    /// Adds the provider admin Pro Vider, provider@example.com, with `password` (asserted 200).
    pub async fn add_provider_admin(&self, password: &str) {
        let added = self
            .call(
                "add_admin",
                &[
                    ("form[first_name]", "Pro"),
                    ("form[last_name]", "Vider"),
                    ("form[email]", "provider@example.com"),
                    ("form[organization_id]", ""),
                    ("form[role]", "provider-admin"),
                    ("form[password]", password),
                ],
            )
            .await;
        assert_eq!(added.status(), reqwest::StatusCode::OK);
    }
}

/// The filters of the users table (`count_users`), all empty.
pub const USERS_FILTER: [(&str, &str); 4] = [
    ("search", ""),
    ("organization_id", ""),
    ("team_id", ""),
    ("status", ""),
];

/// The fields of the users table's query (`list_users`), all empty.
pub const USERS_QUERY: [(&str, &str); 6] = [
    ("search", ""),
    ("organization_id", ""),
    ("team_id", ""),
    ("status", ""),
    ("sort", ""),
    ("cursor", ""),
];

/// `defaults` with each of `fields` in place of the default of the same name (added at the end).
pub fn with_fields<'a>(
    defaults: &[(&'a str, &'a str)],
    fields: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut form = defaults.to_vec();
    for &(name, value) in fields {
        form.retain(|&(key, _)| key != name);
        form.push((name, value));
    }
    form
}

/// A dialog's form: `defaults`, with each of `fields` put in as `form[name]` in place of the
/// default of that name (added at the end).
pub fn dialog_form(defaults: &[(&str, &str)], fields: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut form: Vec<(String, String)> = defaults
        .iter()
        .map(|&(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    for (key, value) in fields {
        let key = format!("form[{key}]");
        form.retain(|(k, _)| *k != key);
        form.push((key, (*value).to_owned()));
    }
    form
}

/// How many of `statuses` are `status`.
pub fn count_of(statuses: &[reqwest::StatusCode], status: reqwest::StatusCode) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

/// The `Location` a response redirects to, or "" when it has none.
pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The status of an error response and the `AppError` in its body.
pub async fn error_of(response: reqwest::Response) -> (reqwest::StatusCode, app::error::AppError) {
    let status = response.status();
    (
        status,
        response
            .json::<app::error::AppError>()
            .await
            .expect("AppError"),
    )
}

/// The body of the page at the full `url` (a link from an email or a redirect), fetched with
/// `client`.
pub async fn text_at(client: &reqwest::Client, url: &str) -> String {
    client
        .get(url)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body")
}

/// Runs the futures concurrently (on this task) and answers their outputs in order.
pub async fn futures_join_all<F: std::future::Future>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<F::Output> {
    let mut set = Vec::new();
    for f in futures {
        set.push(f);
    }
    let mut out = Vec::with_capacity(set.len());
    let pinned: Vec<_> = set.into_iter().map(Box::pin).collect();
    // Poll all at once.
    let results = futures_util_join(pinned).await;
    out.extend(results);
    out
}

async fn futures_util_join<F: std::future::Future + Unpin>(mut futures: Vec<F>) -> Vec<F::Output> {
    let mut results: Vec<Option<F::Output>> = (0..futures.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in futures.iter_mut().enumerate() {
            if results[i].is_none() {
                match std::pin::Pin::new(&mut *f).poll(cx) {
                    std::task::Poll::Ready(v) => results[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    results.into_iter().map(|r| r.expect("done")).collect()
}
