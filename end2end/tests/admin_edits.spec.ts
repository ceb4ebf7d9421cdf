// The admin home page's "Waiting for you", and editing an admin and an invite code (issue 15,
// items 7 and 8), with JavaScript on and off.
import { ADMIN_EMAIL, ADMIN_PASSWORD, expect, logIn, open, test } from "./support";
import type { Page } from "@playwright/test";

async function call(page: Page, base: string, name: string, form: Record<string, string>) {
  const response = await page.request.post(`/api/${name}`, {
    form,
    headers: { accept: "application/json", origin: base },
  });
  expect(response.status(), `${name}: ${await response.text()}`).toBe(200);
  return response.json();
}

test("the home page shows what waits; an admin and an invite code are edited", async ({ page, javaScriptEnabled }, testInfo) => {
  const base = String(testInfo.project.use.baseURL);
  const tag = `${testInfo.project.name}-${Date.now()}`;
  await logIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, javaScriptEnabled);
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { name: "Waiting for you" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Your portal" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Organizations" }).last()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("admin-home.png"), fullPage: true });

  // Settings > Admins > "Edit".
  const email = `ops-${tag}@example.com`;
  await call(page, base, "add_admin", {
    "form[first_name]": "Olga",
    "form[last_name]": "Ops",
    "form[email]": email,
    "form[organization_id]": "",
    "form[role]": "provider-admin",
    "form[password]": "",
  });
  await open(page, "/admin/settings/admins", javaScriptEnabled);
  // One's own row offers "Edit" but neither "Deactivate" nor "Delete" (nobody locks themselves out).
  const own = page.getByRole("row").filter({ hasText: ADMIN_EMAIL });
  await expect(own.getByRole("link", { name: /^Edit/ })).toBeVisible();
  await expect(own.getByRole("button", { name: "Deactivate" })).toHaveCount(0);
  await expect(own.getByRole("link", { name: "Delete", exact: true })).toHaveCount(0);
  await expect(page.getByRole("row").filter({ hasText: email }).getByRole("button", { name: "Deactivate" })).toBeVisible();
  await page.getByRole("link", { name: "Edit Olga Ops" }).click();
  const form = page.getByRole("region", { name: "Edit Olga Ops" });
  await expect(form.getByLabel("Last name")).toHaveValue("Ops");
  await form.getByLabel("Last name").fill("Operations");
  await form.getByLabel("Email").fill("not-an-address");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("#email-error")).not.toBeEmpty();
  await page.screenshot({ path: testInfo.outputPath("admin-edit.png"), fullPage: true });
  await form.getByLabel("Email").fill(email);
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Admin saved." })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: email })).toContainText("Olga Operations");

  // Invite codes > "Edit": the quota and the date change, the team stays.
  const org: string = await call(page, base, "create_organization", { name: `Coded ${tag}` });
  const team: string = await call(page, base, "create_team", { organization_id: org, name: "Beta" });
  const code: string = await call(page, base, "create_invite_code", {
    "form[team_id]": team,
    "form[quota]": "5",
    "form[expires_on]": "2999-12-31",
    "form[active]": "on",
  });
  await open(page, "/admin/invite-codes", javaScriptEnabled);
  await page.getByRole("button", { name: `Edit ${code}` }).click();
  const edit = page.getByRole("region", { name: `Edit invite code ${code}` });
  await expect(edit.getByLabel("Quota")).toHaveValue("5");
  await expect(edit.getByLabel("Expiry date")).toHaveValue("2999-12-31");
  await edit.getByLabel("Quota").fill("3");
  await edit.getByLabel("Expiry date").fill("2998-06-30");
  await page.screenshot({ path: testInfo.outputPath("invite-code-edit.png"), fullPage: true });
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Invite code saved." })).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: `Coded ${tag}` });
  await expect(row).toContainText("0 / 3");
  // The list shows the moment the code stops working: the end of the chosen day.
  await expect(row).toContainText("2998-07-01 00:00 UTC");
});
