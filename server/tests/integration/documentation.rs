//! An API product's "Documentation" (SPEC §9): an OpenAPI document uploaded by an admin is checked
//! (a broken one is refused with the parser's line and reason, and nothing is stored), rendered as
//! a reference for exactly those who may see the product, re-rendered when it is replaced, and
//! inert whatever HTML it holds.

use crate::catalog::{Holds, catalog, plan, product, viewer};
use crate::support::*;
use app::domain::catalog::{CatalogProduct, ProductPage};
use app::domain::documentation::{DOCUMENT_FIELD, ReferencePage};
use reqwest::StatusCode;

const PETSTORE: &str = include_str!("../../../end2end/fixtures/petstore.yaml");
const WEBHOOKS: &str = include_str!("../../../end2end/fixtures/webhook-example.json");

async fn upload(app: &TestApp, product_id: &str, file_name: &str, text: &str) -> reqwest::Response {
    app.upload_with(
        &app.client,
        product_id,
        file_name,
        text.as_bytes().to_vec(),
        false,
    )
    .await
}

async fn reference(
    app: &TestApp,
    client: &reqwest::Client,
    name: &str,
) -> (StatusCode, Option<ReferencePage>) {
    let response = app
        .call_with(client, "api_reference", &[("name", name)])
        .await;
    let status = response.status();
    if status == StatusCode::OK {
        (status, Some(response.json().await.expect("reference")))
    } else {
        (status, None)
    }
}

/// Puts the product in a Public catalog, so anyone (a test's own client too) can read it.
async fn everyone_sees(app: &TestApp, product_id: &str) {
    catalog(
        app,
        "Everyone",
        "public",
        Holds {
            products: vec![product_id],
            ..Holds::default()
        },
    )
    .await;
}

async fn admin_page(app: &TestApp, id: &str) -> ProductPage {
    app.call("api_product", &[("id", id)])
        .await
        .json()
        .await
        .expect("product page")
}

#[tokio::test]
async fn an_uploaded_document_is_rendered_for_the_products_audience_only() {
    let app = spawn_as_admin().await;
    let acme = app.create_organization("Acme").await;
    let accounts = app.create_team(&acme, "Accounts").await;
    let sales = app.create_team(&acme, "Sales").await;
    let id = product(&app, "pets", true).await;
    let gold = plan(&app, "Gold").await;
    catalog(
        &app,
        "Partners",
        "private",
        Holds {
            products: vec![&id],
            plans: vec![&gold],
            teams: vec![&accounts],
            ..Holds::default()
        },
    )
    .await;
    let (_, member) = viewer(&app, "accounts@example.com", &acme, &[&accounts]).await;
    let (_, outsider) = viewer(&app, "sales@example.com", &acme, &[&sales]).await;
    let stranger = client(&app.base);

    // Before an upload there is no reference, even for the audience.
    assert_eq!(
        reference(&app, &member, "pets").await.0,
        StatusCode::NOT_FOUND
    );

    // The browser's plain form post goes back to the product's page, with a notice.
    let response = app
        .upload_with(
            &app.client,
            &id,
            "petstore.yaml",
            PETSTORE.as_bytes().to_vec(),
            true,
        )
        .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(
        response.headers()[reqwest::header::LOCATION],
        format!("/admin/products/{id}?documented=1").as_str()
    );
    let document = admin_page(&app, &id).await.documentation.expect("stored");
    assert_eq!(
        (
            document.file_name.as_str(),
            document.openapi_version.as_str(),
            document.title.as_str(),
            document.api_version.as_str(),
            document.version,
            document.size_bytes
        ),
        (
            "petstore.yaml",
            "3.0.0",
            "Swagger Petstore",
            "1.0.0",
            1,
            PETSTORE.len() as i64
        )
    );
    let anchors: Vec<(&str, &str, &str)> = document
        .operations
        .iter()
        .map(|o| (o.method.as_str(), o.path.as_str(), o.anchor.as_str()))
        .collect();
    assert_eq!(
        anchors,
        [
            ("GET", "/pets", "op-listPets"),
            ("POST", "/pets", "op-createPets"),
            ("GET", "/pets/{petId}", "op-showPetById"),
        ]
    );

    // The audience reads the reference: operations by tag with their anchors, parameters,
    // request and response schemas as trees, and the schemas section.
    let (status, page) = reference(&app, &member, "pets").await;
    assert_eq!(status, StatusCode::OK);
    let html = page.expect("reference").html;
    for expected in [
        "<section class=\"reference-tag\" id=\"tag-pets\"><h3>pets</h3>",
        "<article class=\"operation\" id=\"op-listPets\">",
        "<span class=\"method method-get\">GET</span> <code>/pets</code>",
        "<code>limit</code>",
        "integer (int32)",
        "at most 100",
        "<code>/pets/{petId}</code>",
        "<h5>Request body <span class=\"required\">required</span></h5>",
        "<a href=\"#schema-Pet\">Pet</a>",
        "<code>name</code> <span class=\"type\">string</span> <span class=\"required\">required</span>",
        "<code>x-next</code>",
        "<article class=\"schema-definition\" id=\"schema-Error\">",
        "http://petstore.swagger.io/v1",
    ] {
        assert!(html.contains(expected), "{expected} missing from {html}");
    }
    // The product page lists the operations, each linking into the reference.
    let shown: CatalogProduct = app
        .call_with(&member, "view_product", &[("name", "pets")])
        .await
        .json()
        .await
        .expect("product");
    assert_eq!(shown.documentation.expect("contents").operations.len(), 3);
    let page = app.page_text_with(&member, "/catalog/pets").await;
    assert!(
        page.contains("/catalog/pets/reference#op-showPetById"),
        "{page}"
    );
    let page = app.page_text_with(&member, "/catalog/pets/reference").await;
    assert!(page.contains("id=\"op-createPets\""), "{page}");

    // Another team of the same organization and a stranger get the 404 of a missing product.
    for client in [&outsider, &stranger] {
        assert_eq!(
            reference(&app, client, "pets").await.0,
            StatusCode::NOT_FOUND
        );
        let status = client
            .get(app.url("/catalog/pets/reference"))
            .send()
            .await
            .expect("page")
            .status();
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    assert_eq!(
        reference(&app, &member, "no-such-product").await.0,
        StatusCode::NOT_FOUND
    );

    // Replacing the document (3.1, JSON) counts its version up, and the next view shows it.
    assert_eq!(
        upload(&app, &id, "webhooks.json", WEBHOOKS).await.status(),
        StatusCode::OK
    );
    let document = admin_page(&app, &id).await.documentation.expect("stored");
    assert_eq!(
        (document.version, document.openapi_version.as_str()),
        (2, "3.1.0")
    );
    let html = reference(&app, &member, "pets").await.1.expect("page").html;
    assert!(html.contains("Webhook Example"), "{html}");
    assert!(
        !html.contains("Swagger Petstore"),
        "the old rendering was served: {html}"
    );
    // Moving the member out of the audience hides the reference at the next request.
    app.call(
        "remove_team_member",
        &[
            ("team_id", accounts.as_str()),
            ("user_id", &member_id(&app).await),
        ],
    )
    .await;
    assert_eq!(
        reference(&app, &member, "pets").await.0,
        StatusCode::NOT_FOUND
    );

    // "Remove documentation" takes the reference away.
    assert_eq!(
        app.call("remove_documentation", &[("id", id.as_str())])
            .await
            .status(),
        StatusCode::OK
    );
    assert!(admin_page(&app, &id).await.documentation.is_none());
    assert_eq!(app.count("select count(*) from api_documents").await, 0);
    assert_eq!(
        reference(&app, &app.client, "pets").await.0,
        StatusCode::NOT_FOUND
    );
    // Uploaded again, the count starts over, and the reference is of the new text, not of an
    // earlier rendering with the same count.
    assert_eq!(
        upload(&app, &id, "webhooks.json", WEBHOOKS).await.status(),
        StatusCode::OK
    );
    let html = reference(&app, &app.client, "pets")
        .await
        .1
        .expect("page")
        .html;
    assert!(html.contains("Webhook Example"), "{html}");
    app.call("remove_documentation", &[("id", id.as_str())])
        .await;
    assert_eq!(
        upload(&app, &id, "petstore.yaml", PETSTORE).await.status(),
        StatusCode::OK
    );
    let document = admin_page(&app, &id).await.documentation.expect("stored");
    assert_eq!(document.version, 1);
    let html = reference(&app, &app.client, "pets")
        .await
        .1
        .expect("page")
        .html;
    assert!(
        html.contains("Swagger Petstore"),
        "a stale rendering: {html}"
    );
    // Removing the documentation of a product that does not exist is a 404.
    assert_eq!(
        app.call("remove_documentation", &[("id", "no-such-id\nx")])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

async fn member_id(app: &TestApp) -> String {
    app.scalar_text("select id from users where email = 'accounts@example.com'")
        .await
}

#[tokio::test]
async fn broken_documents_are_refused_with_the_line_and_reason_and_the_old_one_stays() {
    let app = spawn_as_admin().await;
    let id = product(&app, "pets", true).await;
    assert_eq!(
        upload(&app, &id, "petstore.yaml", PETSTORE).await.status(),
        StatusCode::OK
    );
    let oversized = format!(
        "{{\"openapi\": \"3.0.0\", \"info\": {{\"title\": \"{}\", \"version\": \"1\"}}, \"paths\": {{}}}}",
        "x".repeat(2 * 1024 * 1024)
    );
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "broken JSON",
            "{\n  \"openapi\": \"3.0.0\",\n  \"info\": {,\n}".to_owned(),
            "Line 3, column 12: key must be a string",
        ),
        (
            "broken YAML",
            "openapi: 3.0.0\ninfo:\n  title: [unclosed\n  version: 1\n".to_owned(),
            "Line 4, column 10: did not find expected ',' or ']', while parsing a flow sequence",
        ),
        (
            "not OpenAPI",
            "name: a shopping list\nitems: [milk, bread]\n".to_owned(),
            "it has no \"openapi\" version field",
        ),
        (
            "Swagger 2.0",
            "swagger: \"2.0\"\ninfo: {title: Old, version: \"1\"}\npaths: {}\n".to_owned(),
            "Swagger 2.0 documents are not supported",
        ),
        (
            "OpenAPI 4",
            "openapi: 4.0.0\ninfo: {title: New, version: \"1\"}\npaths: {}\n".to_owned(),
            "OpenAPI 4.0.0 is not supported",
        ),
        (
            "3.0 without info",
            "openapi: 3.0.3\npaths: {}\n".to_owned(),
            "missing field `info`",
        ),
        (
            "3.0 with a wrong field",
            "openapi: 3.0.3\ninfo: {title: T, version: \"1\"}\npaths:\n  /a:\n    get:\n      responses: 5\n"
                .to_owned(),
            "Line 4, column 3: paths: invalid type: integer `5`, expected struct Responses (at paths)",
        ),
        (
            "3.1 with a wrong field",
            "{\"openapi\": \"3.1.0\", \"info\": {\"title\": 5, \"version\": \"1\"}}".to_owned(),
            "(at info.title)",
        ),
        (
            "an external reference",
            PETSTORE.replace("'#/components/schemas/Pet'", "'https://example.com/pet.yaml'"),
            "The reference \"https://example.com/pet.yaml\" points outside the document",
        ),
        (
            "a reference to nothing",
            PETSTORE.replace("'#/components/schemas/Pet'", "'#/components/schemas/Cat'"),
            "The reference \"#/components/schemas/Cat\" points to nothing in the document (at #/paths/~1pets/post/requestBody/content/application~1json/schema).",
        ),
        ("empty", String::new(), "Choose an OpenAPI document"),
        (
            "over 2 MB",
            oversized,
            "The document is 2.0 MB; it may be at most 2 MB.",
        ),
    ];
    for (case, text, expected) in &cases {
        let (status, error) = error_of(upload(&app, &id, "bad.yaml", text).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{case}");
        let message = error.field_message(DOCUMENT_FIELD).unwrap_or_default();
        assert!(
            message.contains(expected),
            "{case}: {message:?} should contain {expected:?}"
        );
    }
    // Not UTF-8.
    let (status, error) = error_of(
        app.upload_with(&app.client, &id, "bad.yaml", vec![b'a', 0xff, 0xfe], false)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        error
            .field_message(DOCUMENT_FIELD)
            .is_some_and(|m| m.contains("not UTF-8")),
        "{error:?}"
    );
    // Without JavaScript the refusal goes back to the page in its address, for the field.
    let response = app
        .upload_with(&app.client, &id, "bad.yaml", b"openapi: [".to_vec(), true)
        .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()[reqwest::header::LOCATION]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(
        location.starts_with(&app.url(&format!("/admin/products/{id}?")))
            && location.contains("__err="),
        "{location}"
    );
    let page = app.page_text(&location[app.base.len()..]).await;
    assert!(
        page.contains("Line 2, column 1: did not find expected node content"),
        "{page}"
    );
    // Far over the limit, the server does not read the body at all.
    let huge = vec![b' '; 5 * 1024 * 1024];
    let status = app
        .upload_with(&app.client, &id, "huge.yaml", huge, false)
        .await
        .status();
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    // The upload's larger limit is its own: any other function still refuses 100 KB.
    let status = app
        .client
        .post(app.url("/api/login"))
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(vec![b'a'; 100 * 1024])
        .send()
        .await
        .expect("post")
        .status();
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    // A product that does not exist.
    assert_eq!(
        upload(&app, "no-such-id", "petstore.yaml", PETSTORE)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // Nothing of the refused uploads was stored: the first document is still there.
    let document = admin_page(&app, &id).await.documentation.expect("kept");
    assert_eq!(
        (document.version, document.file_name.as_str()),
        (1, "petstore.yaml")
    );
    assert_eq!(
        app.scalar_text("select source from api_documents").await,
        PETSTORE
    );
}

#[tokio::test]
async fn html_in_a_document_is_inert_and_a_self_referencing_schema_renders() {
    let app = spawn_as_admin().await;
    let id = product(&app, "pets", true).await;
    everyone_sees(&app, &id).await;
    let hostile = r##"
openapi: 3.1.0
info:
  title: "<script>alert('title')</script>"
  version: "1\" onmouseover=\"alert(1)"
  description: "Hi <img src=x onerror=alert(1)> [click](javascript:alert(1)) <script>alert(2)</script>"
tags:
  - name: "<b onclick=alert(3)>tag</b>"
    description: "<iframe src=https://evil.example></iframe>"
paths:
  "/x/<svg onload=alert(4)>":
    get:
      operationId: "a\" onfocus=\"alert(5)"
      summary: "<script>alert(6)</script>"
      tags: ["<b onclick=alert(3)>tag</b>"]
      parameters:
        - name: "<img src=x onerror=alert(7)>"
          in: query
          schema: {type: string, pattern: "<script>", enum: ["<script>alert(8)</script>"]}
      responses:
        "200":
          description: "**bold** <a href=\"javascript:alert(9)\">x</a>"
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Node"}
components:
  schemas:
    Node:
      type: object
      properties:
        name: {type: string}
        children:
          type: array
          items: {$ref: "#/components/schemas/Node"}
        parent: {$ref: "#/components/schemas/Node"}
"##;
    let response = upload(&app, &id, "hostile.yaml", hostile).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    let stranger = client(&app.base);
    let html = reference(&app, &stranger, "pets")
        .await
        .1
        .expect("public")
        .html;
    assert_inert(&html);
    assert!(
        html.contains("&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;"),
        "{html}"
    );
    assert!(
        html.contains("<strong>bold</strong>"),
        "Markdown still renders: {html}"
    );
    // The recursive schema is drawn once, with links back to itself.
    assert!(html.contains("id=\"schema-Node\""), "{html}");
    assert!(
        html.matches("<a href=\"#schema-Node\">Node</a>").count() >= 2,
        "{html}"
    );
    // The whole page, as a browser gets it, holds none of it either.
    let page = app
        .page_text_with(&stranger, "/catalog/pets/reference")
        .await;
    assert!(page.contains("id=\"op-a--onfocus--alert-5-\""), "{page}");
    let reference = page
        .split("class=\"reference-body\"")
        .nth(1)
        .and_then(|rest| rest.split("</main>").next())
        .expect("the reference in the page");
    assert_inert(reference);
}

/// Every tag in `html` is harmless: no script, frame, SVG or object, no event handler attribute,
/// no `javascript:` address. (The document's own text is there, escaped, as text.)
fn assert_inert(html: &str) {
    for tag in html.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or_default().to_lowercase();
        let name = tag
            .split([' ', '/'])
            .find(|p| !p.is_empty())
            .unwrap_or_default();
        assert!(
            !matches!(
                name,
                "script" | "iframe" | "svg" | "object" | "embed" | "style" | "b"
            ),
            "<{tag}> in {html}"
        );
        assert!(
            !tag.contains(" on") && !tag.contains("javascript:"),
            "<{tag}> in {html}"
        );
    }
}

#[tokio::test]
async fn a_document_that_expands_without_end_is_refused_or_bounded() {
    let app = spawn_as_admin().await;
    let id = product(&app, "pets", true).await;
    // YAML aliases that would repeat a list 10^9 times ("billion laughs").
    let mut laughs = String::from(
        "openapi: 3.0.0\ninfo: {title: T, version: \"1\"}\npaths: {}\nx-a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut previous = 'a';
    for name in ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] {
        laughs.push_str(&format!(
            "x-{name}: &{name} [*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous}]\n"
        ));
        previous = name;
    }
    let started = std::time::Instant::now();
    let (status, error) = error_of(upload(&app, &id, "laughs.yaml", &laughs).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error:?}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    // Many small anchors raise the parser's own limit on alias jumps; the values the aliases
    // stand for are counted too: 30,000 uses of a list of 20,000 would be 600 million.
    let mut wide = String::from("openapi: 3.0.0\ninfo: {title: T, version: \"1\"}\npaths: {}\n");
    wide.push_str(&format!("x-big: &big [{}1]\n", "1,".repeat(20_000)));
    for d in 0..1_000 {
        wide.push_str(&format!("x-d{d}: &d{d} 0\n"));
    }
    wide.push_str(&format!("x-use: [{}*big]\n", "*big,".repeat(30_000)));
    assert!(wide.len() < 2 * 1024 * 1024);
    let started = std::time::Instant::now();
    let (status, error) = error_of(upload(&app, &id, "wide.yaml", &wide).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error:?}");
    assert!(
        error
            .field_message(DOCUMENT_FIELD)
            .is_some_and(|m| m.contains("YAML aliases repeat too much")),
        "{error:?}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    // Schemas that reference each other in a ring, each used by many operations: the page stays
    // a bounded multiple of the document.
    let mut doc = String::from("openapi: 3.0.0\ninfo: {title: Ring, version: \"1\"}\npaths:\n");
    for op in 0..200 {
        doc.push_str(&format!(
            "  /r{op}:\n    get:\n      responses:\n        \"200\":\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: \"#/components/schemas/S0\"}}\n"
        ));
    }
    doc.push_str("components:\n  schemas:\n");
    for s in 0..50 {
        doc.push_str(&format!(
            "    S{s}:\n      type: object\n      properties:\n"
        ));
        for p in 0..40 {
            doc.push_str(&format!(
                "        p{p}: {{$ref: \"#/components/schemas/S{}\"}}\n",
                (s + 1) % 50
            ));
        }
    }
    assert_eq!(
        upload(&app, &id, "ring.yaml", &doc).await.status(),
        StatusCode::OK
    );
    everyone_sees(&app, &id).await;
    let html = reference(&app, &app.client, "pets")
        .await
        .1
        .expect("page")
        .html;
    assert!(!html.contains("The reference stops here"));
    assert!(
        html.len() < doc.len() * 30,
        "{} bytes of HTML from {} of YAML",
        html.len(),
        doc.len()
    );
}

#[tokio::test]
async fn uploads_at_the_same_moment_each_count_and_the_last_one_stands_whole() {
    let app = spawn_as_admin().await;
    let id = product(&app, "pets", true).await;
    let uploads = (0..8).map(|i| {
        let text = PETSTORE.replace("title: Swagger Petstore", &format!("title: Upload {i}"));
        let (app, id) = (&app, id.clone());
        async move {
            upload(app, &id, &format!("u{i}.yaml"), &text)
                .await
                .status()
        }
    });
    let statuses = futures::future::join_all(uploads).await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    let document = admin_page(&app, &id).await.documentation.expect("stored");
    assert_eq!(document.version, 8, "every upload counted once");
    // The stored row is one upload's, whole: its file name, title and text agree.
    let n = document
        .file_name
        .trim_start_matches('u')
        .trim_end_matches(".yaml");
    assert_eq!(document.title, format!("Upload {n}"));
    let source = app.scalar_text("select source from api_documents").await;
    assert!(source.contains(&format!("title: Upload {n}\n")));
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'product.documentation_uploaded'")
            .await,
        8
    );
}

#[tokio::test]
async fn a_reference_that_would_be_huge_stops_at_its_limit_and_says_so() {
    let app = spawn_as_admin().await;
    let id = product(&app, "pets", true).await;
    // One parameter with a 200 KB description, used by 200 operations: 40 MB drawn whole.
    let mut doc = String::from("openapi: 3.0.0\ninfo: {title: Big, version: \"1\"}\npaths:\n");
    for op in 0..200 {
        doc.push_str(&format!(
            "  /r{op}:\n    get:\n      parameters: [{{$ref: \"#/components/parameters/P\"}}]\n      responses: {{\"200\": {{description: ok}}}}\n"
        ));
    }
    doc.push_str(&format!(
        "components:\n  parameters:\n    P: {{name: p, in: query, schema: {{type: string}}, description: \"{}\"}}\n",
        "word ".repeat(40_000)
    ));
    assert_eq!(
        upload(&app, &id, "big.yaml", &doc).await.status(),
        StatusCode::OK
    );
    let html = reference(&app, &app.client, "pets")
        .await
        .1
        .expect("page")
        .html;
    assert!(html.len() < 17 * 1024 * 1024, "{} bytes", html.len());
    assert!(html.contains("The reference stops here"), "no notice");
    assert!(html.ends_with("</div>"));
}
