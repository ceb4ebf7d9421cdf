// Consumers coming in by themselves, as people click through it, with JavaScript on and off:
// register and wait for approval; register with an invite code; forget a password and reset it.
import { ADMIN_EMAIL, ADMIN_PASSWORD, expect, logIn, open, openAddUser, test } from "./support";
import { confirmLink, resetLink, waitForMail } from "./mail";
import type { Page } from "@playwright/test";

const PASSWORD = "a registrant's long password";

async function register(page: Page, email: string, javaScriptEnabled: boolean, code = "") {
  await open(page, "/register", javaScriptEnabled);
  await page.getByLabel("First name").fill("Grace");
  await page.getByLabel("Last name").fill("Hopper");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Confirm password").fill(PASSWORD);
  if (code) await page.getByLabel("Invite code").fill(code);
  await page.getByRole("button", { name: "Register" }).click();
}

/** Opens the confirmation link mailed to `email` and confirms with the registration's password. */
async function confirmEmail(page: Page, email: string, javaScriptEnabled: boolean) {
  const link = confirmLink(await waitForMail(email, /Confirm your email address/));
  await open(page, link, javaScriptEnabled);
  await expect(page.getByText(`To confirm that ${email} is yours`)).toBeVisible();
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Confirm email" }).click();
}

test("a registrant waits for approval, is emailed when approved, then signs in", async ({ page, javaScriptEnabled }, testInfo) => {
  const email = `reg-${testInfo.project.name}-${Date.now()}@example.com`;
  await register(page, email, javaScriptEnabled);
  await expect(page.getByRole("status").filter({ hasText: "Thank you for registering." })).toBeVisible();

  await logIn(page, email, PASSWORD, javaScriptEnabled);
  await expect(page.getByRole("alert")).toContainText("Confirm your email address first");
  await confirmEmail(page, email, javaScriptEnabled);
  await expect(page.getByRole("status").filter({ hasText: "Your email address is confirmed." })).toBeVisible();

  await logIn(page, email, PASSWORD, javaScriptEnabled);
  await expect(page.getByRole("alert")).toHaveText("Your registration is awaiting approval.");

  await logIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, javaScriptEnabled);
  await expect(page).toHaveURL(/\/admin$/);
  await page.getByRole("link", { name: "Approvals" }).click();
  await expect(page.getByRole("heading", { name: "Approvals", exact: true })).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: email });
  await row.getByRole("button", { name: "Approve Grace Hopper" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Registration approved." })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: email })).toHaveCount(0);

  const mail = await waitForMail(email, /was approved/);
  expect(mail.text).toContain("/login");
  await page.context().clearCookies();
  await logIn(page, email, PASSWORD, javaScriptEnabled);
  await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
});

test("an admin rejects a registrant only after confirming, and the registrant is emailed", async ({ page, javaScriptEnabled }, testInfo) => {
  const email = `rej-${testInfo.project.name}-${Date.now()}@example.com`;
  await register(page, email, javaScriptEnabled);
  await expect(page.getByRole("status").filter({ hasText: "Thank you for registering." })).toBeVisible();
  await confirmEmail(page, email, javaScriptEnabled);
  await expect(page.getByRole("status").filter({ hasText: "Your email address is confirmed." })).toBeVisible();

  await logIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, javaScriptEnabled);
  await expect(page).toHaveURL(/\/admin$/);
  await page.getByRole("link", { name: "Approvals" }).click();
  await expect(page.getByRole("heading", { name: "Approvals", exact: true })).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: email });
  const dialog = page.getByRole("alertdialog", { name: "Reject Grace Hopper" });
  // "Cancel" decides nothing.
  await row.getByRole("button", { name: "Reject Grace Hopper" }).click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole("link", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole("row").filter({ hasText: email })).toHaveCount(1);

  await row.getByRole("button", { name: "Reject Grace Hopper" }).click();
  await dialog.getByRole("button", { name: "Reject Grace Hopper" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Registration declined." })).toBeVisible();
  const declined = page.getByRole("row").filter({ hasText: email });
  await expect(declined.getByRole("button", { name: "Delete Grace Hopper" })).toBeVisible();
  const mail = await waitForMail(email, /Your registration to/);
  expect(mail.text.length).toBeGreaterThan(0);
});

test("a registrant with an invite code confirms the address and is signed in, in the code's team", async ({ page, javaScriptEnabled }, testInfo) => {
  const tag = `${testInfo.project.name}-${Date.now()}`;
  const team = `Beta ${tag}`;
  const email = `coded-${tag}@example.com`;
  await logIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, javaScriptEnabled);
  await expect(page).toHaveURL(/\/admin$/);
  await open(page, "/admin/teams", javaScriptEnabled);
  const addTeam = page.locator("form").filter({ has: page.getByRole("button", { name: "Add team" }) });
  await addTeam.getByLabel("Name").fill(team);
  await addTeam.getByRole("button", { name: "Add team" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Team added." })).toBeVisible();

  await open(page, "/admin/invite-codes", javaScriptEnabled);
  await page.getByText("Add new invite code").click();
  await page.getByLabel("Team").selectOption({ label: team });
  await page.getByLabel("Quota").fill("5");
  await page.getByLabel("Expiry date").fill("2999-12-31");
  await expect(page.getByLabel("Active")).toBeChecked();
  await page.getByRole("button", { name: "Save" }).click();
  const notice = page.getByRole("status").filter({ hasText: "Invite code created." });
  await expect(notice).toBeVisible();
  const code = await notice.getByLabel("Invite code").inputValue();
  expect(code).toMatch(/^[A-Za-z0-9_-]{22}$/);
  const row = page.getByRole("row").filter({ hasText: team });
  await expect(row.getByRole("cell", { name: "0 / 5" })).toBeVisible();

  await page.context().clearCookies();
  await register(page, email, javaScriptEnabled, code);
  await expect(page).toHaveURL(/\/register\?submitted=1$/);
  await confirmEmail(page, email, javaScriptEnabled);
  await expect(page).toHaveURL(/\/account\?welcome=1$/);
  await expect(page.getByRole("status").filter({ hasText: "Welcome! Your account is ready." })).toBeVisible();
  await expect(page.getByText(team)).toBeVisible();
});

test("a forgotten password is reset from the emailed link; the old session ends", async ({ page, browser, javaScriptEnabled }, testInfo) => {
  const email = `forgot-${testInfo.project.name}-${Date.now()}@example.com`;
  const oldPassword = "the consumer's old password";
  const newPassword = "the consumer's new password";
  await logIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, javaScriptEnabled);
  await expect(page).toHaveURL(/\/admin$/);
  const dialog = await openAddUser(page, javaScriptEnabled);
  await dialog.getByLabel("First name").fill("Ada");
  await dialog.getByLabel("Last name").fill("Lovelace");
  await dialog.getByLabel("Email").fill(email);
  await dialog.getByLabel("Set password").fill(oldPassword);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "User added." })).toBeVisible();

  // Signed in elsewhere with the old password.
  const elsewhere = await browser.newContext({ javaScriptEnabled });
  const old = await elsewhere.newPage();
  await logIn(old, email, oldPassword, javaScriptEnabled);
  await expect(old.getByText(`Signed in as ${email}`)).toBeVisible();

  await page.context().clearCookies();
  await open(page, "/login", javaScriptEnabled);
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await expect(page.getByRole("heading", { name: "Forgot password?" })).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("status").filter({ hasText: "If an account uses this email" })).toBeVisible();

  const link = resetLink(await waitForMail(email, /Reset your password/));
  await open(page, link, javaScriptEnabled);
  await page.getByLabel("New password", { exact: true }).fill(newPassword);
  await page.getByLabel("Confirm new password").fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(/\/login\?reset=1$/);
  await expect(page.getByRole("status")).toHaveText("Your password was changed. Log in with your new password.");
  await waitForMail(email, /password was changed/);

  await open(old, "/account", javaScriptEnabled);
  await expect(old.getByText("Please log in to see your account.")).toBeVisible();
  await elsewhere.close();

  await logIn(page, email, oldPassword, javaScriptEnabled);
  await expect(page.getByRole("alert")).toHaveText("Wrong email or password.");
  await logIn(page, email, newPassword, javaScriptEnabled);
  await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
});
