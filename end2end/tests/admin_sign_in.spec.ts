// An admin signs in, sees the admin shell, and signs out; a wrong password gets an error and no session.
import { ADMIN_EMAIL, ADMIN_PASSWORD, expect, logIn, test } from "./support";

test("an admin signs in, sees the admin shell and signs out", async ({ page, context, javaScriptEnabled }) => {
  await logIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, javaScriptEnabled);
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { name: "Welcome to Portico" })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Admin" });
  await expect(nav.getByRole("heading", { name: "API Consumers" })).toBeVisible();
  for (const item of ["Users", "Teams", "Organizations", "Invite codes", "Approvals", "Settings"]) {
    await expect(nav.getByRole("link", { name: item, exact: true })).toBeVisible();
  }
  await expect(page.getByText(ADMIN_EMAIL)).toBeVisible();

  await nav.getByRole("link", { name: "Teams", exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/teams$/);
  await expect(page.getByRole("heading", { name: "Teams" })).toBeVisible();

  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  expect((await context.cookies()).filter((c) => c.name === "portico_session" && c.value !== "")).toHaveLength(0);
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/login\?next=%2Fadmin$/);
});

test("a wrong password shows an error and starts no session", async ({ page, context, javaScriptEnabled }) => {
  await logIn(page, ADMIN_EMAIL, "not the right password", javaScriptEnabled);
  await expect(page.getByRole("alert")).toHaveText("Wrong email or password.");
  expect((await context.cookies()).filter((c) => c.name === "portico_session")).toHaveLength(0);
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole("button", { name: "Log in" })).toBeVisible();
});

test("a stranger who opens an admin page lands there after signing in", async ({ page, javaScriptEnabled }) => {
  await page.goto("/admin/organizations");
  await expect(page).toHaveURL(/\/login\?next=%2Fadmin%2Forganizations$/);
  if (javaScriptEnabled) {
    await expect(page.locator("body[data-hydrated]")).toHaveCount(1, { timeout: 15_000 });
  }
  await page.getByLabel("Email").fill(ADMIN_EMAIL);
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/admin\/organizations$/);
  await expect(page.getByRole("heading", { name: "Organizations" })).toBeVisible();
});
