// Organizations and teams as an admin clicks through them: create an organization and a team in
// it, put a user of that organization in the team from the user's page, then move the user to
// the default organization (its old teams go, the default team comes) — with JavaScript on and off.
import { ADMIN_EMAIL, ADMIN_PASSWORD, expect, logIn, open, openAddUser, test } from "./support";

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
  const dialog = await openAddUser(page, javaScriptEnabled);
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

// "Rename" and "Delete" are links that change only the query string. Hydrated, the router keeps
// the page's view on such a change, so each must still show its form or confirmation in place
// (they showed nothing until a reload); without JavaScript they are ordinary page loads.
test("Rename and Delete on organizations, teams and admins open in place, and Cancel closes them", async ({ page, javaScriptEnabled }, testInfo) => {
  const tag = `${testInfo.project.name}-${Date.now()}`;
  await logIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, javaScriptEnabled);
  await expect(page).toHaveURL(/\/admin$/);

  // Organizations.
  // Names without "name" in them: getByLabel("Name") matches any label containing it.
  const org = `Quill ${tag}`;
  await open(page, "/admin/organizations", javaScriptEnabled);
  await page.getByLabel("Name", { exact: true }).fill(org);
  await page.getByRole("button", { name: "Add organization" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Organization added." })).toBeVisible();
  await page.getByRole("row").filter({ hasText: org }).getByRole("link", { name: "Rename", exact: true }).click();
  await page.getByLabel("New name").fill(`${org} two`);
  await page.getByRole("button", { name: "Rename", exact: true }).click();
  await expect(page.getByRole("link", { name: `${org} two`, exact: true })).toBeVisible();
  await expect(page.getByLabel("New name")).toHaveCount(0);
  const orgRow = page.getByRole("row").filter({ hasText: `${org} two` });
  await orgRow.getByRole("link", { name: "Delete", exact: true }).click();
  const orgDialog = page.getByRole("alertdialog", { name: `Delete ${org} two` });
  await expect(orgDialog).toBeVisible();
  await expect(orgDialog).toContainText("users move to “Default Organization All users”");
  if (javaScriptEnabled) {
    await expect(orgDialog.getByRole("button", { name: `Delete ${org} two` })).toBeFocused();
  }
  await orgDialog.getByRole("link", { name: "Cancel" }).click();
  await expect(orgDialog).toHaveCount(0);
  await orgRow.getByRole("link", { name: "Delete", exact: true }).click();
  await page.getByRole("alertdialog", { name: `Delete ${org} two` })
    .getByRole("button", { name: `Delete ${org} two` }).click();
  await expect(page.getByRole("status").filter({ hasText: "Organization deleted." })).toBeVisible();
  await expect(page.getByRole("link", { name: `${org} two`, exact: true })).toHaveCount(0);

  // Teams (in the default organization).
  const team = `Team ${tag}`;
  await open(page, "/admin/teams", javaScriptEnabled);
  const add = page.locator("form").filter({ has: page.getByRole("button", { name: "Add team" }) });
  await add.getByLabel("Name").fill(team);
  await add.getByRole("button", { name: "Add team" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Team added." })).toBeVisible();
  await page.getByRole("row").filter({ hasText: team }).getByRole("link", { name: "Rename", exact: true }).click();
  await page.getByLabel("New name").fill(`${team} two`);
  await page.getByRole("button", { name: "Rename", exact: true }).click();
  await expect(page.getByRole("link", { name: `${team} two`, exact: true })).toBeVisible();
  await page.getByRole("row").filter({ hasText: `${team} two` }).getByRole("link", { name: "Delete", exact: true }).click();
  const teamDialog = page.getByRole("alertdialog", { name: `Delete ${team} two` });
  await expect(teamDialog).toBeVisible();
  await teamDialog.getByRole("button", { name: `Delete ${team} two` }).click();
  await expect(page.getByRole("status").filter({ hasText: "Team deleted;" })).toBeVisible();
  await expect(page.getByRole("link", { name: `${team} two`, exact: true })).toHaveCount(0);

  // Admins.
  const email = `admin-${tag}@example.com`;
  await open(page, "/admin/settings/admins?add=1", javaScriptEnabled);
  const form = page.locator("form").filter({ has: page.getByLabel("Set password") });
  await form.getByLabel("First name").fill("Temp");
  await form.getByLabel("Last name").fill(tag);
  await form.getByLabel("Email").fill(email);
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Admin added." })).toBeVisible();
  await page.getByRole("row").filter({ hasText: email }).getByRole("link", { name: "Delete", exact: true }).click();
  const adminDialog = page.getByRole("alertdialog", { name: `Delete Temp ${tag}` });
  await expect(adminDialog).toBeVisible();
  await adminDialog.getByRole("link", { name: "Cancel" }).click();
  await expect(adminDialog).toHaveCount(0);
  await page.getByRole("row").filter({ hasText: email }).getByRole("link", { name: "Delete", exact: true }).click();
  await page.getByRole("alertdialog", { name: `Delete Temp ${tag}` })
    .getByRole("button", { name: `Delete Temp ${tag}` }).click();
  await expect(page.getByRole("status").filter({ hasText: "Admin deleted." })).toBeVisible();
  await expect(page.getByRole("cell", { name: email })).toHaveCount(0);
});
