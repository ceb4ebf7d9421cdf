//! The catalog (SPEC §9): the one visibility rule checked over a small world for every viewer,
//! from the consumer side (`/catalog`, each product page, the plans offered) and the admin side
//! ("Catalog access" of each user, "Audience" of each product); a property test over random
//! worlds; moves between teams and organizations; bad input; XSS rendered inert.

use crate::support::*;
use app::backend::db::DEFAULT_ORGANIZATION_ID;
use app::domain::catalog::{
    Audience, CatalogEntry, CatalogProduct, DUPLICATE_CATALOG, DUPLICATE_PLAN, DUPLICATE_PREFIX,
    DUPLICATE_PRODUCT, ProductAccess, ProductPage,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::StatusCode;
use std::collections::{BTreeMap, BTreeSet};

const PASSWORD: &str = "a catalog viewer's long passphrase";

/// Adds a product (published or not) with the app's client; answers its id.
pub(crate) async fn product(app: &TestApp, name: &str, published: bool) -> String {
    let prefix = format!("/{name}/");
    let display = format!("The {name} API");
    let mut form = vec![
        ("form[name]", name),
        ("form[display_name]", display.as_str()),
        ("form[summary]", "One line."),
        ("form[description]", "# Hello\n\nSome *text*."),
        ("form[tags]", "demo"),
        ("form[gateway_prefix]", prefix.as_str()),
    ];
    if published {
        form.push(("form[published]", "on"));
    }
    let response = app.call("create_api_product", &form).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    response.json().await.expect("id")
}

pub(crate) async fn plan(app: &TestApp, name: &str) -> String {
    let response = app
        .call(
            "create_plan",
            &[
                ("form[name]", name),
                ("form[display_name]", name),
                ("form[rate_requests]", "100"),
                ("form[rate_seconds]", "60"),
                ("form[quota_requests]", "10000"),
                ("form[quota_period]", "day"),
                ("form[key_expiry_days]", "90"),
            ],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    response.json().await.expect("id")
}

/// What a catalog holds, by id.
#[derive(Default, Clone)]
pub(crate) struct Holds<'a> {
    pub(crate) products: Vec<&'a str>,
    pub(crate) plans: Vec<&'a str>,
    pub(crate) teams: Vec<&'a str>,
    pub(crate) organizations: Vec<&'a str>,
}

fn catalog_form<'a>(
    name: &'a str,
    visibility: &'a str,
    holds: &Holds<'a>,
) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![("form[name]", name), ("form[visibility]", visibility)];
    for (key, ids) in [
        ("form[product_ids][]", &holds.products),
        ("form[plan_ids][]", &holds.plans),
        ("form[team_ids][]", &holds.teams),
        ("form[organization_ids][]", &holds.organizations),
    ] {
        form.extend(ids.iter().map(|id| (key, *id)));
    }
    form
}

pub(crate) async fn catalog(
    app: &TestApp,
    name: &str,
    visibility: &str,
    holds: Holds<'_>,
) -> String {
    let response = app
        .call("create_catalog", &catalog_form(name, visibility, &holds))
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    response.json().await.expect("id")
}

/// A consumer in `organization` and `teams`, signed in with their own client.
pub(crate) async fn viewer(
    app: &TestApp,
    email: &str,
    organization: &str,
    teams: &[&str],
) -> (String, reqwest::Client) {
    let mut form = vec![
        ("form[first_name]".to_owned(), "Cat".to_owned()),
        ("form[last_name]".to_owned(), "Viewer".to_owned()),
        ("form[email]".to_owned(), email.to_owned()),
        ("form[organization_id]".to_owned(), organization.to_owned()),
        ("form[role]".to_owned(), "consumer-team-member".to_owned()),
        ("form[password]".to_owned(), PASSWORD.to_owned()),
    ];
    form.extend(
        teams
            .iter()
            .map(|t| ("form[team_ids][]".to_owned(), (*t).to_owned())),
    );
    let response = app.call_form("create_user", &form).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    let id: String = response.json().await.expect("id");
    (id, app.signed_in_client(email, PASSWORD).await)
}

/// The names on `/catalog` for `client`'s viewer.
async fn catalog_names(app: &TestApp, client: &reqwest::Client) -> BTreeSet<String> {
    let response = app
        .call_with(client, "browse_catalog", &[("q", ""), ("tag", "")])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response
        .json::<Vec<CatalogEntry>>()
        .await
        .expect("entries")
        .into_iter()
        .map(|e| e.name)
        .collect()
}

/// The product page for `client`'s viewer: the plans offered, or `None` for a 404.
async fn product_plans(
    app: &TestApp,
    client: &reqwest::Client,
    name: &str,
) -> Option<BTreeSet<String>> {
    let response = app
        .call_with(client, "view_product", &[("name", name)])
        .await;
    match response.status() {
        StatusCode::NOT_FOUND => None,
        StatusCode::OK => Some(
            response
                .json::<CatalogProduct>()
                .await
                .expect("product")
                .plans
                .into_iter()
                .map(|p| p.name)
                .collect(),
        ),
        other => panic!("view_product {name}: {other}"),
    }
}

async fn access(app: &TestApp, user_id: &str) -> BTreeSet<String> {
    let response = app.call("catalog_access", &[("id", user_id)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    response
        .json::<Vec<ProductAccess>>()
        .await
        .expect("access")
        .into_iter()
        .map(|p| p.name)
        .collect()
}

async fn audience(app: &TestApp, product_id: &str) -> (bool, Audience) {
    let response = app.call("api_product", &[("id", product_id)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page: ProductPage = response.json().await.expect("page");
    (page.product.published, page.audience)
}

/// Whether the admin's "Audience" of a product says a user in `organization` and `teams` sees it.
fn audience_admits(
    published: bool,
    audience: &Audience,
    organization: &str,
    teams: &[String],
) -> bool {
    published
        && (audience.public
            || audience.organizations.iter().any(|o| o.id == organization)
            || audience.teams.iter().any(|t| teams.contains(&t.id)))
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

#[tokio::test]
async fn every_viewer_sees_what_the_rule_allows_and_the_admin_side_agrees() {
    let app = spawn_as_admin().await;
    app.login_admin().await;
    // Two organizations, four teams.
    let acme = app.create_organization("Acme").await;
    let globex = app.create_organization("Globex").await;
    let accounts = app.create_team(&acme, "Accounts").await;
    let ops = app.create_team(&acme, "Ops").await;
    let sales = app.create_team(&globex, "Sales").await;
    let support = app.create_team(&globex, "Support").await;
    // Products: weather is in two catalogs; secret is unpublished; orphan is in none.
    let weather = product(&app, "weather", true).await;
    let payments = product(&app, "payments", true).await;
    let ledger = product(&app, "ledger", true).await;
    let secret = product(&app, "secret", false).await;
    let orphan = product(&app, "orphan", true).await;
    let free = plan(&app, "Free").await;
    let gold = plan(&app, "Gold").await;
    let silver = plan(&app, "Silver").await;
    catalog(
        &app,
        "Open",
        "public",
        Holds {
            products: vec![&weather, &secret],
            plans: vec![&free],
            ..Holds::default()
        },
    )
    .await;
    catalog(
        &app,
        "Partners",
        "private",
        Holds {
            products: vec![&weather, &payments],
            plans: vec![&gold],
            teams: vec![&accounts],
            organizations: vec![&globex],
        },
    )
    .await;
    catalog(
        &app,
        "Ops only",
        "private",
        Holds {
            products: vec![&ledger],
            plans: vec![&silver],
            teams: vec![&ops],
            ..Holds::default()
        },
    )
    .await;

    let people = [
        (
            "accounts@acme.example",
            acme.as_str(),
            vec![accounts.as_str()],
        ),
        ("ops@acme.example", acme.as_str(), vec![ops.as_str()]),
        (
            "sales@globex.example",
            globex.as_str(),
            vec![sales.as_str()],
        ),
        (
            "support@globex.example",
            globex.as_str(),
            vec![support.as_str()],
        ),
        ("nobody@default.example", DEFAULT_ORGANIZATION_ID, vec![]),
    ];
    // For each viewer: the products on /catalog, and the plans each product page offers.
    let open_only = BTreeMap::from([("weather", set(&["Free"]))]);
    let partner = BTreeMap::from([
        ("weather", set(&["Free", "Gold"])),
        ("payments", set(&["Gold"])),
    ]);
    let ops_view = BTreeMap::from([("weather", set(&["Free"])), ("ledger", set(&["Silver"]))]);
    let expected = [
        partner.clone(),
        ops_view,
        partner.clone(),
        partner,
        open_only.clone(),
    ];
    let products = [
        ("weather", &weather),
        ("payments", &payments),
        ("ledger", &ledger),
        ("secret", &secret),
        ("orphan", &orphan),
    ];
    let mut audiences = Vec::new();
    for (_, id) in &products {
        audiences.push(audience(&app, id).await);
    }
    let mut checked = 0;
    for ((email, organization, teams), sees) in people.iter().zip(&expected) {
        let (id, client) = viewer(&app, email, organization, teams).await;
        let names: BTreeSet<String> = sees.keys().map(|k| (*k).to_owned()).collect();
        assert_eq!(
            catalog_names(&app, &client).await,
            names,
            "{email}: /catalog"
        );
        assert_eq!(access(&app, &id).await, names, "{email}: Catalog access");
        let teams: Vec<String> = teams.iter().map(|t| (*t).to_owned()).collect();
        for ((name, _), (published, audience)) in products.iter().zip(&audiences) {
            let plans = product_plans(&app, &client, name).await;
            assert_eq!(plans.as_ref(), sees.get(name), "{email}: /catalog/{name}");
            assert_eq!(
                audience_admits(*published, audience, organization, &teams),
                plans.is_some(),
                "{email}: Audience of {name}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 25);
    // For a consumer of another organization too, hidden and missing answer the same.
    let (_, ops_client) = ((), app.signed_in_client("ops@acme.example", PASSWORD).await);
    let hidden = app
        .call_with(&ops_client, "view_product", &[("name", "payments")])
        .await;
    let missing = app
        .call_with(&ops_client, "view_product", &[("name", "no-such-product")])
        .await;
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        hidden.text().await.expect("body"),
        missing.text().await.expect("body")
    );

    // An anonymous visitor: Public catalogs only, and the same 404 for hidden and missing.
    let stranger = client(&app.base);
    assert_eq!(catalog_names(&app, &stranger).await, set(&["weather"]));
    for (name, _) in &products {
        let plans = product_plans(&app, &stranger, name).await;
        assert_eq!(plans.as_ref(), open_only.get(name), "anonymous: {name}");
    }
    let hidden = app
        .call_with(&stranger, "view_product", &[("name", "payments")])
        .await;
    let missing = app
        .call_with(&stranger, "view_product", &[("name", "no-such-product")])
        .await;
    assert_eq!(hidden.status(), missing.status());
    assert_eq!(
        hidden.text().await.expect("body"),
        missing.text().await.expect("body")
    );
    // The pages themselves, without JavaScript: 404 for hidden, 200 for public.
    let page = stranger
        .get(app.url("/catalog/payments"))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    let page = stranger
        .get(app.url("/catalog/weather"))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(
        html.contains("<h1>Hello</h1>") && html.contains("Free"),
        "{html}"
    );

    // Admins see everything, unpublished and uncatalogued included.
    let all = catalog_names(&app, &app.client).await;
    assert_eq!(
        all,
        set(&["weather", "payments", "ledger", "secret", "orphan"])
    );
    assert_eq!(
        product_plans(&app, &app.client, "weather").await,
        Some(set(&["Free", "Gold"]))
    );

    // "Audience" names the teams and organizations, and "Public".
    let (_, weather_audience) = audience(&app, &weather).await;
    assert!(weather_audience.public);
    assert_eq!(
        weather_audience
            .teams
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        ["Accounts"]
    );
    assert_eq!(
        weather_audience
            .organizations
            .iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>(),
        ["Globex"]
    );
}

#[tokio::test]
async fn moving_a_user_between_teams_and_organizations_changes_what_they_see_at_the_next_request() {
    let app = spawn_as_admin().await;
    app.login_admin().await;
    let acme = app.create_organization("Acme").await;
    let globex = app.create_organization("Globex").await;
    let accounts = app.create_team(&acme, "Accounts").await;
    let ops = app.create_team(&acme, "Ops").await;
    let globex_default = app
        .scalar_text(&format!(
            "select id from teams where organization_id = '{globex}' and is_default = 1"
        ))
        .await;
    let payments = product(&app, "payments", true).await;
    let ledger = product(&app, "ledger", true).await;
    catalog(
        &app,
        "Accounts",
        "private",
        Holds {
            products: vec![&payments],
            teams: vec![&accounts],
            ..Holds::default()
        },
    )
    .await;
    catalog(
        &app,
        "Globex",
        "private",
        Holds {
            products: vec![&ledger],
            organizations: vec![&globex],
            ..Holds::default()
        },
    )
    .await;
    let (id, client) = viewer(&app, "mover@acme.example", &acme, &[&ops]).await;
    assert!(catalog_names(&app, &client).await.is_empty());

    let joined = app
        .call(
            "add_user_to_team",
            &[("user_id", &id), ("team_id", &accounts)],
        )
        .await;
    assert_eq!(joined.status(), StatusCode::OK);
    assert_eq!(catalog_names(&app, &client).await, set(&["payments"]));
    assert_eq!(access(&app, &id).await, set(&["payments"]));

    let left = app
        .call(
            "remove_team_member",
            &[("team_id", &accounts), ("user_id", &id)],
        )
        .await;
    assert_eq!(left.status(), StatusCode::OK);
    assert!(catalog_names(&app, &client).await.is_empty());
    assert_eq!(product_plans(&app, &client, "payments").await, None);

    // Moved to Globex: a whole-organization audience takes them in, with any of its teams.
    let moved = app
        .call_form(
            "update_user",
            &[
                ("id".to_owned(), id.clone()),
                ("form[first_name]".to_owned(), "Cat".to_owned()),
                ("form[last_name]".to_owned(), "Viewer".to_owned()),
                ("form[email]".to_owned(), "mover@acme.example".to_owned()),
                ("form[organization_id]".to_owned(), globex.clone()),
                ("form[team_ids][]".to_owned(), globex_default),
                ("form[role]".to_owned(), "consumer-team-member".to_owned()),
            ],
        )
        .await;
    assert_eq!(moved.status(), StatusCode::OK, "{:?}", moved.text().await);
    assert_eq!(catalog_names(&app, &client).await, set(&["ledger"]));
    assert_eq!(access(&app, &id).await, set(&["ledger"]));
}

#[tokio::test]
async fn bad_input_is_a_message_beside_its_field_and_nothing_is_stored() {
    let app = spawn_as_admin().await;
    app.login_admin().await;
    product(&app, "payments", true).await;
    plan(&app, "Gold").await;
    let form = |name: &'static str, prefix: &'static str| {
        vec![
            ("form[name]", name),
            ("form[display_name]", "Payments"),
            ("form[gateway_prefix]", prefix),
        ]
    };
    for (fields, field, message) in [
        (form("payments", "/other/"), "name", DUPLICATE_PRODUCT),
        (
            form("other", "/PAYMENTS/"),
            "gateway_prefix",
            DUPLICATE_PREFIX,
        ),
    ] {
        let (status, error) = error_of(app.call("create_api_product", &fields).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error.field_message(field).as_deref(), Some(message));
        // The form keeps what was typed.
        assert_eq!(error.echoed("display_name").as_deref(), Some("Payments"));
    }
    for (fields, field) in [
        (form("Not A Slug", "/x/"), "name"),
        (form("x", "no-slashes"), "gateway_prefix"),
        (
            vec![
                ("form[name]", "y"),
                ("form[display_name]", ""),
                ("form[gateway_prefix]", "/y/"),
            ],
            "display_name",
        ),
        (
            vec![
                ("form[name]", "z"),
                ("form[display_name]", "Z"),
                ("form[gateway_prefix]", "/z/"),
                ("form[summary]", "two\nlines"),
            ],
            "summary",
        ),
    ] {
        let (status, error) = error_of(app.call("create_api_product", &fields).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(error.field_message(field).is_some(), "{field}: {error:?}");
    }
    assert_eq!(app.count("select count(*) from api_products").await, 1);

    let (status, error) = error_of(
        app.call(
            "create_plan",
            &[("form[name]", "GOLD"), ("form[display_name]", "Gold again")],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error.field_message("name").as_deref(), Some(DUPLICATE_PLAN));
    assert_eq!(app.count("select count(*) from plans").await, 1);

    // An empty quota is "Unlimited", whatever period the form's select still shows.
    let free = app
        .call(
            "create_plan",
            &[
                ("form[name]", "Free"),
                ("form[display_name]", "Free"),
                ("form[rate_requests]", ""),
                ("form[rate_seconds]", ""),
                ("form[quota_requests]", ""),
                ("form[quota_period]", "day"),
                ("form[key_expiry_days]", ""),
            ],
        )
        .await;
    assert_eq!(free.status(), StatusCode::OK, "{:?}", free.text().await);
    let plans: Vec<app::domain::catalog::PlanRow> = app
        .call("list_plans", &[])
        .await
        .json()
        .await
        .expect("plans");
    let free = plans.iter().find(|p| p.name == "Free").expect("Free");
    assert_eq!(
        (
            free.terms.rate_text(),
            free.terms.quota_text(),
            free.terms.expiry_text()
        ),
        ("Unlimited".into(), "Unlimited".into(), "Never".into())
    );

    // A search longer than any name is an empty answer, not a database error.
    // (55,000 characters: past SQLite's 50,000-byte pattern limit, within the 64 KiB body limit.)
    let long = "x".repeat(55_000);
    let searched = app
        .call_with(
            &client(&app.base),
            "browse_catalog",
            &[("q", &long), ("tag", "")],
        )
        .await;
    assert_eq!(searched.status(), StatusCode::OK);

    // A Private catalog with no audience is allowed: only admins see it.
    let payments = app
        .scalar_text("select id from api_products where name = 'payments'")
        .await;
    let staging = catalog(
        &app,
        "Staging",
        "private",
        Holds {
            products: vec![&payments],
            ..Holds::default()
        },
    )
    .await;
    // An edit naming a product that is gone is refused whole: the old members and name stay.
    let mut edit = catalog_form(
        "Renamed",
        "public",
        &Holds {
            products: vec![&payments, "no-such-product"],
            ..Holds::default()
        },
    );
    edit.push(("id", &staging));
    let (status, _) = error_of(app.call("update_catalog", &edit).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.scalar_text(&format!(
            "select name || ':' || visibility from catalogs where id = '{staging}'"
        ))
        .await,
        "Staging:private"
    );
    assert_eq!(app.count("select count(*) from catalog_products").await, 1);
    let (status, error) = error_of(
        app.call(
            "create_catalog",
            &catalog_form("staging", "public", &Holds::default()),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        error.field_message("name").as_deref(),
        Some(DUPLICATE_CATALOG)
    );
    // An id that is no product: refused whole, nothing half-stored.
    let (status, error) = error_of(
        app.call(
            "create_catalog",
            &catalog_form(
                "Broken",
                "private",
                &Holds {
                    products: vec!["no-such-product"],
                    ..Holds::default()
                },
            ),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error:?}");
    assert_eq!(app.count("select count(*) from catalogs").await, 1);
    assert_eq!(app.count("select count(*) from catalog_products").await, 1);
    let page = app.page_text("/admin/catalogs").await;
    assert!(page.contains("Admins only"), "{page}");
}

#[tokio::test]
async fn markup_in_every_text_field_is_rendered_inert() {
    let app = spawn_as_admin().await;
    app.login_admin().await;
    let payloads = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<svg onload=alert(1)>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<div style=\"background:url(javascript:alert(1))\">s</div>",
        "<a href=\"JaVaScRiPt:alert(1)\">y</a>",
        "<form action=\"https://evil.example\"><input name=q></form>",
        "<object data=\"x\"></object>",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        // Ends the edit form's field, were its text written unescaped.
        "</textarea><form action=\"https://evil.example\"><button>Sign in</button></form>",
    ];
    let markdown = payloads.join("\n\n");
    let display = "<b onmouseover=alert(1)>Evil</b>";
    let response = app
        .call(
            "create_api_product",
            &[
                ("form[name]", "evil"),
                ("form[display_name]", display),
                ("form[summary]", "<script>alert('summary')</script>"),
                ("form[description]", &markdown),
                ("form[getting_started]", &markdown),
                ("form[tags]", "safe"),
                ("form[gateway_prefix]", "/evil/"),
                ("form[published]", "on"),
            ],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    let id: String = response.json().await.expect("id");
    let plan_id = app
        .call(
            "create_plan",
            &[
                ("form[name]", "<img src=x onerror=alert(2)>"),
                ("form[display_name]", "<script>alert(3)</script>"),
                ("form[description]", "<svg onload=alert(4)>"),
            ],
        )
        .await
        .json::<String>()
        .await
        .expect("plan");
    catalog(
        &app,
        "<script>alert(5)</script>",
        "public",
        Holds {
            products: vec![&id],
            plans: vec![&plan_id],
            ..Holds::default()
        },
    )
    .await;
    let rendered: CatalogProduct = app
        .call_with(&client(&app.base), "view_product", &[("name", "evil")])
        .await
        .json()
        .await
        .expect("product");
    for html in [&rendered.description_html, &rendered.getting_started_html] {
        let lower = html.to_lowercase();
        for bad in [
            "<script",
            "onerror",
            "onload",
            "javascript:",
            "<iframe",
            "<form",
            "<object",
            "style=",
            "data:text",
            "<svg",
            "<style",
        ] {
            assert!(!lower.contains(bad), "{bad} survived in {html}");
        }
    }
    // Every page that shows these fields, as served: no live markup from them.
    let stranger = client(&app.base);
    for (who, path) in [
        (&stranger, "/catalog/evil".to_owned()),
        (&stranger, "/catalog".to_owned()),
        (&app.client, format!("/admin/products/{id}")),
        (&app.client, "/admin/products".to_owned()),
        (&app.client, "/admin/plans".to_owned()),
        (&app.client, "/admin/catalogs".to_owned()),
    ] {
        let html = text_at(who, &app.url(&path)).await.to_lowercase();
        for bad in [
            "<script>alert",
            "<img src=x",
            "<svg onload",
            "<b onmouseover",
            "<a href=\"javascript:",
            "<iframe",
            "<form action=\"https://evil",
            "<button>sign in",
        ] {
            if let Some(at) = html.find(bad) {
                let start = html[..at]
                    .char_indices()
                    .rev()
                    .nth(300)
                    .map_or(0, |(i, _)| i);
                let end = (at + 200).min(html.len());
                panic!(
                    "{bad} live on {path}: …{}…",
                    html.get(start..end).unwrap_or("")
                );
            }
        }
        assert!(html.contains("alert"), "{path} shows the text (escaped)");
    }
}

/// A random world: organizations with teams, users placed in them, products, and catalogs.
#[derive(Debug, Clone)]
struct World {
    /// Teams per organization (each organization also has its default team).
    teams: Vec<usize>,
    /// Per user: organization index, and which of its teams (by bit).
    users: Vec<(usize, u8)>,
    /// Per product: published.
    products: Vec<bool>,
    /// How many plans there are.
    plans: usize,
    /// Per catalog: public, products (bits), teams (bits over all teams), organizations (bits),
    /// plans (bits).
    catalogs: Vec<(bool, u8, u16, u8, u8)>,
}

fn world() -> impl Strategy<Value = World> {
    (
        prop::collection::vec(1usize..=3, 2..=3),
        prop::collection::vec((0usize..3, any::<u8>()), 3..=6),
        prop::collection::vec(prop::bool::weighted(0.8), 1..=5),
        0usize..=3,
        prop::collection::vec(
            (
                prop::bool::weighted(0.25),
                any::<u8>(),
                any::<u16>(),
                any::<u8>(),
                any::<u8>(),
            ),
            0..=4,
        ),
    )
        .prop_map(|(teams, users, products, plans, catalogs)| World {
            plans,
            users: users
                .into_iter()
                .map(|(org, bits)| (org % teams.len(), bits))
                .collect(),
            teams,
            products,
            catalogs,
        })
}

/// Builds `world` in a fresh app and checks, for every user and product, that the product page
/// answers as the admin's "Audience" and "Catalog access" say, and as the world's own oracle.
async fn check_world(world: World) {
    let app = spawn_as_admin().await;
    app.login_admin().await;
    let mut organizations = Vec::new();
    let mut teams: Vec<(usize, String)> = Vec::new();
    for (o, count) in world.teams.iter().enumerate() {
        let org = app.create_organization(&format!("Org {o}")).await;
        for t in 0..*count {
            teams.push((o, app.create_team(&org, &format!("Team {t}")).await));
        }
        organizations.push(org);
    }
    let mut products = Vec::new();
    for (p, published) in world.products.iter().enumerate() {
        let name = format!("product-{p}");
        products.push((name.clone(), product(&app, &name, *published).await));
    }
    let mut plans = Vec::new();
    for p in 0..world.plans {
        plans.push(plan(&app, &format!("Plan {p}")).await);
    }
    let bit = |bits: u64, i: usize| bits & (1 << i) != 0;
    for (c, (public, product_bits, team_bits, org_bits, plan_bits)) in
        world.catalogs.iter().enumerate()
    {
        let holds = Holds {
            products: products
                .iter()
                .enumerate()
                .filter(|(i, _)| bit(u64::from(*product_bits), *i))
                .map(|(_, (_, id))| id.as_str())
                .collect(),
            plans: plans
                .iter()
                .enumerate()
                .filter(|(i, _)| bit(u64::from(*plan_bits), *i))
                .map(|(_, id)| id.as_str())
                .collect(),
            teams: teams
                .iter()
                .enumerate()
                .filter(|(i, _)| bit(u64::from(*team_bits), *i))
                .map(|(_, (_, id))| id.as_str())
                .collect(),
            organizations: organizations
                .iter()
                .enumerate()
                .filter(|(i, _)| bit(u64::from(*org_bits), *i))
                .map(|(_, id)| id.as_str())
                .collect(),
        };
        let visibility = if *public { "public" } else { "private" };
        catalog(&app, &format!("Catalog {c}"), visibility, holds).await;
    }
    let mut audiences = Vec::new();
    for (_, id) in &products {
        audiences.push(audience(&app, id).await);
    }
    for (u, (org, team_bits)) in world.users.iter().enumerate() {
        let own: Vec<(usize, &str)> = teams
            .iter()
            .enumerate()
            .filter(|(_, (o, _))| o == org)
            .map(|(i, (_, id))| (i, id.as_str()))
            .collect();
        let mine: Vec<(usize, &str)> = own
            .iter()
            .enumerate()
            .filter(|(k, _)| bit(u64::from(*team_bits), *k))
            .map(|(_, t)| *t)
            .collect();
        let team_ids: Vec<&str> = mine.iter().map(|(_, id)| *id).collect();
        let (id, client) = viewer(
            &app,
            &format!("user{u}@example.com"),
            &organizations[*org],
            &team_ids,
        )
        .await;
        let seen = catalog_names(&app, &client).await;
        assert_eq!(
            access(&app, &id).await,
            seen,
            "user {u}: Catalog access = /catalog"
        );
        let team_strings: Vec<String> = team_ids.iter().map(|t| (*t).to_owned()).collect();
        for (p, ((name, _), (published, audience))) in products.iter().zip(&audiences).enumerate() {
            let offered = product_plans(&app, &client, name).await;
            let page = offered.is_some();
            let admin_view =
                audience_admits(*published, audience, &organizations[*org], &team_strings);
            // The oracle: the rule of SPEC §9 evaluated on the world's own description.
            let sees_catalog = |(public, pb, tb, ob, _): &(bool, u8, u16, u8, u8)| {
                bit(u64::from(*pb), p)
                    && (*public
                        || bit(u64::from(*ob), *org)
                        || mine.iter().any(|(i, _)| bit(u64::from(*tb), *i)))
            };
            let oracle = world.products[p] && world.catalogs.iter().any(sees_catalog);
            // The plans offered: those sharing a catalog the user sees with the product.
            let oracle_plans: BTreeSet<String> = (0..world.plans)
                .filter(|k| {
                    world
                        .catalogs
                        .iter()
                        .any(|c| sees_catalog(c) && bit(u64::from(c.4), *k))
                })
                .map(|k| format!("Plan {k}"))
                .collect();
            if oracle {
                assert_eq!(
                    offered.as_ref(),
                    Some(&oracle_plans),
                    "user {u}, {name}: plans in {world:?}"
                );
            }
            assert_eq!(
                page, admin_view,
                "user {u}, {name}: page vs Audience in {world:?}"
            );
            assert_eq!(
                page, oracle,
                "user {u}, {name}: page vs the rule in {world:?}"
            );
            assert_eq!(
                seen.contains(name),
                page,
                "user {u}, {name}: /catalog vs page"
            );
        }
    }
}

#[test]
fn for_random_worlds_the_consumer_pages_and_the_admin_audience_agree() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut runner = TestRunner::new(Config {
        cases: 6,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&world(), |world| {
            runtime.block_on(check_world(world));
            Ok(())
        })
        .expect("the rule holds both ways");
}
