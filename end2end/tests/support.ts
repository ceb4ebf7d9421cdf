// Shared steps for the browser tests.
import { test as base, expect, type Page } from "@playwright/test";

/** Every test fails when the page logs an error or throws (a CSP violation, a hydration panic). */
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      // A server function's refusal (401, 422 …) is an answer the page shows, not a fault.
      const expectedRefusal = /Failed to load resource: the server responded with a status of (401|403|409|422|429)/;
      page.on("console", (m) => {
        if (m.type() === "error" && !expectedRefusal.test(m.text())) errors.push(m.text());
      });
      page.on("pageerror", (e) => errors.push(String(e)));
      // Every page carries the shell's nonce policy; the middleware's fallback is for non-pages.
      page.on("response", (r) => {
        if (r.request().resourceType() !== "document" || r.status() >= 300) return;
        const csp = r.headers()["content-security-policy"] ?? "";
        if (!csp.includes("'nonce-")) errors.push(`page without the shell's CSP: ${r.request().method()} ${r.status()} ${r.url()} from ${r.request().redirectedFrom()?.url()} (${csp})`);
      });
      await use(errors);
      expect(errors, "browser console errors").toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

export const ADMIN_EMAIL = process.env.PORTICO_E2E_ADMIN_EMAIL ?? "admin@example.com";
export const ADMIN_PASSWORD = process.env.PORTICO_E2E_ADMIN_PASSWORD ?? "correct horse battery staple";

/** Opens `path` and, when JavaScript runs, waits until the wasm app has hydrated the page. */
export async function open(page: Page, path: string, javaScriptEnabled: boolean) {
  await page.goto(path);
  if (javaScriptEnabled) {
    await expect(page.locator("body[data-hydrated]")).toHaveCount(1, { timeout: 15_000 });
  }
}

/**
 * Opens the users page with its "Add user" dialog open from the URL (`?add=1`). Hydrated, it
 * waits until the dialog is modal: the dialog sits in a Suspense whose effects run after the
 * page says it is hydrated, and a form filled and submitted before that can be lost (a CI run
 * saw Save leave no user and no notice).
 */
export async function openAddUser(page: Page, javaScriptEnabled: boolean) {
  await open(page, "/admin/users?add=1", javaScriptEnabled);
  if (javaScriptEnabled) {
    await expect(page.locator("dialog:modal")).toHaveCount(1, { timeout: 15_000 });
  }
  return page.getByRole("dialog", { name: "Add user" });
}

export async function logIn(page: Page, email: string, password: string, javaScriptEnabled: boolean) {
  await open(page, "/login", javaScriptEnabled);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}
