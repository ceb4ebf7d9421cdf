// The catalog (SPEC §9), with JavaScript on and off: an admin adds an API product, uploads its
// OpenAPI document (the Petstore example; a broken one first), adds a plan and a Private catalog
// for the team "Accounts"; a member of Accounts sees the product on their home page and in
// /catalog, with its description, its API reference and the plan; a member of another team and
// an anonymous visitor get 404 for the product and its reference.
import { ADMIN_EMAIL, ADMIN_PASSWORD, expect, logIn, open, test } from "./support";
import type { Page } from "@playwright/test";
import * as path from "node:path";

const PETSTORE = path.join(__dirname, "..", "fixtures", "petstore.yaml");

const PASSWORD = "a catalog reader's long password";

async function call(page: Page, base: string, name: string, form: Record<string, string> | URLSearchParams) {
  const response = await page.request.post(`/api/${name}`, {
    data: new URLSearchParams(form).toString(),
    headers: { accept: "application/json", origin: base, "content-type": "application/x-www-form-urlencoded" },
  });
  expect(response.status(), `${name}: ${await response.text()}`).toBe(200);
  return response.json();
}

test("an admin offers a product to one team through a private catalog; only that team sees it", async ({ page, javaScriptEnabled, consoleErrors }, testInfo) => {
  const base = String(testInfo.project.use.baseURL);
  const stamp = `${Date.now()}${javaScriptEnabled ? 1 : 0}`;
  const productName = `payments-${stamp}`;
  const [reader, outsider] = ["reader", "outsider"].map((n) => `${n}-${stamp}@example.com`);

  await logIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, javaScriptEnabled);
  await expect(page).toHaveURL(/\/admin$/);
  const org: string = await call(page, base, "create_organization", { name: `Catalog Co ${stamp}` });
  const accounts: string = await call(page, base, "create_team", { organization_id: org, name: "Accounts" });
  const ops: string = await call(page, base, "create_team", { organization_id: org, name: "Ops" });
  for (const [email, team] of [[reader, accounts], [outsider, ops]]) {
    await call(page, base, "create_user", {
      "form[first_name]": "Cat",
      "form[last_name]": "Reader",
      "form[email]": email,
      "form[organization_id]": org,
      "form[role]": "consumer-team-member",
      "form[password]": PASSWORD,
      "form[team_ids][]": team,
    });
  }

  // "Add new API product", first with a taken-looking bad name: the message is beside the field.
  await open(page, "/admin/products", javaScriptEnabled);
  await page.getByRole("link", { name: "Add new API product" }).click();
  await expect(page.getByRole("heading", { name: "Add new API product" })).toBeVisible();
  if (javaScriptEnabled) await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await page.getByLabel("Product name").fill("Not An Address");
  await page.getByLabel("Catalog display name").fill(`Payments ${stamp}`);
  await page.getByLabel("Summary").fill("Take card payments.");
  await page.getByLabel("Description").fill("## Charges\n\nCreate a **charge** with one call.\n\n<script>alert(1)</script>");
  await page.getByLabel("Tags").fill("payments, cards");
  await page.getByLabel("Gateway path prefix").fill(`/pay-${stamp}/`);
  await page.getByLabel("Published").check();
  await page.getByRole("button", { name: "Add API product" }).click();
  await expect(page.locator("#name-error")).toContainText("lowercase letters and digits");
  await expect(page.getByLabel("Catalog display name")).toHaveValue(`Payments ${stamp}`);
  await page.getByLabel("Product name").fill(productName);
  await page.getByRole("button", { name: "Add API product" }).click();
  await expect(page.getByRole("status").filter({ hasText: "API product added." })).toBeVisible();
  await expect(page.getByRole("heading", { name: `Payments ${stamp}`, level: 1 })).toBeVisible();
  await expect(page.locator(".markdown").first().getByRole("heading", { name: "Charges" })).toBeVisible();
  await expect(page.locator("section[aria-labelledby=audience-title]")).toContainText("No one but admins");

  // "Documentation": a broken document is refused with the parser's line, beside the field;
  // then the Petstore example is uploaded (a plain multipart form, with or without JavaScript).
  const documentation = page.locator("section[aria-labelledby=documentation-title]");
  await expect(documentation).toContainText("No OpenAPI document yet");
  await documentation.getByLabel("OpenAPI document").setInputFiles({
    name: "broken.yaml",
    mimeType: "application/yaml",
    buffer: Buffer.from("openapi: 3.0.0\ninfo:\n  title: [unclosed\n"),
  });
  await documentation.getByRole("button", { name: "Upload document" }).click();
  await expect(page.locator("#document-error")).toContainText("Line 4, column 1");
  await documentation.getByLabel("OpenAPI document").setInputFiles(PETSTORE);
  await documentation.getByRole("button", { name: "Upload document" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Documentation uploaded" })).toBeVisible();
  await expect(documentation).toContainText("petstore.yaml");
  await expect(documentation).toContainText("Swagger Petstore 1.0.0");
  await expect(page.locator("#document-error")).toBeEmpty();
  await page.screenshot({ path: testInfo.outputPath("product-admin.png"), fullPage: true });

  // "Add new plan".
  await open(page, "/admin/plans", javaScriptEnabled);
  await page.getByText("Add new plan").click();
  await page.getByLabel("Plan name").fill(`Gold ${stamp}`);
  await page.getByLabel("Catalog display name").fill(`Gold ${stamp}`);
  await page.getByRole("group", { name: "Rate limit" }).getByLabel("Requests").fill("100");
  await page.getByLabel("per seconds").fill("60");
  await page.getByRole("group", { name: "Usage quota" }).getByLabel("Requests").fill("10000");
  await page.getByLabel("Key expires after (days)").fill("90");
  await page.getByRole("button", { name: "Add plan" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Plan added." })).toBeVisible();
  await expect(page.getByRole("row", { name: new RegExp(`Gold ${stamp}`) })).toContainText("100 requests per 60 seconds");
  await page.screenshot({ path: testInfo.outputPath("plans.png"), fullPage: true });

  // "Add new catalog": Private, for the team Accounts, with the product and the plan.
  await open(page, "/admin/catalogs", javaScriptEnabled);
  await page.getByRole("link", { name: "Add new catalog" }).click();
  await expect(page.getByRole("heading", { name: "Add new catalog" })).toBeVisible();
  if (javaScriptEnabled) await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await page.getByLabel("Name", { exact: true }).fill(`Accounts only ${stamp}`);
  await page.getByLabel("Private: only its audience").check();
  await page.getByLabel("Teams").selectOption(accounts);
  await page.getByRole("checkbox", { name: new RegExp(`Payments ${stamp}`) }).check();
  await page.getByRole("checkbox", { name: `Gold ${stamp}` }).check();
  await page.screenshot({ path: testInfo.outputPath("catalog-form.png"), fullPage: true });
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Catalog added." })).toBeVisible();
  await expect(page.getByRole("row", { name: new RegExp(`Accounts only ${stamp}`) })).toContainText("1 team or organization");

  // The product's Audience now names the team.
  await open(page, "/admin/products", javaScriptEnabled);
  await page.getByRole("link", { name: `Payments ${stamp}` }).click();
  await expect(page.locator("section[aria-labelledby=audience-title]")).toContainText("Accounts");
  await page.context().clearCookies();

  // A member of Accounts: on the home page, in /catalog, and on the product page with its plan.
  await logIn(page, reader, PASSWORD, javaScriptEnabled);
  await expect(page.getByText(`Signed in as ${reader}`)).toBeVisible();
  await expect(page.getByRole("region", { name: "Your APIs" }).getByRole("link", { name: `Payments ${stamp}` })).toBeVisible();
  await open(page, "/catalog", javaScriptEnabled);
  await page.getByRole("link", { name: `Payments ${stamp}` }).click();
  await expect(page).toHaveURL(new RegExp(`/catalog/${productName}$`));
  await expect(page.getByRole("heading", { name: `Payments ${stamp}`, level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Charges" })).toBeVisible();
  const plan = page.locator("li.plan").filter({ hasText: `Gold ${stamp}` });
  await expect(plan).toContainText("100 requests per 60 seconds");
  await expect(plan).toContainText("10,000 requests per day");
  await expect(plan).toContainText("After 90 days");
  await expect(plan.getByRole("link", { name: /^Request access with Gold/ })).toBeVisible();
  // The reference's contents on the product page, each operation a link into the reference.
  const contents = page.getByRole("region", { name: "API reference" });
  await expect(contents).toContainText("Swagger Petstore 1.0.0 · 3 operations");
  await expect(contents.getByRole("link", { name: "GET /pets/{petId}" })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("catalog-product.png"), fullPage: true });
  await contents.getByRole("link", { name: "POST /pets" }).click();
  await expect(page).toHaveURL(new RegExp(`/catalog/${productName}/reference#op-createPets$`));
  await expect(page.getByRole("heading", { name: "API reference", level: 1 })).toBeVisible();
  const create = page.locator("article#op-createPets");
  await expect(create).toContainText("Create a pet");
  await expect(create).toContainText("Request body required");
  await expect(create.getByRole("link", { name: "Pet", exact: true })).toBeVisible();
  await expect(page.locator("article#op-listPets")).toContainText("How many items to return at one time");
  await expect(page.locator("article#schema-Pet")).toContainText("name string required");
  await page.screenshot({ path: testInfo.outputPath("api-reference.png"), fullPage: true });
  // Loaded afresh (the server's markup kept through hydration), the reference is all there.
  await open(page, `/catalog/${productName}/reference`, javaScriptEnabled);
  await expect(page.locator("article.operation")).toHaveCount(3);
  await expect(page.locator("article#schema-Error")).toContainText("message string required");
  await page.context().clearCookies();

  // A member of another team, and an anonymous visitor: the product does not exist for them.
  await logIn(page, outsider, PASSWORD, javaScriptEnabled);
  await expect(page.getByText(`Signed in as ${outsider}`)).toBeVisible();
  await expect(page.getByRole("region", { name: "Your APIs" })).toContainText("No APIs are available to you yet.");
  const hidden = await page.goto(`/catalog/${productName}`);
  expect(hidden?.status()).toBe(404);
  // The browser logs each 404 page it is asked for; these two are the point of the test.
  const expected404 = async () => {
    await expect.poll(() => consoleErrors.filter((e) => e.includes("status of 404")).length).toBeGreaterThan(0);
    consoleErrors.splice(consoleErrors.findIndex((e) => e.includes("status of 404")), 1);
  };
  await expected404();
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  expect((await page.goto(`/catalog/${productName}/reference`))?.status()).toBe(404);
  await expected404();
  await page.context().clearCookies();
  const anonymous = await page.goto(`/catalog/${productName}`);
  expect(anonymous?.status()).toBe(404);
  await expected404();
  expect((await page.goto(`/catalog/${productName}/reference`))?.status()).toBe(404);
  await expected404();
  await open(page, "/catalog", javaScriptEnabled);
  await expect(page.getByRole("link", { name: `Payments ${stamp}` })).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath("catalog-anonymous.png"), fullPage: true });

  // "Remove documentation": the section says so at once (hydrated, the page reloads its data).
  await logIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, javaScriptEnabled);
  await expect(page).toHaveURL(/\/admin$/);
  await open(page, "/admin/products", javaScriptEnabled);
  await page.getByRole("link", { name: `Payments ${stamp}` }).click();
  await expect(documentation).toContainText("petstore.yaml");
  if (javaScriptEnabled) await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await documentation.getByRole("button", { name: "Remove documentation" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Documentation removed." })).toBeVisible();
  await expect(documentation).toContainText("No OpenAPI document yet");
  await expect(documentation.getByRole("button", { name: "Upload document" })).toBeVisible();
});
