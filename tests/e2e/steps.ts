import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';

/** Fills the sign-in form on the page as it stands and submits it. */
export async function submitSignIn(page: Page, password: string, username = 'admin'): Promise<void> {
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** Opens the app at `url` and signs in. */
export async function signIn(page: Page, url: string, password: string, username = 'admin'): Promise<void> {
  await page.goto(url);
  await submitSignIn(page, password, username);
}

/** A fresh context and page at the given viewport size. */
export async function newPage(
  browser: Browser,
  viewport: { width: number; height: number },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  return { context, page: await context.newPage() };
}

/** The name of the user's session whose row the dashboard shows first for `template`. */
export async function newRowName(page: Page, template = 'xterm', user = 'admin'): Promise<string> {
  const row = page.locator(`[data-testid^="session-row-${user}-${template}-"]`);
  await row.waitFor();
  return ((await row.getAttribute('data-testid')) ?? '').replace('session-row-', '');
}

/** Waits until the dashboard's row for `name` shows `state`. */
export const rowInState = (page: Page, name: string, state: string, timeout: number) =>
  page.locator(`[data-testid="session-row-${name}"][data-state="${state}"]`).waitFor({ timeout });

/** Clicks the template's Launch on the dashboard and waits for the new session's row to run. */
export async function launchFromDashboard(page: Page, timeout = 60_000, template = 'xterm'): Promise<string> {
  await page.getByTestId(`launch-${template}`).click();
  const name = await newRowName(page, template);
  await rowInState(page, name, 'running', timeout);
  return name;
}

/** Waits until the viewer's status is `status`. */
export const viewerStatusIs = (viewer: Page, status: string, timeout = 30_000) =>
  viewer.locator(`[data-testid="viewer-status"][data-status="${status}"]`).waitFor({ timeout });

/** Opens the session's viewer from its dashboard row: a window of its own. */
export async function openViewerFromRow(context: BrowserContext, page: Page, name: string): Promise<Page> {
  const [viewer] = await Promise.all([
    context.waitForEvent('page'),
    page.getByTestId(`open-${name}`).click(),
  ]);
  return viewer;
}

/** Opens the session's viewer from its dashboard row and waits until it is connected. */
export async function openConnectedViewer(
  context: BrowserContext,
  page: Page,
  name: string,
  timeout = 30_000,
): Promise<Page> {
  const viewer = await openViewerFromRow(context, page, name);
  await viewerStatusIs(viewer, 'connected', timeout);
  return viewer;
}

/** Picks a file in a Files panel's upload input and waits until its upload is done. */
export async function uploadWithPicker(
  panel: Locator,
  name: string,
  buffer: Buffer,
  timeout = 60_000,
): Promise<void> {
  await panel
    .getByTestId('files-upload-input')
    .setInputFiles({ name, mimeType: 'application/octet-stream', buffer });
  await panel.locator('[data-testid="upload-item"][data-status="done"]').waitFor({ timeout });
}
