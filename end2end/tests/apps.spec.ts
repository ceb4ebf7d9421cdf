// Apps, access requests and API keys (SPEC §10), with JavaScript on and off: a consumer finds a
// product in the catalog and chooses "Request access" with a new app; the admins are emailed; an
// admin approves it under "Access requests"; the consumer is emailed, shows the key once and
// copies it; the key passes the gateway check and, after "Revoke", does not. An admin adds a
// gateway token under Settings > Gateways and sees it once.
import { ADMIN_EMAIL, ADMIN_PASSWORD, expect, logIn, open, test } from "./support";
import { waitForMail } from "./mail";
import type { Page } from "@playwright/test";

const PASSWORD = "an app builder's long password";

async function call(page: Page, base: string, name: string, form: Record<string, string>) {
  const response = await page.request.post(`/api/${name}`, {
    data: new URLSearchParams(form).toString(),
    headers: { accept: "application/json", origin: base, "content-type": "application/x-www-form-urlencoded" },
  });
  expect(response.status(), `${name}: ${await response.text()}`).toBe(200);
  return response.json();
}

test("a consumer requests access with a new app, an admin approves it, and the key works once copied", async ({ page, javaScriptEnabled }, testInfo) => {
  const base = String(testInfo.project.use.baseURL);
  const stamp = `${Date.now()}${javaScriptEnabled ? 1 : 0}`;
  const developer = `dev-${stamp}@example.com`;

  // The admin's world: a published product with a reviewed plan in a Private catalog for the
  // default organization (a Public one would show on every other test's consumer pages).
  await logIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, javaScriptEnabled);
  await expect(page).toHaveURL(/\/admin$/);
  const product: string = await call(page, base, "create_api_product", {
    "form[name]": `orders-${stamp}`,
    "form[display_name]": `Orders ${stamp}`,
    "form[summary]": "Place and track orders.",
    "form[gateway_prefix]": `/orders-${stamp}/`,
    "form[published]": "on",
  });
  const plan: string = await call(page, base, "create_plan", {
    "form[name]": `silver-${stamp}`,
    "form[display_name]": `Silver ${stamp}`,
    "form[rate_requests]": "50",
    "form[rate_seconds]": "1",
  });
  await call(page, base, "create_catalog", {
    "form[name]": `Orders catalog ${stamp}`,
    "form[visibility]": "private",
    "form[organization_ids][]": "00000000-0000-7000-8000-000000000001",
    "form[product_ids][]": product,
    "form[plan_ids][]": plan,
  });
  await call(page, base, "create_user", {
    "form[first_name]": "Dev",
    "form[last_name]": "Eloper",
    "form[email]": developer,
    "form[organization_id]": "00000000-0000-7000-8000-000000000001",
    "form[role]": "consumer-team-member",
    "form[password]": PASSWORD,
  });

  // Settings > Gateways: a token, shown once.
  await open(page, "/admin/settings/gateways", javaScriptEnabled);
  await page.getByLabel("Name").fill(`Edge ${stamp}`);
  await page.getByRole("button", { name: "Add gateway token" }).click();
  const tokenField = page.getByLabel("Gateway token");
  await expect(tokenField).toHaveValue(/^ptg_/);
  const gatewayToken = await tokenField.inputValue();
  await expect(page.getByRole("cell", { name: `Edge ${stamp}`, exact: true })).toBeVisible();
  await open(page, "/admin/settings/gateways", javaScriptEnabled);
  await expect(page.getByLabel("Gateway token")).toHaveCount(0);
  await page.context().clearCookies();

  // The consumer finds the product and asks for it with a new app; a bad comment first.
  await logIn(page, developer, PASSWORD, javaScriptEnabled);
  await expect(page).not.toHaveURL(/\/login/);
  await open(page, `/catalog/orders-${stamp}`, javaScriptEnabled);
  await expect(page.getByRole("heading", { name: "Request access" })).toBeVisible();
  await page.getByRole("link", { name: `Request access with Silver ${stamp}` }).click();
  await expect(page.getByRole("combobox", { name: /^Plan/ })).toHaveValue(plan);
  await page.getByLabel("New app name").fill("<b>Order sync</b>");
  await page.getByLabel("Comment").fill("x".repeat(2001));
  await page.getByRole("button", { name: "Submit request" }).click();
  await expect(page.locator("#comment-error")).toContainText("At most 2000 characters");
  await expect(page.getByLabel("New app name")).toHaveValue("<b>Order sync</b>");
  await page.getByLabel("Comment").fill("Nightly <i>sync</i> of orders.");
  await page.getByRole("button", { name: "Submit request" }).click();
  await expect(page).toHaveURL(/\/dashboard\/apps\/[0-9a-f-]+\?requested=1$/);
  await expect(page.getByRole("status").filter({ hasText: "Your request was sent." })).toBeVisible();
  // The app's name is text, never markup.
  await expect(page.getByRole("heading", { name: "<b>Order sync</b>" })).toBeVisible();
  await expect(page.locator("h2.app-name b")).toHaveCount(0);
  await expect(page.getByRole("cell", { name: "Pending" })).toBeVisible();
  const appUrl = page.url().replace(/\?.*$/, "");
  // Admins are emailed once per quarter hour about new requests (the other project may have been).
  await waitForMail(ADMIN_EMAIL, /asks for Orders \d+/);
  await page.context().clearCookies();

  // An admin approves it from "Access requests".
  await logIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, javaScriptEnabled);
  await expect(page).toHaveURL(/\/admin$/);
  await page.getByRole("link", { name: "Access requests" }).click();
  await expect(page.getByRole("heading", { name: "Access requests" })).toBeVisible();
  if (javaScriptEnabled) await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  const row = page.getByRole("row").filter({ hasText: developer });
  await expect(row).toContainText("Nightly <i>sync</i> of orders.");
  await row.getByRole("button", { name: /^Approve the request/ }).click();
  await expect(page.getByRole("row").filter({ hasText: developer })).toContainText("Approved: key not shown yet");
  await waitForMail(developer, new RegExp(`access to Orders ${stamp}.*was approved`));
  await page.context().clearCookies();

  // The consumer shows the key once, copies it, and it works at the gateway.
  await logIn(page, developer, PASSWORD, javaScriptEnabled);
  await expect(page).not.toHaveURL(/\/login/);
  await open(page, appUrl, javaScriptEnabled);
  await page.getByRole("button", { name: /^Show key for/ }).click();
  const keyField = page.getByLabel("API key");
  await expect(keyField).toHaveValue(/^ptc_[A-Za-z0-9_-]{43}$/);
  const key = await keyField.inputValue();
  if (javaScriptEnabled) {
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.getByRole("button", { name: "Copy" }).click();
    await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
  }
  await expect(page.getByRole("cell", { name: `${key.slice(0, 12)}…` })).toBeVisible();
  // Shown once: a reload shows only its start.
  await open(page, appUrl, javaScriptEnabled);
  await expect(page.getByLabel("API key")).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Show key for/ })).toHaveCount(0);

  const check = async () =>
    (
      await page.request.get("/gateway/v1/auth", {
        headers: { "X-Portico-Gateway-Token": gatewayToken, Authorization: `Bearer ${key}`, "X-Original-URI": `/orders-${stamp}/v1/orders` },
      })
    ).status();
  expect(await check()).toBe(200);

  // "Revoke", confirmed: the gateway refuses the key.
  await page.getByRole("button", { name: /^Revoke the key for/ }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByRole("cell", { name: "Revoked" })).toBeVisible();
  expect(await check()).toBe(401);

  // My apps lists the app.
  await open(page, "/dashboard/apps", javaScriptEnabled);
  await expect(page.getByRole("link", { name: "<b>Order sync</b>" })).toBeVisible();
});
