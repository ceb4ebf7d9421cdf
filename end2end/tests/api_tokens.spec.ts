// API tokens and the REST API (SPEC §11), with JavaScript on and off: an admin adds a read-write
// token under Settings > API tokens with a bad form first (errors beside the fields, values kept),
// sees it once, uses it to list and add users over /api/v1, sees its last use, revokes it (after a
// confirmation) and the API refuses it; the API reference page shows the operations.
import { ADMIN_EMAIL, ADMIN_PASSWORD, expect, logIn, open, test } from "./support";

test("an admin adds an API token, uses it once shown, and revokes it", async ({ page, javaScriptEnabled }) => {
  const stamp = `${Date.now()}${javaScriptEnabled ? 1 : 0}`;
  const name = `CRM sync ${stamp}`;
  await logIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, javaScriptEnabled);
  await expect(page).toHaveURL(/\/admin$/);

  await open(page, "/admin/settings", javaScriptEnabled);
  await page.getByRole("link", { name: "API tokens" }).click();
  await expect(page.getByRole("heading", { name: "API tokens", level: 1 })).toBeVisible();
  if (javaScriptEnabled) {
    await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  }

  // A name of spaces only: refused beside the field, the choices kept.
  await page.getByLabel("Name").fill("   ");
  await page.getByLabel("Read and write").check();
  await page.getByRole("combobox", { name: /^Expires in/ }).selectOption({ label: "30 days" });
  await page.getByRole("button", { name: "Add API token" }).click();
  await expect(page.locator("#name-error")).not.toBeEmpty();
  await expect(page.getByLabel("Read and write")).toBeChecked();
  await expect(page.getByRole("combobox", { name: /^Expires in/ })).toHaveValue("30");

  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Add API token" }).click();
  const tokenField = page.getByLabel("API token", { exact: true });
  await expect(tokenField).toHaveValue(/^pta_/);
  const token = await tokenField.inputValue();
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("Read and write");
  await expect(row).toContainText("Never"); // not used yet

  // Shown once: not on the next visit.
  await open(page, "/admin/settings/api-tokens", javaScriptEnabled);
  await expect(page.getByLabel("API token", { exact: true })).toHaveCount(0);

  // The token works over /api/v1, without the session's cookie.
  const email = `api-${stamp}@example.com`;
  const created = await fetch(new URL("/api/v1/users", page.url()), {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ first_name: "Ada", last_name: "Api", email, organization_id: "00000000-0000-7000-8000-000000000001", invite: true }),
  });
  expect(created.status).toBe(201);
  const listed = await fetch(new URL(`/api/v1/users?q=${encodeURIComponent(email)}`, page.url()), {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(listed.status).toBe(200);
  expect((await listed.json()).items.map((u: { email: string }) => u.email)).toEqual([email]);

  // The users menu shows who the API added; the token's last use shows.
  await open(page, `/admin/users?q=${encodeURIComponent(email)}`, javaScriptEnabled);
  await expect(page.getByRole("cell", { name: email })).toBeVisible();
  await open(page, "/admin/settings/api-tokens", javaScriptEnabled);
  await expect(page.getByRole("row").filter({ hasText: name })).not.toContainText("Never");

  // "Revoke", confirmed: the API refuses the token.
  await page.getByRole("button", { name: `Revoke ${name}` }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByRole("row").filter({ hasText: name })).toContainText("Revoked");
  const refused = await fetch(new URL("/api/v1/users", page.url()), { headers: { authorization: `Bearer ${token}` } });
  expect(refused.status).toBe(401);
  expect(refused.headers.get("content-type")).toBe("application/problem+json");

  // The reference lists the operations.
  await open(page, "/admin/api-reference", javaScriptEnabled);
  await expect(page.getByRole("heading", { name: "API reference", level: 1 })).toBeVisible();
  await expect(page.getByText("/api/v1/users/{id}/invitation").first()).toBeVisible();
  for (const path of ["/api/v1/teams/{id}/members/{user_id}", "/api/v1/products/{id}/documentation", "/api/v1/audit-log"]) {
    await expect(page.getByText(path).first()).toBeVisible();
  }
});
