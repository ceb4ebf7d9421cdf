// Shared steps for the browser tests.
import { expect, type Page } from "@playwright/test";

export const ADMIN_EMAIL = process.env.PORTICO_E2E_ADMIN_EMAIL ?? "admin@example.com";
export const ADMIN_PASSWORD = process.env.PORTICO_E2E_ADMIN_PASSWORD ?? "correct horse battery staple";

/** Opens `path` and, when JavaScript runs, waits until the wasm app has hydrated the page. */
export async function open(page: Page, path: string, javaScriptEnabled: boolean) {
  await page.goto(path);
  if (javaScriptEnabled) {
    await expect(page.locator("body[data-hydrated]")).toHaveCount(1, { timeout: 15_000 });
  }
}

export async function logIn(page: Page, email: string, password: string, javaScriptEnabled: boolean) {
  await open(page, "/login", javaScriptEnabled);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}
