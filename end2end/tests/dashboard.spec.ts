// "My dashboard > Users" as consumers click through it, with JavaScript on and off: the people
// who share a team with them, a search that narrows the list in place, and a consumer admin's
// "Invite new user".
import { ADMIN_EMAIL, ADMIN_PASSWORD, expect, logIn, open, test } from "./support";
import { waitForMail } from "./mail";
import type { Page } from "@playwright/test";

const PASSWORD = "a consumer's long password";

/** Calls an admin server function from the signed-in page's cookies; answers its JSON. */
async function call(page: Page, base: string, name: string, form: Record<string, string>) {
  const response = await page.request.post(`/api/${name}`, {
    form,
    headers: { accept: "application/json", origin: base },
  });
  expect(response.status(), `${name}: ${await response.text()}`).toBe(200);
  return response.json();
}

test("a consumer sees the people of their teams on My dashboard and searches them", async ({ page, javaScriptEnabled }, testInfo) => {
  const base = String(testInfo.project.use.baseURL);
  const tag = `${testInfo.project.name}-${Date.now()}`;
  const [ada, bob, cy] = ["ada", "bob", "cy"].map((n) => `${n}-${tag}@example.com`);
  await logIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, javaScriptEnabled);
  await expect(page).toHaveURL(/\/admin$/);
  const org: string = await call(page, base, "create_organization", { name: `Initech ${tag}` });
  const devs: string = await call(page, base, "create_team", { organization_id: org, name: "Devs" });
  const ops: string = await call(page, base, "create_team", { organization_id: org, name: "Ops" });
  const people: [string, string, string, string][] = [
    [ada, "Ada", "Lovelace", devs],
    [bob, "Bob", "Baker", devs],
    [cy, "Cy", "Cole", ops],
  ];
  for (const [email, first, last, team] of people) {
    await call(page, base, "create_user", {
      "form[first_name]": first,
      "form[last_name]": last,
      "form[email]": email,
      "form[organization_id]": org,
      "form[team_ids][]": team,
      "form[role]": email === ada ? "consumer-admin" : "consumer-team-member",
      "form[password]": PASSWORD,
    });
  }
  await page.context().clearCookies();

  await logIn(page, bob, PASSWORD, javaScriptEnabled);
  await expect(page.getByText(`Signed in as ${bob}`)).toBeVisible();
  await page.getByRole("link", { name: "My dashboard" }).click();
  await expect(page.getByRole("heading", { name: "My dashboard" })).toBeVisible();
  if (javaScriptEnabled) {
    await expect(page.locator("body[data-hydrated]")).toHaveCount(1, { timeout: 15_000 });
  }
  await expect(page.getByRole("cell", { name: ada })).toBeVisible();
  await expect(page.getByRole("cell", { name: bob })).toBeVisible();
  await expect(page.getByRole("cell", { name: cy })).toHaveCount(0);
  await expect(page.getByText("Only a consumer admin of your organization can change them.")).toBeVisible();
  const adaRow = page.getByRole("row").filter({ hasText: ada });
  await expect(adaRow).toContainText("Consumer admin");
  await expect(adaRow).toContainText("Devs");
  await expect(adaRow).toContainText("Active");

  // Only the query string changes: hydrated, the list must still follow it.
  await page.getByLabel("Search").fill("lovelace");
  await page.getByRole("button", { name: "Search" }).click();
  // Hydrated, leptos_router's Form also sends the unnamed submit button (as "&="); no-JS does not.
  await expect(page).toHaveURL(/\/dashboard\?q=lovelace(&|$)/);
  await expect(page.getByRole("cell", { name: ada })).toBeVisible();
  await expect(page.getByRole("cell", { name: bob })).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath("dashboard.png"), fullPage: true });

  await open(page, "/dashboard?q=nobody-matches", javaScriptEnabled);
  await expect(page.getByText("Nobody matches this search.")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Invite new user" })).toHaveCount(0);

  // Ada, the consumer admin, invites a colleague into Devs: the list shows them as Invited and
  // the invitation email arrives.
  await page.context().clearCookies();
  await logIn(page, ada, PASSWORD, javaScriptEnabled);
  await expect(page.getByText(`Signed in as ${ada}`)).toBeVisible();
  await open(page, "/dashboard", javaScriptEnabled);
  await expect(page.getByRole("heading", { name: "Invite new user" })).toBeVisible();
  const dee = `dee-${tag}@example.com`;
  await page.getByLabel("First name").fill("Dee");
  await page.getByLabel("Last name").fill("Dalton");
  await page.getByLabel("Email").fill(dee);
  await page.getByLabel("Role").selectOption({ label: "Team member" });
  await page.getByRole("checkbox", { name: "Devs" }).check();
  await page.getByRole("button", { name: "Send invite" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Invitation sent." })).toBeVisible();
  const deeRow = page.getByRole("row").filter({ hasText: dee });
  await expect(deeRow).toContainText("Invited");
  await expect(deeRow).toContainText("Devs");
  await expect(page.getByLabel("Email")).toHaveValue("");
  const mail = await waitForMail(dee, /invited/);
  expect(mail.text).toContain("/invite?token=");
  await page.screenshot({ path: testInfo.outputPath("dashboard-admin.png"), fullPage: true });

  // The same address again is a message next to the field.
  await page.getByLabel("First name").fill("Dee");
  await page.getByLabel("Last name").fill("Again");
  await page.getByLabel("Email").fill(dee);
  await page.getByRole("button", { name: "Send invite" }).click();
  await expect(page.locator("#email-error")).not.toBeEmpty();
});
