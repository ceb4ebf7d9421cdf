//! `portico-bench`: seeds a database with many API consumers and measures the users-list server
//! function over HTTP (first page, a search, a filtered page, a deep keyset page), printing
//! p50/p99 per case, and the exact count the table asks for beside each; with
//! `--org-delete-users`, it also times deleting an organization that many users belong to.
//! Rerun it with the commands in docs/benchmarks.md.

use anyhow::Context as _;
use app::backend::config::Config;
use app::backend::db::{By, DEFAULT_ORGANIZATION_ID, DEFAULT_TEAM_ID};
use app::domain::user::UserPage;
use clap::Parser;
use secrecy::SecretString;
use std::time::{Duration, Instant};

/// mimalloc instead of glibc's malloc: under 64 connections on `/admin/users` the allocator took
/// ~20 % of the CPU in glibc (`_int_malloc`, `malloc_consolidate`, `_int_free`; perf, see
/// docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(about = "Seed many users and measure the users list")]
struct Args {
    /// Database to seed and measure: sqlite://… or postgres://… (it should start empty).
    #[arg(long)]
    database_url: String,
    /// How many consumers to seed (skipped when the database already holds that many).
    #[arg(long, default_value_t = 1_000_000)]
    users: i64,
    /// Measured requests per case (after 20 warm-up requests); 0 skips the users list.
    #[arg(long, default_value_t = 300)]
    iterations: usize,
    /// Also time `delete_organization` for an organization with this many users (0: skip).
    #[arg(long, default_value_t = 0)]
    org_delete_users: i64,
    /// How many organizations to create, fill and delete for that measure.
    #[arg(long, default_value_t = 5)]
    org_delete_rounds: usize,
    /// Also sign in this many times, 50 at a time (each checks a password with argon2), and
    /// print the process's resident memory before, just after, and 5 s after (0: skip).
    #[arg(long, default_value_t = 0)]
    login_storm: usize,
    /// Also queue this many emails at once and deliver them to `--smtp-url` with the outbox's
    /// own delivery pass, printing the time and the rate (0: skip).
    #[arg(long, default_value_t = 0)]
    emails: usize,
    /// The SMTP listener for `--emails` (for example end2end/smtp-sink.mjs on port 2525).
    #[arg(long, default_value = "smtp://127.0.0.1:2525?tls=none")]
    smtp_url: String,
    /// Also fetch each admin page a person opens (the whole HTML over HTTP, signed in) this many
    /// times, one client, and print p50/p99 per page (0: skip).
    #[arg(long, default_value_t = 0)]
    pages: usize,
    /// Also seed the catalog of issue 16 (1,000 products, 200 catalogs, 10,000 teams in 1,000
    /// organizations, a consumer in 20 teams) and fetch `/catalog` as that consumer this many
    /// times, printing the server function's and the whole page's p50/p99 (0: skip).
    #[arg(long, default_value_t = 0)]
    catalog: usize,
    /// Also upload a generated 2 MB OpenAPI document to a product in a Public catalog and fetch
    /// its reference page (the whole HTML, anonymous) this many times, printing the upload's
    /// check, the first (uncached) rendering and the page's p50/p99 (0: skip).
    #[arg(long, default_value_t = 0)]
    reference: usize,
    /// Also load `/admin/users` with `wrk` (Debian's package) at 64 connections for this many
    /// seconds and print its summary (0: skip).
    #[arg(long, default_value_t = 0)]
    wrk_seconds: u32,
    /// Also seed this many live API keys (1,000 apps × 100 products) and load the gateway check
    /// with `wrk` at 64 connections, each request a random key: `GET /gateway/v1/auth` directly,
    /// then through nginx's `auth_request` in front of an upstream (0: skip).
    #[arg(long, default_value_t = 0)]
    gateway_keys: usize,
    /// Also fetch the first page of `GET /api/v1/users?limit=50` (and `limit=25`, the users
    /// menu's page) with an API token this many times, beside the `list_users` server function
    /// the users menu calls, printing p50/p99 of each and the ratio of the p50s (0: skip).
    #[arg(long, default_value_t = 0)]
    rest: usize,
    /// Paces each of wrk's 64 connections of `--gateway-keys` so that together they send about
    /// this many requests per second (wrk's `delay()`, whole milliseconds between a response and
    /// the connection's next request): the tail below saturation (0: as fast as wrk can).
    #[arg(long, default_value_t = 0)]
    gateway_rate: u32,
    /// Seconds of each measured `wrk` run of `--gateway-keys` (after a warm-up of the same length).
    #[arg(long, default_value_t = 10)]
    gateway_seconds: u32,
    /// After each `wrk` run of `--gateway-keys`, also hold this many checks a second with `oha`
    /// (`cargo install oha --locked`) for `--gateway-seconds`, after a warm-up run, and print its
    /// percentiles with latency correction: the tail at a fixed rate (0: skip).
    #[arg(long, default_value_t = 0)]
    gateway_oha_rate: u32,
}

/// Far in the future, so seeded invitations stay pending.
const INVITE_EXPIRES: i64 = 4_000_000_000_000;

const ADMIN_EMAIL: &str = "bench-admin@example.com";
const ADMIN_PASSWORD: &str = "benchmark admin password";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let settings = server::Settings {
        database_url: args.database_url.clone(),
        config: Config {
            public_url: url::Url::parse("http://127.0.0.1")?,
            smtp_url: None,
            smtp_from: "Portico <portico@localhost>".into(),
            portal_name: "Portico".into(),
            trust_forwarded_for: false,
        },
        bootstrap_admin: Some((ADMIN_EMAIL.into(), SecretString::from(ADMIN_PASSWORD))),
        site_root: "target/site".into(),
        api_rate_per_minute: u32::MAX,
    };
    let started = server::start(settings).await?;
    let store = &started.state.store;
    let existing = count(
        store.pool(),
        "select count(*) from users where role like 'consumer%'",
    )
    .await?;
    if existing < args.users {
        let began = Instant::now();
        if args.database_url.starts_with("postgres") {
            seed_postgres(
                store.pool(),
                existing,
                args.users,
                DEFAULT_ORGANIZATION_ID,
                DEFAULT_TEAM_ID,
            )
            .await?;
        } else {
            seed(
                store.pool(),
                existing,
                args.users,
                DEFAULT_ORGANIZATION_ID,
                DEFAULT_TEAM_ID,
            )
            .await?;
        }
        println!(
            "seeded {} users in {:.1} s",
            args.users - existing,
            began.elapsed().as_secs_f64()
        );
    } else {
        println!("database already holds {existing} users");
    }
    // The triggers wrote a row of the tally per user and key; fold them as the background task
    // would within ten seconds, so the pages are measured as they run.
    let began = Instant::now();
    while store.fold_counts().await? > 0 {}
    println!(
        "folded the user counts in {:.1} s",
        began.elapsed().as_secs_f64()
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let router = started.router();
    tokio::spawn(server::serve(listener, router, std::future::pending()));
    let client = reqwest::Client::builder().cookie_store(true).build()?;
    let call = |function: &'static str, form: Vec<(&'static str, String)>| {
        let client = client.clone();
        let url = format!("{base}/api/{function}");
        let origin = base.clone();
        async move {
            client
                .post(url)
                .header("origin", origin)
                .header("accept", "application/json")
                .form(&form)
                .send()
                .await
        }
    };
    let login = call(
        "login",
        vec![
            ("email", ADMIN_EMAIL.into()),
            ("password", ADMIN_PASSWORD.into()),
        ],
    )
    .await?;
    anyhow::ensure!(
        login.status().is_success(),
        "admin login failed: {}",
        login.status()
    );
    if let Some(cookie) = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("portico_session="))
        .and_then(|v| v.split(';').next())
    {
        let _ = SESSION_COOKIE.set(cookie.to_owned());
    }

    if args.pages > 0 {
        pages(&client, &base, args.pages).await?;
    }
    if args.catalog > 0 {
        catalog(store.pool(), &client, &base, args.catalog).await?;
    }
    if args.reference > 0 {
        reference(&client, &base, args.reference).await?;
    }
    if args.wrk_seconds > 0 {
        wrk(&base, args.wrk_seconds).await?;
    }
    if args.rest > 0 {
        rest(&client, &base, args.rest).await?;
    }
    if args.gateway_keys > 0 {
        gateway(
            &started.state,
            &base,
            args.gateway_keys,
            args.gateway_seconds,
            args.gateway_rate,
            args.gateway_oha_rate,
        )
        .await?;
    }

    if args.emails > 0 {
        email_throughput(&started.state, args.emails, &args.smtp_url).await?;
    }

    if args.login_storm > 0 {
        login_storm(&base, args.login_storm).await?;
    }

    if args.org_delete_users > 0 {
        let mut times = Vec::new();
        let admin: String = {
            use sqlx::Row as _;
            sqlx::query("select id from users where email = $1")
                .bind(ADMIN_EMAIL)
                .fetch_one(store.pool())
                .await?
                .try_get("id")?
        };
        for round in 0..args.org_delete_rounds {
            let now = started.state.clock.now();
            let org = store
                .create_organization(&format!("Bench org {round} {now}"), By::user(&admin, now))
                .await?;
            let team: String = {
                use sqlx::Row as _;
                sqlx::query("select id from teams where organization_id = $1")
                    .bind(&org)
                    .fetch_one(store.pool())
                    .await?
                    .try_get("id")?
            };
            let from = 100_000_000 + now % 1_000_000 * 1_000 + round as i64 * args.org_delete_users;
            let to = from + args.org_delete_users;
            if args.database_url.starts_with("postgres") {
                seed_postgres(store.pool(), from, to, &org, &team).await?;
            } else {
                seed(store.pool(), from, to, &org, &team).await?;
            }
            let began = Instant::now();
            let response = call("delete_organization", vec![("id", org.clone())]).await?;
            times.push(began.elapsed());
            anyhow::ensure!(
                response.status().is_success(),
                "delete: {}",
                response.status()
            );
            let moved: i64 = response.json().await?;
            anyhow::ensure!(moved == args.org_delete_users, "moved {moved}");
        }
        times.sort();
        println!(
            "delete_organization with {} users (HTTP, one transaction), {} rounds: median {:.0} ms, max {:.0} ms",
            args.org_delete_users,
            times.len(),
            ms(times[times.len() / 2]),
            ms(times[times.len() - 1])
        );
    }
    if args.iterations == 0 {
        return Ok(());
    }

    let list = |search: &str, status: &str, sort: &str, cursor: &str| {
        vec![
            ("search", search.to_owned()),
            ("organization_id", String::new()),
            ("team_id", String::new()),
            ("status", status.to_owned()),
            ("sort", sort.to_owned()),
            ("cursor", cursor.to_owned()),
        ]
    };
    // A deep keyset page: follow the cursor 40 pages in (1,000 rows deep).
    let mut cursor = String::new();
    for _ in 0..40 {
        let page: UserPage = call("list_users", list("", "", "", &cursor))
            .await?
            .json()
            .await?;
        cursor = page.next_cursor.context("fewer than 40 pages")?;
    }
    println!(
        "users list at {} consumers, {} requests per case (HTTP, one client):",
        args.users.max(existing),
        args.iterations
    );
    // An email prefix that matches about a hundred users at a million (user12345, user123450…).
    let search = format!("user{}", (args.users.max(existing) / 81).max(1));
    let cases: Vec<(&str, Vec<(&'static str, String)>)> = vec![
        ("first page", list("", "", "", "")),
        ("search (email prefix)", list(&search, "", "", "")),
        ("search (name prefix)", list("grace hop", "", "", "")),
        ("filter status=invited", list("", "invited", "", "")),
        ("sorted by name", list("", "", "name", "")),
        ("deep keyset page (41st)", list("", "", "", &cursor)),
    ];
    for (name, mut form) in cases {
        let mut times = Vec::with_capacity(args.iterations);
        for i in 0..(args.iterations + 20) {
            let began = Instant::now();
            let response = call("list_users", form.clone()).await?;
            anyhow::ensure!(
                response.status().is_success(),
                "{name}: {}",
                response.status()
            );
            let page: UserPage = response.json().await?;
            if i >= 20 {
                times.push(began.elapsed());
            }
            anyhow::ensure!(!page.users.is_empty(), "{name}: empty page");
        }
        print_percentiles(name, &mut times);
        // The exact total the table shows beside a capped page: its own request, once per
        // search and filters (not per page or sort), so fewer rounds.
        if form
            .iter()
            .any(|(k, v)| (*k == "cursor" || *k == "sort") && !v.is_empty())
        {
            continue;
        }
        form.retain(|(k, _)| *k != "sort" && *k != "cursor");
        let rounds = args.iterations.clamp(1, 50);
        let mut times = Vec::with_capacity(rounds);
        for i in 0..(rounds + 3) {
            let began = Instant::now();
            let response = call("count_users", form.clone()).await?;
            anyhow::ensure!(
                response.status().is_success(),
                "{name} count: {}",
                response.status()
            );
            let total: i64 = response.json().await?;
            if i >= 3 {
                times.push(began.elapsed());
            }
            anyhow::ensure!(total > 0, "{name}: nothing counted");
        }
        print_percentiles(&format!("{name}, exact count"), &mut times);
    }
    Ok(())
}

/// The REST API's users list beside the server function of the users menu, each `n` times after
/// 20 warm-up requests, one client; the token is added with the menu's own "Add API token".
async fn rest(admin: &reqwest::Client, base: &str, n: usize) -> anyhow::Result<()> {
    let added: serde_json::Value = admin
        .post(format!("{base}/api/add_api_token"))
        .header("Accept", "application/json")
        .header("Origin", base)
        .form(&[
            ("form[name]", "bench"),
            ("form[access]", "read"),
            ("form[expires_in_days]", "7"),
        ])
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = added["token"].as_str().context("no token")?.to_owned();
    let script = reqwest::Client::new();
    let mut results = Vec::new();
    for (name, limit) in [
        ("GET /api/v1/users?limit=50", 50),
        ("GET /api/v1/users?limit=25", 25),
    ] {
        let mut times = Vec::with_capacity(n);
        for i in 0..(n + 20) {
            let began = Instant::now();
            let response = script
                .get(format!("{base}/api/v1/users?limit={limit}"))
                .bearer_auth(&token)
                .send()
                .await?
                .error_for_status()?;
            let page: serde_json::Value = response.json().await?;
            if i >= 20 {
                times.push(began.elapsed());
            }
            anyhow::ensure!(
                page["items"].as_array().map(Vec::len) == Some(limit),
                "{name}: a short page"
            );
        }
        print_percentiles(name, &mut times);
        results.push(times[times.len() / 2]);
    }
    let mut times = Vec::with_capacity(n);
    for i in 0..(n + 20) {
        let began = Instant::now();
        let response = admin
            .post(format!("{base}/api/list_users"))
            .header("Accept", "application/json")
            .header("Origin", base)
            .form(&[
                ("search", ""),
                ("organization_id", ""),
                ("team_id", ""),
                ("status", ""),
                ("sort", ""),
                ("cursor", ""),
            ])
            .send()
            .await?
            .error_for_status()?;
        let page: UserPage = response.json().await?;
        if i >= 20 {
            times.push(began.elapsed());
        }
        anyhow::ensure!(!page.users.is_empty(), "list_users: empty page");
    }
    print_percentiles("list_users (server function, 25 rows)", &mut times);
    let function = times[times.len() / 2];
    println!(
        "  p50 ratio to the server function: limit=50 {:.2}, limit=25 {:.2}",
        results[0].as_secs_f64() / function.as_secs_f64(),
        results[1].as_secs_f64() / function.as_secs_f64()
    );
    Ok(())
}

/// The admin pages a person opens, each fetched whole (status 200 and the HTML read to its end)
/// `n` times after 10 warm-up fetches, one after another.
async fn pages(client: &reqwest::Client, base: &str, n: usize) -> anyhow::Result<()> {
    // The cursor of the 41st page, as the table's "Next" link carries it.
    let mut cursor = String::new();
    for _ in 0..40 {
        let page: UserPage = client
            .post(format!("{base}/api/list_users"))
            .header("origin", base)
            .header("accept", "application/json")
            .form(&[
                ("search", ""),
                ("organization_id", ""),
                ("team_id", ""),
                ("status", ""),
                ("sort", ""),
                ("cursor", cursor.as_str()),
            ])
            .send()
            .await?
            .json()
            .await?;
        cursor = page.next_cursor.context("fewer than 40 pages")?;
    }
    let deep = format!(
        "/admin/users?cursor={}",
        url::form_urlencoded::byte_serialize(cursor.as_bytes()).collect::<String>()
    );
    let cases = [
        ("/admin/users", "/admin/users".to_owned()),
        ("?status=invited", "/admin/users?status=invited".to_owned()),
        ("41st page (keyset)", deep),
        ("?q=grace+hop", "/admin/users?q=grace+hop".to_owned()),
        (
            "?q=grace+hop&status=active",
            "/admin/users?q=grace+hop&status=active".to_owned(),
        ),
        ("/admin/organizations", "/admin/organizations".to_owned()),
        ("/admin/teams", "/admin/teams".to_owned()),
    ];
    println!("whole pages over HTTP, signed in, one client, {n} fetches each:");
    for (name, path) in cases {
        let mut times = Vec::with_capacity(n);
        for i in 0..(n + 10) {
            let began = Instant::now();
            let response = client.get(format!("{base}{path}")).send().await?;
            anyhow::ensure!(
                response.status().is_success(),
                "{name}: {}",
                response.status()
            );
            let html = response.text().await?;
            if i >= 10 {
                times.push(began.elapsed());
            }
            anyhow::ensure!(html.contains("</html>"), "{name}: an unfinished page");
        }
        print_percentiles(name, &mut times);
    }
    Ok(())
}

/// Seeds the catalog world with plain inserts (one transaction), adds the consumer through
/// `create_user` (20 teams of one organization), and times what that consumer's browser asks:
/// the `browse_catalog` server function, the whole `/catalog` page, and a product page.
async fn catalog(
    pool: &sqlx::AnyPool,
    admin: &reqwest::Client,
    base: &str,
    n: usize,
) -> anyhow::Result<()> {
    const ORGS: usize = 1_000;
    const TEAMS_PER_ORG: usize = 10;
    const PRODUCTS: usize = 1_000;
    const CATALOGS: usize = 200;
    const CONSUMER_TEAMS: usize = 20;
    let began = Instant::now();
    let mut tx = pool.begin().await?;
    let now = 1_700_000_000_000_i64;
    let mut teams: Vec<Vec<String>> = Vec::with_capacity(ORGS);
    for o in 0..ORGS {
        let org = format!("00000000-0000-7000-9000-{o:012}");
        sqlx::query("insert into organizations (id, name, is_default, created_at, updated_at) values ($1, $2, 0, $3, $3)")
            .bind(&org)
            .bind(format!("Bench catalog org {o}"))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        // The consumer's organization has 20 teams besides its default one.
        let count = if o == 0 {
            CONSUMER_TEAMS
        } else {
            TEAMS_PER_ORG
        };
        let mut ids = Vec::with_capacity(count + 1);
        for t in 0..=count {
            let id = format!("00000000-0000-7000-a{o:03}-{t:012}");
            sqlx::query("insert into teams (id, organization_id, name, is_default, created_at, updated_at) values ($1, $2, $3, $4, $5, $5)")
                .bind(&id)
                .bind(&org)
                .bind(if t == 0 { format!("Bench catalog org {o} All users") } else { format!("Team {t}") })
                .bind(i64::from(t == 0))
                .bind(now)
                .execute(&mut *tx)
                .await?;
            ids.push(id);
        }
        teams.push(ids);
    }
    for p in 0..PRODUCTS {
        sqlx::query("insert into api_products (id, name, display_name, summary, description, getting_started, published, tags, gateway_prefix, created_at, updated_at) values ($1, $2, $3, $4, $5, '', $6, $7, $8, $9, $9)")
            .bind(format!("00000000-0000-7000-b000-{p:012}"))
            .bind(format!("bench-product-{p}"))
            .bind(format!("Bench product {p}"))
            .bind("A product of the catalog benchmark.")
            .bind("## About\n\nSome **Markdown** for the page.")
            .bind(i64::from(p % 10 != 0))
            .bind(format!(",tag{},all,", p % 20))
            .bind(format!("/bench-{p}/"))
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    for c in 0..CATALOGS {
        let id = format!("00000000-0000-7000-c000-{c:012}");
        sqlx::query("insert into catalogs (id, name, visibility, created_at, updated_at) values ($1, $2, $3, $4, $4)")
            .bind(&id)
            .bind(format!("Bench catalog {c}"))
            .bind(if c % 50 == 0 { "public" } else { "private" })
            .bind(now)
            .execute(&mut *tx)
            .await?;
        // 25 products each (every product in 5 catalogs), 10 teams of 10 organizations and one
        // whole organization in the audience.
        for k in 0..25 {
            sqlx::query("insert into catalog_products (catalog_id, product_id) values ($1, $2)")
                .bind(&id)
                .bind(format!(
                    "00000000-0000-7000-b000-{:012}",
                    (c * 25 + k) % PRODUCTS
                ))
                .execute(&mut *tx)
                .await?;
        }
        for k in 0..10 {
            let org = (c * 5 + k) % ORGS;
            sqlx::query("insert into catalog_audience_teams (catalog_id, team_id) values ($1, $2)")
                .bind(&id)
                .bind(&teams[org][1 + k % TEAMS_PER_ORG])
                .execute(&mut *tx)
                .await?;
        }
        // One catalog in ten also has one of the consumer's 20 teams, so they see through 20.
        if c % 10 == 1 {
            sqlx::query(
                "insert into catalog_audience_teams (catalog_id, team_id) values ($1, $2) on conflict do nothing",
            )
            .bind(&id)
            .bind(&teams[0][1 + (c / 10) % CONSUMER_TEAMS])
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("insert into catalog_audience_organizations (catalog_id, organization_id) values ($1, $2)")
            .bind(&id)
            .bind(format!("00000000-0000-7000-9000-{:012}", (c * 7 + 3) % ORGS))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    println!(
        "seeded the catalog ({PRODUCTS} products, {CATALOGS} catalogs, {} teams in {ORGS} organizations) in {:.1} s",
        teams.iter().map(Vec::len).sum::<usize>(),
        began.elapsed().as_secs_f64()
    );
    let password = "catalog benchmark consumer password";
    let email = "catalog-bench@example.com";
    let mut form: Vec<(String, String)> = vec![
        ("form[first_name]".into(), "Cat".into()),
        ("form[last_name]".into(), "Bench".into()),
        ("form[email]".into(), email.into()),
        (
            "form[organization_id]".into(),
            "00000000-0000-7000-9000-000000000000".into(),
        ),
        ("form[role]".into(), "consumer-team-member".into()),
        ("form[password]".into(), password.into()),
    ];
    form.extend(
        teams[0][1..]
            .iter()
            .map(|t| ("form[team_ids][]".to_owned(), t.clone())),
    );
    let created = admin
        .post(format!("{base}/api/create_user"))
        .header("origin", base)
        .header("accept", "application/json")
        .form(&form)
        .send()
        .await?;
    anyhow::ensure!(
        created.status().is_success(),
        "create_user: {}",
        created.text().await?
    );
    let consumer = reqwest::Client::builder().cookie_store(true).build()?;
    let login = consumer
        .post(format!("{base}/api/login"))
        .header("origin", base)
        .header("accept", "application/json")
        .form(&[("email", email), ("password", password)])
        .send()
        .await?;
    anyhow::ensure!(
        login.status().is_success(),
        "consumer login: {}",
        login.status()
    );
    let visible: Vec<app::domain::catalog::CatalogEntry> = consumer
        .post(format!("{base}/api/browse_catalog"))
        .header("origin", base)
        .header("accept", "application/json")
        .form(&[("q", ""), ("tag", "")])
        .send()
        .await?
        .json()
        .await?;
    println!(
        "the consumer (20 teams) sees {} products; {n} fetches each, one client:",
        visible.len()
    );
    let first = visible
        .first()
        .map(|e| e.name.clone())
        .context("no visible product")?;
    let cases: [(&str, Option<&str>, String); 4] = [
        (
            "browse_catalog (server function)",
            Some(""),
            "/api/browse_catalog".into(),
        ),
        (
            "browse_catalog ?tag=tag3",
            Some("tag3"),
            "/api/browse_catalog".into(),
        ),
        ("/catalog (whole page)", None, "/catalog".into()),
        (
            "/catalog/{product} (whole page)",
            None,
            format!("/catalog/{first}"),
        ),
    ];
    for (name, tag, path) in cases {
        let mut times = Vec::with_capacity(n);
        for i in 0..(n + 10) {
            let began = Instant::now();
            let response = match tag {
                Some(tag) => {
                    consumer
                        .post(format!("{base}{path}"))
                        .header("origin", base)
                        .header("accept", "application/json")
                        .form(&[("q", ""), ("tag", tag)])
                        .send()
                        .await?
                }
                None => consumer.get(format!("{base}{path}")).send().await?,
            };
            anyhow::ensure!(
                response.status().is_success(),
                "{name}: {}",
                response.status()
            );
            let _ = response.bytes().await?;
            if i >= 10 {
                times.push(began.elapsed());
            }
        }
        print_percentiles(name, &mut times);
    }
    Ok(())
}

/// An OpenAPI 3.0 document with `resources` resources, shaped like a large real API: resources with list,
/// create, read, update and delete operations, query and path parameters, described schemas
/// referencing each other, and an error schema every operation returns.
fn generated_document(resources: usize) -> anyhow::Result<String> {
    use serde_json::{Map, Value, json};
    let mut paths = Map::new();
    let mut schemas = Map::new();
    schemas.insert(
        "Error".into(),
        json!({"type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "integer", "format": "int32", "description": "A machine-readable code."},
            "message": {"type": "string", "description": "What went wrong, for people."}}}),
    );
    for resource in 0..resources {
        let name = format!("Resource{resource}");
        let mut properties = Map::new();
        for f in 0..24 {
            let field = match f % 4 {
                0 => {
                    json!({"type": "string", "maxLength": 200, "description": format!("Field {f} of the {name}: a label people see in lists and on invoices.")})
                }
                1 => {
                    json!({"type": "integer", "format": "int64", "minimum": 0, "description": "A count of things, never negative."})
                }
                2 => {
                    json!({"type": "string", "enum": ["draft", "active", "archived"], "description": "Where it is in its life."})
                }
                _ => {
                    json!({"type": "array", "items": {"$ref": format!("#/components/schemas/Resource{}", resource.max(1) - 1)}, "description": "Related records."})
                }
            };
            properties.insert(format!("field_{f}"), field);
        }
        schemas.insert(
            name.clone(),
            json!({"type": "object", "required": ["field_0"], "description": format!("A {name} as the API returns it."), "properties": properties}),
        );
        let error = json!({"description": "An error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
        let one = json!({"description": "The record", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}});
        let tag = format!("resource-{}", resource / 5);
        paths.insert(
            format!("/v1/resources{resource}"),
            json!({
                "get": {"operationId": format!("list{name}"), "summary": format!("List {name} records"), "tags": [tag],
                    "description": "Lists records, newest first. Use `cursor` to page.",
                    "parameters": [
                        {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}, "description": "How many to return."},
                        {"name": "cursor", "in": "query", "schema": {"type": "string"}, "description": "Where the previous page ended."}],
                    "responses": {"200": {"description": "A page", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": format!("#/components/schemas/{name}")}}}}}, "default": error}},
                "post": {"operationId": format!("create{name}"), "summary": format!("Create a {name}"), "tags": [tag],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}},
                    "responses": {"201": one, "default": error}}
            }),
        );
        paths.insert(
            format!("/v1/resources{resource}/{{id}}"),
            json!({
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "The record's id."}],
                "get": {"operationId": format!("get{name}"), "summary": format!("Read a {name}"), "tags": [tag], "responses": {"200": one, "404": error}},
                "put": {"operationId": format!("update{name}"), "summary": format!("Replace a {name}"), "tags": [tag],
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}},
                    "responses": {"200": one, "default": error}},
                "delete": {"operationId": format!("delete{name}"), "summary": format!("Delete a {name}"), "tags": [tag], "responses": {"204": {"description": "Deleted"}, "default": error}}
            }),
        );
    }
    let document = json!({"openapi": "3.0.3", "info": {"title": "Benchmark API", "version": "1.0.0",
        "description": "A generated document of the size limit."}, "paths": Value::Object(paths),
        "components": {"schemas": Value::Object(schemas)}});
    Ok(serde_json::to_string_pretty(&document)?)
}

/// The reference of a 2 MB document: upload (the check), first rendering, then the whole page.
async fn reference(admin: &reqwest::Client, base: &str, n: usize) -> anyhow::Result<()> {
    let limit = app::domain::documentation::MAX_DOCUMENT_BYTES;
    let began = Instant::now();
    // As many resources as fit under the limit.
    let per_resource = generated_document(10)?.len() / 10;
    let mut resources = limit / per_resource;
    let mut document = generated_document(resources)?;
    while document.len() > limit {
        resources -= 1;
        document = generated_document(resources)?;
    }
    println!(
        "generated an OpenAPI document of {} bytes in {:.1} s",
        document.len(),
        began.elapsed().as_secs_f64()
    );
    let post = |function: &'static str, form: Vec<(&'static str, String)>| {
        admin
            .post(format!("{base}/api/{function}"))
            .header("origin", base)
            .header("accept", "application/json")
            .form(&form)
            .send()
    };
    let name = format!("bench-reference-{}", std::process::id());
    let created = post(
        "create_api_product",
        vec![
            ("form[name]", name.clone()),
            ("form[display_name]", "Benchmark API".into()),
            ("form[gateway_prefix]", format!("/{name}/")),
            ("form[published]", "on".into()),
        ],
    )
    .await?;
    anyhow::ensure!(
        created.status().is_success(),
        "create_api_product: {}",
        created.text().await?
    );
    let id: String = created.json().await?;
    let catalog = post(
        "create_catalog",
        vec![
            ("form[name]", format!("Bench reference {name}")),
            ("form[visibility]", "public".into()),
            ("form[product_ids][]", id.clone()),
        ],
    )
    .await?;
    anyhow::ensure!(
        catalog.status().is_success(),
        "create_catalog: {}",
        catalog.text().await?
    );
    let form = reqwest::multipart::Form::new().text("id", id.clone()).part(
        "document",
        reqwest::multipart::Part::bytes(document.into_bytes()).file_name("bench.json"),
    );
    let began = Instant::now();
    let uploaded = admin
        .post(format!("{base}/api/upload_documentation"))
        .header("origin", base)
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await?;
    anyhow::ensure!(
        uploaded.status().is_success(),
        "upload_documentation: {}",
        uploaded.text().await?
    );
    println!(
        "  {:<40} {:>8.2} ms",
        "upload_documentation (check and store)",
        ms(began.elapsed())
    );
    let anonymous = reqwest::Client::new();
    let path = format!("{base}/catalog/{name}/reference");
    let mut times = Vec::with_capacity(n);
    let mut size = 0;
    for i in 0..(n + 1) {
        let began = Instant::now();
        let response = anonymous.get(&path).send().await?;
        anyhow::ensure!(
            response.status().is_success(),
            "reference page: {}",
            response.status()
        );
        size = response.bytes().await?.len();
        if i == 0 {
            println!(
                "  {:<40} {:>8.2} ms",
                "reference page, first (renders)",
                ms(began.elapsed())
            );
        } else {
            times.push(began.elapsed());
        }
    }
    println!("  reference page: {size} bytes of HTML; {n} fetches, one client:");
    print_percentiles("/catalog/{product}/reference (page)", &mut times);
    Ok(())
}

/// Runs a load generator to its end on the blocking pool. The server under test runs on this
/// process's runtime, and `Command::output` called on one of its worker threads (two here) blocked that
/// thread for the whole run (the other took over its tasks: `/admin/users` under wrk measured
/// 1,724 req/s before and 1,704 after, the machine saturated either way).
async fn output_of(
    mut command: std::process::Command,
    what: &str,
) -> anyhow::Result<std::process::Output> {
    let what = what.to_owned();
    tokio::task::spawn_blocking(move || command.output().with_context(|| format!("running {what}")))
        .await?
}

/// A warm-up run of `command` (program and arguments) and a measured one; prints `what` and the measured run's output
/// as `shown` keeps it. Anything the tool writes on stderr fails the measure.
async fn measure(
    command: std::process::Command,
    what: String,
    tool: &str,
    shown: impl Fn(&str) -> String,
) -> anyhow::Result<()> {
    for pass in ["warm-up", "measured"] {
        let mut run = std::process::Command::new(command.get_program());
        run.args(command.get_args());
        let output = output_of(run, tool).await?;
        let errors = String::from_utf8_lossy(&output.stderr);
        anyhow::ensure!(errors.trim().is_empty(), "{tool}: {errors}");
        if pass == "measured" {
            println!(
                "{what}:\n{}",
                shown(&String::from_utf8_lossy(&output.stdout))
            );
        }
    }
    Ok(())
}

/// `/admin/users` under `wrk -t2 -c64` for `seconds`, with this client's session cookie.
async fn wrk(base: &str, seconds: u32) -> anyhow::Result<()> {
    let cookie = SESSION_COOKIE
        .get()
        .context("no session cookie to give wrk")?
        .clone();
    let mut command = std::process::Command::new("wrk");
    command
        .args(["-t2", "-c64", &format!("-d{seconds}s"), "--latency", "-H"])
        .arg(format!("Cookie: {cookie}"))
        .arg(format!("{base}/admin/users"));
    let output = output_of(command, "wrk (apt-get install wrk)").await?;
    println!(
        "/admin/users under wrk -t2 -c64 -d{seconds}s:\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
    Ok(())
}

/// Seeds `n` live keys (apps of the first consumer × 100 products, one plan in a Public
/// catalog), then runs `wrk -t2 -c64` with a random key per request against the gateway check,
/// directly and through nginx (`auth_request`, keep-alive to Portico and to a `return 200`
/// upstream), a warm-up run before each measured one.
async fn gateway(
    state: &app::backend::AppState,
    base: &str,
    n: usize,
    seconds: u32,
    rate: u32,
    oha_rate: u32,
) -> anyhow::Result<()> {
    use sqlx::Row as _;
    const PRODUCTS: usize = 100;
    let pool = state.store.pool();
    let began = Instant::now();
    let owner: String = sqlx::query("select id from users where role like 'consumer%' limit 1")
        .fetch_one(pool)
        .await
        .context("--gateway-keys needs --users 1 or more")?
        .try_get("id")?;
    let now = 1_700_000_000_000_i64;
    let apps = n.div_ceil(PRODUCTS);
    let mut tx = pool.begin().await?;
    let plan = "00000000-0000-7000-b000-000000000001";
    sqlx::query("insert into plans (id, name, display_name, auto_approve, created_at, updated_at) values ($1, 'bench-gateway', 'Bench gateway', 1, $2, $2)")
        .bind(plan)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let catalog = "00000000-0000-7000-b000-000000000002";
    sqlx::query("insert into catalogs (id, name, visibility, created_at, updated_at) values ($1, 'Bench gateway', 'public', $2, $2)")
        .bind(catalog)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query("insert into catalog_plans (catalog_id, plan_id) values ($1, $2)")
        .bind(catalog)
        .bind(plan)
        .execute(&mut *tx)
        .await?;
    for p in 0..PRODUCTS {
        let id = format!("00000000-0000-7000-b001-{p:012}");
        sqlx::query("insert into api_products (id, name, display_name, published, gateway_prefix, created_at, updated_at) values ($1, $2, $2, 1, $3, $4, $4)")
            .bind(&id)
            .bind(format!("bench-gateway-{p}"))
            .bind(format!("/bench-{p}/"))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query("insert into catalog_products (catalog_id, product_id) values ($1, $2)")
            .bind(catalog)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
    }
    let organization: String = sqlx::query("select organization_id from users where id = $1")
        .bind(&owner)
        .fetch_one(&mut *tx)
        .await?
        .try_get("organization_id")?;
    let mut keys: Vec<(String, String)> = Vec::with_capacity(n);
    for a in 0..apps {
        let app_id = format!("00000000-0000-7000-b002-{a:012}");
        sqlx::query("insert into apps (id, name, visibility, owner_id, organization_id, created_at, updated_at) values ($1, $2, 'personal', $3, $4, $5, $5)")
            .bind(&app_id)
            .bind(format!("Bench app {a}"))
            .bind(&owner)
            .bind(&organization)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        for p in 0..PRODUCTS.min(n - a * PRODUCTS) {
            let request = format!("00000000-0000-7000-b003-{:012}", a * PRODUCTS + p);
            let key = format!("ptc_{:043}", a * PRODUCTS + p);
            sqlx::query("insert into access_requests (id, app_id, product_id, plan_id, status, created_at, decided_at, key_prefix, issued_at) values ($1, $2, $3, $4, 'approved', $5, $5, $6, $5)")
                .bind(&request)
                .bind(&app_id)
                .bind(format!("00000000-0000-7000-b001-{p:012}"))
                .bind(plan)
                .bind(now)
                .bind(&key[..12])
                .execute(&mut *tx)
                .await?;
            sqlx::query("insert into api_keys (hash, request_id, created_at) values ($1, $2, $3)")
                .bind(app::backend::gateway::hash(&key))
                .bind(&request)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            keys.push((key, format!("/bench-{p}/v1/items")));
        }
    }
    tx.commit().await?;
    let token = format!("ptg_{:043}", 1);
    state
        .store
        .create_gateway_token(
            "bench",
            &app::backend::gateway::hash(&token),
            &token[..12],
            By::system(now),
        )
        .await?;
    println!(
        "seeded {} live keys in {:.1} s",
        keys.len(),
        began.elapsed().as_secs_f64()
    );

    let dir = std::env::temp_dir().join(format!("portico-bench-gateway-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    // The keys in a file the script reads: a literal table of 100,000 entries is more than
    // LuaJIT's constructor takes, and wrk then silently sends its default `GET /`.
    let list = dir.join("keys.txt");
    std::fs::write(
        &list,
        keys.iter()
            .map(|(key, path)| format!("{key} {path}\n"))
            .collect::<String>(),
    )?;
    // wrk's delay() is whole milliseconds: 64 connections each waiting `pause` ms between a
    // response and their next request send a little under 64,000 / pause requests a second.
    let pause = (rate > 0).then(|| (64_000 / rate).max(1));
    let pacing = pause
        .map(|ms| format!("delay = function()\n  return {ms}\nend\n"))
        .unwrap_or_default();
    let script = |direct: bool| {
        format!(
            "keys = {{}}\nfor line in io.lines(\"{}\") do\n  local k, p = line:match(\"(%S+) (%S+)\")\n\
               keys[#keys + 1] = {{k, p}}\nend\nmath.randomseed(os.time())\n\
             request = function()\n  local k = keys[math.random(#keys)]\n\
               wrk.headers[\"Authorization\"] = \"Bearer \" .. k[1]\n{}\nend\n{pacing}",
            list.display(),
            if direct {
                format!(
                    "  wrk.headers[\"X-Original-URI\"] = k[2]\n  wrk.headers[\"X-Portico-Gateway-Token\"] = \"{token}\"\n  return wrk.format(\"GET\", \"/gateway/v1/auth\")"
                )
            } else {
                "  return wrk.format(\"GET\", k[2])".to_owned()
            }
        )
    };
    let direct = dir.join("direct.lua");
    std::fs::write(&direct, script(true))?;
    let through = dir.join("nginx.lua");
    std::fs::write(&through, script(false))?;
    let run = |script: &std::path::Path, url: &str, what: &str| {
        let mut command = std::process::Command::new("wrk");
        command
            .args(["-t2", "-c64", &format!("-d{seconds}s"), "--latency", "-s"])
            .arg(script)
            .arg(url);
        let what = format!(
            "{what} under wrk -t2 -c64 -d{seconds}s{}, a random key of {} per request",
            pause
                .map(|ms| format!(", each connection pausing {ms} ms (about {rate}/s)"))
                .unwrap_or_default(),
            keys.len(),
        );
        measure(command, what, "wrk (apt-get install wrk)", |out| {
            out.to_owned()
        })
    };
    // oha holds a fixed rate (`-q`) and corrects for coordinated omission, but sends the same
    // headers each time: one live key of the n, from the same in-memory map as the others.
    let fixed = |url: &str, direct: bool, what: &str| {
        let (key, path) = &keys[0];
        let mut command = std::process::Command::new("oha");
        command.args([
            "--no-tui",
            "-c",
            "64",
            "-q",
            &oha_rate.to_string(),
            "-z",
            &format!("{seconds}s"),
            "--latency-correction",
            "-H",
            &format!("Authorization: Bearer {key}"),
        ]);
        if direct {
            command
                .args(["-H", &format!("X-Portico-Gateway-Token: {token}")])
                .args(["-H", &format!("X-Original-URI: {path}")])
                .arg(url);
        } else {
            command.arg(format!("{url}{path}"));
        }
        let what = format!(
            "{what} under oha -c64 -q{oha_rate} -z{seconds}s --latency-correction, one key of {}",
            keys.len()
        );
        measure(command, what, "oha (cargo install oha --locked)", |out| {
            out.lines()
                .filter(|l| {
                    ["Requests/sec", "Success rate", "% in ", "responses"]
                        .iter()
                        .any(|m| l.contains(m))
                })
                .map(|l| format!("{l}\n"))
                .collect()
        })
    };
    let probe = |url: String, direct: bool| {
        let (key, path) = keys[0].clone();
        let token = token.clone();
        async move {
            let mut request = reqwest::Client::new().get(&url).bearer_auth(&key);
            if direct {
                request = request
                    .header("X-Portico-Gateway-Token", &token)
                    .header("X-Original-URI", &path);
            }
            let response = request.send().await?;
            let status = response.status();
            let headers = format!("{:?}", response.headers());
            let body = response.text().await?;
            println!(
                "one check ({}): {status}, headers {headers}, body {} bytes",
                if direct { "direct" } else { "through nginx" },
                body.len()
            );
            anyhow::Ok(())
        }
    };
    probe(format!("{base}/gateway/v1/auth"), true).await?;
    run(&direct, base, "GET /gateway/v1/auth").await?;
    if oha_rate > 0 {
        fixed(
            &format!("{base}/gateway/v1/auth"),
            true,
            "GET /gateway/v1/auth",
        )
        .await?;
    }

    // nginx in front: auth_request to Portico, then an upstream that answers 200.
    let portico = base.trim_start_matches("http://");
    let port = |l: std::net::TcpListener| l.local_addr().map(|a| a.port());
    let front = port(std::net::TcpListener::bind("127.0.0.1:0")?)?;
    let back = port(std::net::TcpListener::bind("127.0.0.1:0")?)?;
    let path = dir.display();
    let config = format!(
        "daemon off;\nmaster_process off;\npid {path}/nginx.pid;\nerror_log {path}/error.log warn;\n\
         events {{ worker_connections 1024; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {path}/body;\n  proxy_temp_path {path}/proxy;\n\
           fastcgi_temp_path {path}/fastcgi;\n  uwsgi_temp_path {path}/uwsgi;\n  scgi_temp_path {path}/scgi;\n\
           upstream portico {{ server {portico}; keepalive 64; }}\n\
           upstream api {{ server 127.0.0.1:{back}; keepalive 64; }}\n\
           server {{ listen 127.0.0.1:{back}; location / {{ return 200 \"ok\"; }} }}\n\
           server {{\n    listen 127.0.0.1:{front};\n\
             location / {{ auth_request /_portico_auth; proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_pass http://api; }}\n\
             location = /_portico_auth {{ internal; proxy_pass http://portico/gateway/v1/auth; proxy_http_version 1.1;\n\
               proxy_set_header Connection \"\"; proxy_pass_request_body off; proxy_set_header Content-Length \"\";\n\
               proxy_set_header X-Original-URI $request_uri; proxy_set_header X-Portico-Gateway-Token \"{token}\"; }}\n  }}\n}}\n"
    );
    let conf = dir.join("nginx.conf");
    std::fs::write(&conf, config)?;
    let mut nginx = std::process::Command::new("/usr/sbin/nginx")
        .arg("-p")
        .arg(&dir)
        .arg("-c")
        .arg(&conf)
        .spawn()
        .context("starting nginx (apt-get install nginx)")?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let front_url = format!("http://127.0.0.1:{front}");
    let through_nginx = "Through nginx (auth_request, then the upstream)";
    let mut result = probe(format!("{front_url}{}", keys[0].1), false).await;
    if result.is_ok() {
        result = run(&through, &front_url, through_nginx).await;
    }
    if result.is_ok() && oha_rate > 0 {
        result = fixed(&front_url, false, through_nginx).await;
    }
    let _ = nginx.kill();
    let _ = nginx.wait();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// The admin's session cookie (name=value) from the sign-in, for `wrk`.
static SESSION_COOKIE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// `n` sign-ins, 50 at a time, each with an address that is no account's (so no rate limit per
/// account applies, and each still checks a password, against the dummy hash), with the
/// resident memory of this process (the server runs in it) around them.
async fn login_storm(base: &str, n: usize) -> anyhow::Result<()> {
    let before = resident_mib()?;
    let client = reqwest::Client::new();
    let began = Instant::now();
    let mut refused = 0;
    for chunk in (0..n).collect::<Vec<_>>().chunks(50) {
        let mut attempts = tokio::task::JoinSet::new();
        for i in chunk {
            let request = client
                .post(format!("{base}/api/login"))
                .header("origin", base)
                .header("accept", "application/json")
                .form(&[
                    ("email", format!("storm-{i}@example.com")),
                    ("password", "not the password at all".to_owned()),
                ]);
            attempts.spawn(request.send());
        }
        while let Some(answer) = attempts.join_next().await {
            if answer??.status() != reqwest::StatusCode::UNAUTHORIZED {
                refused += 1;
            }
        }
    }
    let elapsed = began.elapsed();
    let after = resident_mib()?;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let settled = resident_mib()?;
    println!(
        "login storm: {n} sign-ins in {:.1} s ({refused} not answered 401); RSS {before:.0} MiB \
         before, {after:.0} MiB after, {settled:.0} MiB 5 s later",
        elapsed.as_secs_f64()
    );
    Ok(())
}

/// Queues `n` emails (one transaction each, as invitations are) and runs the outbox's delivery
/// passes until none is due, as the mail worker does, against the SMTP listener at `smtp_url`.
async fn email_throughput(
    state: &app::backend::AppState,
    n: usize,
    smtp_url: &str,
) -> anyhow::Result<()> {
    use app::backend::db::NewEmail;
    let began = Instant::now();
    for i in 0..n {
        let email = NewEmail {
            kind: "invitation".into(),
            to_address: format!("bench-mail-{i}@example.com"),
            subject: format!("Bench message {i}"),
            html_body: format!("<p>Bench message {i}</p>"),
            text_body: format!("Bench message {i}"),
            related_token_id: None,
            link_secret: None,
        };
        state.store.queue_email(&email, state.clock.now()).await?;
    }
    let queued = began.elapsed();
    let mailer =
        app::backend::mail::Mailer::new(&SecretString::from(smtp_url), "bench@example.com")?;
    let began = Instant::now();
    let mut delivered = 0;
    loop {
        let pass = app::backend::mail::deliver_due(state, &mailer).await;
        if pass == 0 {
            break;
        }
        delivered += pass;
    }
    let sending = began.elapsed();
    let sent = count(
        state.store.pool(),
        "select count(*) from email_outbox where status = 'sent' and to_address like 'bench-mail-%'",
    )
    .await?;
    println!(
        "emails: {n} queued in {:.1} s; {delivered} attempted, {sent} marked sent, in {:.1} s \
         ({:.0} a second)",
        queued.as_secs_f64(),
        sending.as_secs_f64(),
        sent as f64 / sending.as_secs_f64()
    );
    Ok(())
}

/// This process's resident memory (`VmRSS` in /proc/self/status), in MiB.
fn resident_mib() -> anyhow::Result<f64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmRSS in /proc/self/status")?;
    Ok(kib / 1024.0)
}

fn print_percentiles(name: &str, times: &mut [Duration]) {
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "  {name:<40} p50 {:>8.2} ms   p99 {:>8.2} ms",
        ms(pct(0.50)),
        ms(pct(0.99))
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn count(pool: &sqlx::AnyPool, sql: &str) -> anyhow::Result<i64> {
    use sqlx::Row as _;
    Ok(sqlx::query(sql)
        .fetch_one(pool)
        .await?
        .try_get::<i64, _>(0)?)
}

/// Inserts users `from..to` in batches, with memberships in the default team; one in ten has a
/// pending invitation, one in ten no password and no invitation.
async fn seed(
    pool: &sqlx::AnyPool,
    from: i64,
    to: i64,
    organization: &str,
    team: &str,
) -> anyhow::Result<()> {
    const BATCH: i64 = 500;
    let first_names = [
        "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Tim",
    ];
    let last_names = [
        "Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson",
        "Perlman", "Lee",
    ];
    let base_time: i64 = 1_700_000_000_000;
    let mut n = from;
    while n < to {
        let end = (n + BATCH).min(to);
        let mut tx = pool.begin().await?;
        let mut users = String::from(
            "insert into users (id, email, first_name, last_name, role, organization_id, status, approval, password_hash, \
             list_status, invite_expires_at, created_at, updated_at) values ",
        );
        let mut members = String::from(
            "insert into team_memberships (user_id, team_id, organization_id, created_at) values ",
        );
        let mut tokens = String::from(
            "insert into one_time_tokens (id, token_hash, purpose, user_id, created_at, expires_at) values ",
        );
        let mut any_token = false;
        for i in n..end {
            let id = format!("00000000-bench-{i:012}");
            let sep = if i == n { "" } else { "," };
            let (password, list_status, invite_expires) = match i % 10 {
                8 => ("null", "invited", INVITE_EXPIRES.to_string()),
                9 => ("null", "not-invited", "null".to_string()),
                _ => ("'$argon2id$bench'", "active", "null".to_string()),
            };
            users.push_str(&format!(
                "{sep}('{id}', 'user{i}@example{}.com', '{}', '{}', 'consumer-team-member', '{organization}', \
                 'active', 'approved', {password}, '{list_status}', {invite_expires}, {}, {})",
                i % 100,
                first_names[(i % 10) as usize],
                last_names[(i / 10 % 10) as usize],
                base_time + i * 1000,
                base_time + i * 1000,
            ));
            members.push_str(&format!(
                "{sep}('{id}', '{team}', '{organization}', {})",
                base_time + i * 1000
            ));
            if i % 10 == 8 {
                let tsep = if any_token { "," } else { "" };
                any_token = true;
                tokens.push_str(&format!(
                    "{tsep}('bench-token-{i}', 'bench-hash-{i}', 'invitation', '{id}', {}, {})",
                    base_time, INVITE_EXPIRES
                ));
            }
        }
        sqlx::raw_sql(&users).execute(&mut *tx).await?;
        sqlx::raw_sql(&members).execute(&mut *tx).await?;
        if any_token {
            sqlx::raw_sql(&tokens).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        n = end;
        if n % 100_000 == 0 {
            println!("  {n} users");
        }
    }
    Ok(())
}

/// The same data as `seed`, generated inside Postgres (its client round trips make batch inserts
/// slow at a million rows).
async fn seed_postgres(
    pool: &sqlx::AnyPool,
    from: i64,
    to: i64,
    organization: &str,
    team: &str,
) -> anyhow::Result<()> {
    let sql = format!(
        "insert into users (id, email, first_name, last_name, role, organization_id, status, approval, password_hash, \
           list_status, invite_expires_at, created_at, updated_at) \
         select '00000000-bench-' || lpad(g::text, 12, '0'), 'user' || g || '@example' || (g % 100) || '.com', \
           (array['Ada','Grace','Alan','Edsger','Barbara','Donald','Frances','Ken','Radia','Tim'])[g % 10 + 1], \
           (array['Lovelace','Hopper','Turing','Dijkstra','Liskov','Knuth','Allen','Thompson','Perlman','Lee'])[g / 10 % 10 + 1], \
           'consumer-team-member', '{organization}', 'active', 'approved', \
           case when g % 10 < 8 then '$argon2id$bench' end, \
           case g % 10 when 8 then 'invited' when 9 then 'not-invited' else 'active' end, \
           case when g % 10 = 8 then {INVITE_EXPIRES} end, \
           1700000000000 + g * 1000, 1700000000000 + g * 1000 \
         from generate_series({from}::bigint, {last}::bigint) g;\n\
         insert into team_memberships (user_id, team_id, organization_id, created_at) \
         select '00000000-bench-' || lpad(g::text, 12, '0'), '{team}', '{organization}', 1700000000000 + g * 1000 \
         from generate_series({from}::bigint, {last}::bigint) g;\n\
         insert into one_time_tokens (id, token_hash, purpose, user_id, created_at, expires_at) \
         select 'bench-token-' || g, 'bench-hash-' || g, 'invitation', '00000000-bench-' || lpad(g::text, 12, '0'), 1700000000000, {INVITE_EXPIRES} \
         from generate_series({from}::bigint, {last}::bigint) g where g % 10 = 8;\n\
         analyze users; analyze team_memberships; analyze one_time_tokens;",
        last = to - 1
    );
    sqlx::raw_sql(&sql).execute(pool).await?;
    Ok(())
}
