// Organizations and teams as an admin clicks through them: create an organization and a team in
// it, put a user of that organization in the team from the user's page, then move the user to
// the default organization (its old teams go, the default team comes) — with JavaScript on and off.
import { ADMIN_EMAIL, ADMIN_PASSWORD, expect, logIn, open, test } from "./support";

test("an admin creates an organization and a team, adds a user to it and moves the user", async ({ page, javaScriptEnabled }, testInfo) => {
  const tag = `${testInfo.project.name}-${Date.now()}`;
  const org = `Acme ${tag}`;
  const email = `grace-${tag}@example.com`;
  await logIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, javaScriptEnabled);
  await expect(page).toHaveURL(/\/admin$/);

  await open(page, "/admin/organizations", javaScriptEnabled);
  await page.getByLabel("Name").fill(org);
  await page.getByRole("button", { name: "Add organization" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Organization added." })).toBeVisible();
  await page.getByRole("link", { name: org, exact: true }).click();
  await expect(page.getByRole("heading", { name: org })).toBeVisible();
  await expect(page.getByRole("link", { name: `${org} All users` })).toBeVisible();

  await open(page, "/admin/teams", javaScriptEnabled);
  const add = page.locator("form").filter({ has: page.getByRole("button", { name: "Add team" }) });
  await add.getByLabel("Name").fill("Developers");
  await add.getByLabel("Organization").selectOption({ label: org });
  await add.getByRole("button", { name: "Add team" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Team added." })).toBeVisible();

  // A user of the new organization, created in its default team.
  await open(page, "/admin/users?add=1", javaScriptEnabled);
  const dialog = page.getByRole("dialog", { name: "Add user" });
  await dialog.getByLabel("First name").fill("Grace");
  await dialog.getByLabel("Last name").fill("Hopper");
  await dialog.getByLabel("Email").fill(email);
  await dialog.getByLabel("Organization").selectOption({ label: org });
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "User added." })).toBeVisible();
  await page.getByRole("link", { name: "Open their page" }).click();
  await expect(page.getByRole("heading", { name: "Grace Hopper" })).toBeVisible();

  // From the user's page: add to "Developers".
  await page.getByRole("combobox", { name: "Team", exact: true }).selectOption({ label: "Developers" });
  await page.getByRole("button", { name: "Add to team" }).click();
  await expect(page.getByRole("button", { name: "Remove from Developers" })).toBeVisible();
  await expect(page.getByRole("button", { name: `Remove from ${org} All users` })).toBeVisible();

  // The team's page lists the member.
  await page.getByRole("link", { name: "Developers", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Developers" })).toBeVisible();
  await expect(page.getByRole("cell", { name: email })).toBeVisible();
  await page.getByRole("link", { name: "Grace Hopper" }).click();
  await expect(page.getByRole("heading", { name: "Grace Hopper" })).toBeVisible();

  // Move to the default organization with Edit: the old teams go, the default team comes.
  await page.getByRole("link", { name: "Edit" }).click();
  await expect(page.getByRole("heading", { name: "Edit user" })).toBeVisible();
  if (javaScriptEnabled) {
    await expect(page.locator("body[data-hydrated]")).toHaveCount(1, { timeout: 15_000 });
  }
  await page.getByLabel("Organization").selectOption({ label: "Default Organization" });
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Changes saved." })).toBeVisible();
  await expect(page.getByRole("link", { name: "Default Organization", exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Remove from Default Organization All users" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Remove from Developers" })).toHaveCount(0);
});
