// A consumer admin manages their company's people (SPEC §8.2), with JavaScript on and off: an
// invitation that arrives by email and is accepted, the colleague seeing only the teams they
// share, a move between teams with "Edit", and "Remove from organization".
import { ADMIN_EMAIL, ADMIN_PASSWORD, expect, logIn, open, test } from "./support";
import { inviteLink, waitForMail } from "./mail";
import type { Page } from "@playwright/test";

const PASSWORD = "a consumer's long password";

/** Calls a server function from the signed-in page's cookies (a repeated field needs the
 * URLSearchParams form); answers its JSON. */
async function call(page: Page, base: string, name: string, form: Record<string, string> | URLSearchParams) {
  const response = await page.request.post(`/api/${name}`, {
    data: new URLSearchParams(form).toString(),
    headers: { accept: "application/json", origin: base, "content-type": "application/x-www-form-urlencoded" },
  });
  expect(response.status(), `${name}: ${await response.text()}`).toBe(200);
  return response.json();
}

test("a consumer admin invites a colleague, moves them to another team and removes them", async ({ page, browser, javaScriptEnabled }, testInfo) => {
  const base = String(testInfo.project.use.baseURL);
  const tag = `${testInfo.project.name}-${Date.now()}`;
  const [lead, accountant, colleague] = ["lead", "acct", "col"].map((n) => `${n}-${tag}@example.com`);

  // The provider's admin makes a consumer admin of Acme in Accounts and Development.
  await logIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, javaScriptEnabled);
  await expect(page).toHaveURL(/\/admin$/);
  const org: string = await call(page, base, "create_organization", { name: `Acme ${tag}` });
  const accounts: string = await call(page, base, "create_team", { organization_id: org, name: "Accounts" });
  const development: string = await call(page, base, "create_team", { organization_id: org, name: "Development" });
  const user = (email: string, first: string, role: string) => ({
    "form[first_name]": first,
    "form[last_name]": "Acme",
    "form[email]": email,
    "form[organization_id]": org,
    "form[role]": role,
    "form[password]": PASSWORD,
  });
  const leadForm = new URLSearchParams(user(lead, "Lena", "consumer-admin"));
  leadForm.append("form[team_ids][]", accounts);
  leadForm.append("form[team_ids][]", development);
  await call(page, base, "create_user", leadForm);
  await call(page, base, "create_user", { ...user(accountant, "Abe", "consumer-team-member"), "form[team_ids][]": accounts });
  await page.context().clearCookies();

  // The consumer admin invites a colleague into Development.
  await logIn(page, lead, PASSWORD, javaScriptEnabled);
  await expect(page.getByText(`Signed in as ${lead}`)).toBeVisible();
  await open(page, "/dashboard", javaScriptEnabled);
  await page.getByLabel("First name").fill("Cleo");
  await page.getByLabel("Last name").fill("Colleague");
  await page.getByLabel("Email").fill(colleague);
  await page.getByRole("checkbox", { name: "Development" }).check();
  await page.getByRole("button", { name: "Send invite" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Invitation sent." })).toBeVisible();

  // The email arrives; the colleague sets a password and sees the consumer admin, not Abe of
  // Accounts, whom they share no team with.
  const link = inviteLink(await waitForMail(colleague, /invited/));
  const theirs = await browser.newContext({ javaScriptEnabled });
  const invited = await theirs.newPage();
  await open(invited, link, javaScriptEnabled);
  await invited.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await invited.getByLabel("Confirm password").fill(PASSWORD);
  await invited.getByRole("button", { name: "Accept invitation" }).click();
  await expect(invited.getByText(`Signed in as ${colleague}`)).toBeVisible();
  await open(invited, "/dashboard", javaScriptEnabled);
  await expect(invited.getByRole("cell", { name: lead })).toBeVisible();
  await expect(invited.getByRole("cell", { name: colleague })).toBeVisible();
  await expect(invited.getByRole("cell", { name: accountant })).toHaveCount(0);

  // The consumer admin moves the colleague from Development to Accounts.
  await open(page, "/dashboard", javaScriptEnabled);
  await page.getByRole("link", { name: "Cleo Colleague" }).click();
  await expect(page.getByRole("heading", { name: "Cleo Colleague" })).toBeVisible();
  if (javaScriptEnabled) {
    await expect(page.locator("body[data-hydrated]")).toHaveCount(1, { timeout: 15_000 });
  }
  await expect(page.getByRole("checkbox", { name: "Development" })).toBeChecked();
  await page.getByRole("checkbox", { name: "Development" }).uncheck();
  await page.getByRole("checkbox", { name: "Accounts" }).check();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Changes saved." })).toBeVisible();
  await expect(page.getByRole("checkbox", { name: "Accounts" })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: "Development" })).not.toBeChecked();
  await page.screenshot({ path: testInfo.outputPath("colleague.png"), fullPage: true });
  await open(invited, "/dashboard", javaScriptEnabled);
  await expect(invited.getByRole("cell", { name: accountant })).toBeVisible();

  // Demoting themselves, the organization's only consumer admin, is refused next to the form.
  await open(page, "/dashboard", javaScriptEnabled);
  await page.getByRole("link", { name: "Lena Acme" }).click();
  await expect(page.getByRole("heading", { name: "Lena Acme" })).toBeVisible();
  if (javaScriptEnabled) {
    await expect(page.locator("body[data-hydrated]")).toHaveCount(1, { timeout: 15_000 });
  }
  await page.getByLabel("Role").selectOption({ label: "Team member" });
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "at least one consumer admin" })).toBeVisible();

  // "Remove from organization", confirmed: the colleague lands in the default organization.
  await open(page, "/dashboard", javaScriptEnabled);
  await page.getByRole("link", { name: "Cleo Colleague" }).click();
  await expect(page.getByRole("heading", { name: "Cleo Colleague" })).toBeVisible();
  if (javaScriptEnabled) {
    await expect(page.locator("body[data-hydrated]")).toHaveCount(1, { timeout: 15_000 });
  }
  await page.getByRole("button", { name: "Remove from organization" }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toContainText("Remove Cleo Colleague from the organization?");
  await page.screenshot({ path: testInfo.outputPath("colleague-remove.png"), fullPage: true });
  await dialog.getByRole("button", { name: "Remove Cleo Colleague from the organization" }).click();
  await expect(page).toHaveURL(/\/dashboard\?removed=1$/);
  await expect(page.getByRole("status").filter({ hasText: "Removed from the organization" })).toBeVisible();
  await expect(page.getByRole("cell", { name: colleague })).toHaveCount(0);
  await open(invited, "/dashboard", javaScriptEnabled);
  await expect(invited.getByText("You are not in an organization yet")).toBeVisible();
  await theirs.close();
});
