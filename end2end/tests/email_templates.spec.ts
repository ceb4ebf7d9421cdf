// Settings > Email > Templates as an admin uses it, with JavaScript on and off: a misspelt
// variable is refused next to its field, a good edit is saved and previewed, reset brings back
// the default.
import { ADMIN_EMAIL, ADMIN_PASSWORD, expect, logIn, open, test } from "./support";

test("an admin edits the welcome email, sees the preview and resets it", async ({ page, javaScriptEnabled }, testInfo) => {
  const tag = `${testInfo.project.name}-${Date.now()}`;
  await logIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, javaScriptEnabled);
  await expect(page).toHaveURL(/\/admin$/);
  await open(page, "/admin/settings", javaScriptEnabled);
  await page.getByRole("link", { name: "Templates" }).click();
  await expect(page.getByRole("heading", { name: "Email templates" })).toBeVisible();
  await page.getByRole("link", { name: "Welcome", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Welcome", exact: true })).toBeVisible();
  if (javaScriptEnabled) {
    await expect(page.locator("body[data-hydrated]")).toHaveCount(1, { timeout: 15_000 });
  }

  await page.getByLabel("Subject").fill("Hello {{ user.firstname }}");
  await page.getByRole("button", { name: "Save template" }).click();
  await expect(page.locator("#subject-error")).toContainText("Unknown variable {{ user.firstname }}");
  await expect(page.getByLabel("Subject")).toHaveValue("Hello {{ user.firstname }}");

  await page.getByLabel("Subject").fill(`Hello {{ user.first_name }} ${tag}`);
  await page.getByRole("button", { name: "Save template" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Template saved." })).toBeVisible();
  await expect(page.locator(".preview-subject")).toHaveText(`Hello Ada ${tag}`);

  await page.getByRole("button", { name: "Send test email to me" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Test email sent to you." })).toBeVisible();

  await page.getByRole("button", { name: "Reset to default" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Template reset to the default." })).toBeVisible();
  await expect(page.locator(".preview-subject")).toHaveText("Welcome to Portico");
});
