// Organization requests (SPEC §8.3), with JavaScript on and off: a consumer who registered asks
// for their company's organization, an admin approves it under a changed name and the requester
// is its consumer admin; with auto-approve the organization exists at once.
import { ADMIN_EMAIL, ADMIN_PASSWORD, expect, logIn, open, test } from "./support";
import { confirmLink, waitForMail } from "./mail";
import type { Page } from "@playwright/test";

const PASSWORD = "a requester's long password";

/** Settings > General, registration part, as an admin ticks it. */
async function settings(page: Page, javaScriptEnabled: boolean, ticks: Record<string, boolean>) {
  await page.context().clearCookies();
  await logIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, javaScriptEnabled);
  await expect(page).toHaveURL(/\/admin$/);
  await open(page, "/admin/settings", javaScriptEnabled);
  for (const [label, on] of Object.entries(ticks)) {
    await page.getByLabel(label).setChecked(on);
  }
  await Promise.all([
    page.waitForResponse((r) => r.url().includes("/api/set_registration_settings")),
    page.getByRole("button", { name: "Save registration settings" }).click(),
  ]);
  // Saved: a fresh page shows the boxes as ticked (without JavaScript no notice is shown).
  await open(page, "/admin/settings", javaScriptEnabled);
  for (const [label, on] of Object.entries(ticks)) {
    await expect(page.getByLabel(label)).toBeChecked({ checked: on });
  }
  await page.context().clearCookies();
}

/** Registers `email`, confirms it from the mailed link, and lands signed in (auto-approved). */
async function registerAndConfirm(page: Page, email: string, javaScriptEnabled: boolean) {
  await open(page, "/register", javaScriptEnabled);
  await page.getByLabel("First name").fill("Rita");
  await page.getByLabel("Last name").fill("Requester");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Confirm password").fill(PASSWORD);
  await page.getByRole("button", { name: "Register" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Thank you for registering." })).toBeVisible();
  await open(page, confirmLink(await waitForMail(email, /Confirm your email address/)), javaScriptEnabled);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Confirm email" }).click();
  await expect(page).toHaveURL(/\/account\?welcome=1$/);
  await expect(page.getByRole("status").filter({ hasText: "Welcome! Your account is ready." })).toBeVisible();
}

const DEFAULTS = {
  "Allow registration": true,
  "Auto-approve API consumers registering to the portal": false,
  "Enable API consumers to register organizations": false,
  "Auto-approve API consumers registering organization": false,
};

test("a registered consumer asks for an organization; an admin approves it renamed, or the setting does at once", async ({ page, browser, javaScriptEnabled }, testInfo) => {
  const tag = `${testInfo.project.name}-${Date.now()}`;
  const requester = `rita-${tag}@example.com`;
  await settings(page, javaScriptEnabled, {
    ...DEFAULTS,
    "Auto-approve API consumers registering to the portal": true,
    "Enable API consumers to register organizations": true,
  });
  try {
    const theirs = await browser.newContext({ javaScriptEnabled });
    const consumer = await theirs.newPage();
    await registerAndConfirm(consumer, requester, javaScriptEnabled);
    await open(consumer, "/dashboard", javaScriptEnabled);
    await expect(consumer.getByRole("heading", { name: "Create an organization" })).toBeVisible();
    await consumer.getByLabel("Organization name").fill(`Rita Co ${tag}`);
    await consumer.getByRole("button", { name: "Create organization" }).click();
    await expect(consumer.getByRole("status").filter({ hasText: "Your request is pending review" })).toBeVisible();
    await expect(consumer.getByRole("heading", { name: "Create an organization" })).toHaveCount(0);
    await consumer.screenshot({ path: testInfo.outputPath("organization-request-pending.png"), fullPage: true });

    // An admin finds it on Organizations (the admins' email is coalesced per 15 minutes across
    // both projects, so the integration tests check it) and approves it under another name.
    await logIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, javaScriptEnabled);
    await expect(page).toHaveURL(/\/admin$/);
    await open(page, "/admin/organizations", javaScriptEnabled);
    await expect(page.getByRole("heading", { name: "Pending organization requests" })).toBeVisible();
    const row = page.getByRole("row").filter({ hasText: requester });
    await expect(row).toContainText("Pending");
    await page.screenshot({ path: testInfo.outputPath("organization-requests.png"), fullPage: true });
    await row.getByLabel(`Name for the request of ${requester}`).fill(`Rita Company ${tag}`);
    await row.getByRole("button", { name: "Approve" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Request approved" })).toBeVisible();
    await expect(page.getByRole("row").filter({ hasText: requester })).toHaveCount(0);
    await expect(page.getByRole("cell", { name: `Rita Company ${tag}`, exact: true })).toBeVisible();

    // The requester is emailed and is the consumer admin of the renamed organization.
    const mail = await waitForMail(requester, /was approved/);
    expect(mail.text).toContain(`Rita Company ${tag}`);
    await open(consumer, "/dashboard", javaScriptEnabled);
    await expect(consumer.getByText(`People of Rita Company ${tag} who share a team with you.`)).toBeVisible();
    await expect(consumer.getByRole("heading", { name: "Invite new user" })).toBeVisible();
    await theirs.close();

    // With auto-approve, the organization exists at once.
    await page.context().clearCookies();
    await settings(page, javaScriptEnabled, {
      ...DEFAULTS,
      "Auto-approve API consumers registering to the portal": true,
      "Enable API consumers to register organizations": true,
      "Auto-approve API consumers registering organization": true,
    });
    const second = `sam-${tag}@example.com`;
    await registerAndConfirm(page, second, javaScriptEnabled);
    await open(page, "/dashboard", javaScriptEnabled);
    await page.getByLabel("Organization name").fill(`Sam Co ${tag}`);
    await page.getByRole("button", { name: "Create organization" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Your organization was created" })).toBeVisible();
    await expect(page.getByText(`People of Sam Co ${tag} who share a team with you.`)).toBeVisible();
    await expect(page.getByRole("heading", { name: "Invite new user" })).toBeVisible();
    await page.context().clearCookies();
  } finally {
    await settings(page, javaScriptEnabled, DEFAULTS);
  }
});
