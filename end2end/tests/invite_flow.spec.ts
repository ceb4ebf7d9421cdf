// The heart of Portico: an admin adds a consumer and invites them; the consumer follows the
// emailed link, sets a password, is signed in, signs out and signs in again.
import { ADMIN_EMAIL, ADMIN_PASSWORD, expect, logIn, open, openAddUser, test } from "./support";
import { inviteLink, waitForMail } from "./mail";

test("an admin adds and invites a consumer who registers from the emailed link", async ({ page, browser, javaScriptEnabled }, testInfo) => {
  const email = `ada-${testInfo.project.name}-${Date.now()}@example.com`;
  await logIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, javaScriptEnabled);
  await expect(page).toHaveURL(/\/admin$/);
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Users", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();

  await page.getByRole("link", { name: "Add new user" }).click();
  const dialog = page.getByRole("dialog", { name: "Add user" });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel("First name").fill("Ada");
  await dialog.getByLabel("Last name").fill("Lovelace");
  await dialog.getByLabel("Email").fill(email);
  await expect(dialog.getByLabel("Organization")).toHaveValue(/.+/);
  await dialog.getByRole("button", { name: "Save" }).click();

  await expect(page.getByRole("status").filter({ hasText: "User added." })).toBeVisible();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole("cell", { name: email })).toBeVisible();
  await page.getByRole("link", { name: "Open their page" }).click();
  await expect(page.getByRole("heading", { name: "Ada Lovelace" })).toBeVisible();
  await expect(page.locator(".status-text")).toHaveText("Not invited");

  await page.getByText("More Options").click();
  await page.getByRole("button", { name: "Send invite" }).click();
  await expect(page.locator(".status-text")).toHaveText(/^Invited \(expires \d{4}-\d\d-\d\d \d\d:\d\d UTC\)$/);
  // The menu closed with the action: its items are out of the way of the page.
  await expect(page.getByRole("button", { name: "Revoke invite" })).toBeHidden();

  const mail = await waitForMail(email);
  expect(mail.subject).toBe("You're invited to Portico");
  const link = inviteLink(mail);

  const consumer = await browser.newContext({ javaScriptEnabled });
  const invited = await consumer.newPage();
  await open(invited, link, javaScriptEnabled);
  await expect(invited.getByRole("heading", { name: "Welcome, Ada Lovelace" })).toBeVisible();
  await invited.getByLabel("Password", { exact: true }).fill("ada's long password");
  await invited.getByLabel("Confirm password").fill("ada's long password");
  await invited.getByRole("button", { name: "Accept invitation" }).click();
  await expect(invited.getByText(`Signed in as ${email}`)).toBeVisible();

  await invited.getByRole("button", { name: "Log out" }).click();
  await expect(invited).toHaveURL(/\/login$/);
  await logIn(invited, email, "ada's long password", javaScriptEnabled);
  await expect(invited.getByText(`Signed in as ${email}`)).toBeVisible();
  await consumer.close();
});

test("the Add user dialog shows each mistake next to its field and keeps what was typed", async ({ page, javaScriptEnabled }) => {
  await logIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, javaScriptEnabled);
  await expect(page).toHaveURL(/\/admin$/);
  const dialog = await openAddUser(page, javaScriptEnabled);
  await dialog.getByLabel("Last name").fill("<b>Bold</b>");
  await dialog.getByLabel("Email").fill("not-an-address");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.locator("#first_name-error")).toHaveText("This field is required.");
  await expect(dialog.locator("#email-error")).toHaveText("Enter a valid email address, like name@example.com.");
  await expect(dialog.getByLabel("Last name")).toHaveValue("<b>Bold</b>");
  await expect(dialog.getByLabel("Email")).toHaveValue("not-an-address");
});

test("Escape closes the Add user dialog and gives focus back", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "without JavaScript the dialog is part of the page and Cancel is a link");
  await logIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, javaScriptEnabled);
  await expect(page).toHaveURL(/\/admin$/);
  await open(page, "/admin/users", javaScriptEnabled);
  await page.getByRole("link", { name: "Add new user" }).click();
  const dialog = page.getByRole("dialog", { name: "Add user" });
  await expect(dialog.getByLabel("First name")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByRole("link", { name: "Add new user" })).toBeFocused();
});
