import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../protocol';
import { launchChromium } from '../support/browser';
import { type StackProcess, startStackProcess } from '../support/stack-process';

const PASSWORD = 'e2e-admin-password';
/** A template of the user's whose program no host has, so it is "not installed" everywhere. */
const GHOST = 'streamspace-surely-not-installed';

const visibleCards = (page: Page) => page.locator('[data-testid^="template-card-"]');
const cardNames = async (page: Page) =>
  (
    await visibleCards(page).evaluateAll((cards) => cards.map((c) => c.getAttribute('data-testid') ?? ''))
  ).map((id) => id.replace('template-card-', ''));

describe('the catalog in Chromium, on the built local stack', () => {
  let stack: StackProcess;
  let browser: Browser;
  let userTemplates: string;

  beforeAll(async () => {
    userTemplates = mkdtempSync(join(tmpdir(), 'ss-e2e-templates-'));
    writeFileSync(
      join(userTemplates, 'ghostapp.yaml'),
      [
        'name: ghostapp',
        'displayName: Ghost App',
        'description: An app this computer does not have.',
        'category: Tools',
        'icon: terminal',
        'defaultResources: {memory: 256Mi, cpu: 250m}',
        `local: {command: [${GHOST}], aptPackage: ghost-app}`,
        '',
      ].join('\n'),
    );
    stack = await startStackProcess({
      STREAMSPACE_ADMIN_PASSWORD: PASSWORD,
      STREAMSPACE_TEMPLATES_DIR: userTemplates,
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(userTemplates, { recursive: true, force: true });
  });

  it('shows ten or more cards with drawn SVG icons, filters them, and marks a missing app', {
    timeout: 180_000,
  }, async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      // A blocked icon would say "Refused to load"; the meta policy's frame-ancestors note is not one.
      if (m.type() === 'error' && /Refused to/i.test(m.text())) cspErrors.push(m.text());
    });
    await page.goto(stack.url);
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('template-card-xfce').waitFor({ timeout: 30_000 });

    // Ten shipped templates and the ghost, each with its icon as an SVG image, loaded, not a letter.
    await page.waitForFunction(
      () =>
        Array.prototype.every.call(
          document.querySelectorAll('.template-head img'),
          (img: HTMLImageElement) => img.complete,
        ),
      undefined,
      { timeout: 30_000 },
    );
    const icons = await visibleCards(page).evaluateAll((cards) =>
      cards.map((card) => {
        const img = card.querySelector<HTMLImageElement>('.template-head img');
        return {
          name: card.getAttribute('data-testid'),
          src: img?.getAttribute('src') ?? '',
          loaded: (img?.complete ?? false) && (img?.naturalWidth ?? 0) > 0,
          letter: card.querySelector('.template-head span.template-icon') !== null,
          title: card.querySelector('h3')?.textContent ?? '',
          category: card.querySelector('.template-category')?.textContent ?? '',
        };
      }),
    );
    expect(icons.length).toBeGreaterThanOrEqual(11);
    for (const icon of icons) {
      expect(icon.src, `${icon.name} icon`).toMatch(/\.svg$|^data:image\/svg\+xml/);
      expect(icon.loaded, `${icon.name} icon loaded`).toBe(true);
      expect(icon.letter, `${icon.name} has no letter icon`).toBe(false);
      expect(icon.title).not.toBe('');
      expect(icon.category).not.toBe('');
    }
    const names = icons.map((i) => (i.name ?? '').replace('template-card-', ''));
    expect(names).toEqual(
      expect.arrayContaining([
        'xfce',
        'libreoffice',
        'gimp',
        'inkscape',
        'mousepad',
        'thunar',
        'xterm',
        'firefox',
      ]),
    );
    await page.screenshot({ path: 'test-results/e2e-catalog.png', fullPage: true }).catch(() => {});

    // Search: words match names, titles, descriptions and tags.
    await page.locator('#catalog-search').fill('gimp');
    expect(await cardNames(page)).toEqual(['gimp']);
    await page.locator('#catalog-search').fill('vector');
    expect(await cardNames(page)).toEqual(['inkscape']);
    await page.locator('#catalog-search').fill('');

    // Category: only that category's cards, and search narrows within it.
    await page.locator('#catalog-category').selectOption('Graphics');
    expect((await cardNames(page)).sort()).toEqual(['gimp', 'inkscape']);
    await page.locator('#catalog-search').fill('photo');
    expect(await cardNames(page)).toEqual(['gimp']);
    await page.locator('#catalog-search').fill('');
    await page.locator('#catalog-category').selectOption('Desktops');
    expect(await cardNames(page)).toEqual(['xfce']);
    await page.locator('#catalog-category').selectOption('');
    expect((await cardNames(page)).length).toBe(icons.length);

    // The missing program: marked, with the package to install, and its Launch does nothing.
    const ghost = page.getByTestId('template-card-ghostapp');
    await expect(ghost.getByTestId('not-installed-ghostapp').textContent()).resolves.toContain(
      'Install with: sudo apt install ghost-app',
    );
    expect(await ghost.textContent()).toMatch(/not installed/i);
    const launch = page.getByTestId('launch-ghostapp');
    expect(await launch.getAttribute('aria-disabled')).toBe('true');
    // Playwright counts aria-disabled as not enabled; the click must still reach the handler and be ignored.
    await launch.click({ force: true });
    expect(await launch.textContent()).toBe('Launch');
    // xterm is installed here, so its card carries no such note and can launch.
    expect(await page.getByTestId('not-installed-xterm').count()).toBe(0);
    expect(await page.getByTestId('launch-xterm').getAttribute('aria-disabled')).toBe('false');

    // Nor does the API start it: the launch is refused up front, naming the package.
    const { accessToken } = await createApiClient({ baseUrl: stack.url }).login({
      body: { username: 'admin', password: PASSWORD },
    });
    const api = createApiClient({ baseUrl: stack.url, token: () => accessToken });
    await expect(api.createSession({ body: { template: 'ghostapp' } })).rejects.toThrow(
      /sudo apt install ghost-app/,
    );
    expect((await api.listSessions()).sessions.filter((s) => s.template === 'ghostapp')).toEqual([]);
    expect(cspErrors).toEqual([]);
    await context.close();
  });
});
