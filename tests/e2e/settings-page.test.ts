import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { API_PREFIX } from '../../protocol';
import { useStackWithChromium } from '../support/stack-with-chromium';

const PASSWORD = 'settings-admin-password';

/**
 * The preload's bridge as the page sees it, stood in by a script: sign-in goes to the real stack,
 * profiles and app settings live in the page, and `window.__push` plays main's pushes. The page
 * code under test is the built renderer, unchanged.
 */
function fakeDesktopBridge(apiPrefix: string): void {
  type Listener = (payload: unknown) => void;
  const listeners = new Map<string, Set<Listener>>();
  const calls: unknown[] = [];
  let auth: unknown = null;
  let list = { activeId: 'local', profiles: [{ id: 'local', name: 'Local', mode: 'local' }] as unknown[] };
  let settings = { terminateSessionsOnQuit: false, closeDashboard: 'auto' };
  const record = (call: unknown) => calls.push(call);
  Object.assign(window, {
    __calls: calls,
    __push: (channel: string, payload: unknown) => {
      for (const l of listeners.get(channel) ?? []) l(payload);
    },
    streamspace: {
      kind: 'electron',
      getServer: async () => ({ baseUrl: location.origin, mode: 'local' }),
      getAuth: async () => auth,
      async login(request: unknown) {
        const res = await fetch(`${apiPrefix}/auth/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(request),
        });
        const body = await res.json();
        auth = {
          accessToken: body.accessToken,
          expiresAt: body.accessExpiresAt ?? body.expiresAt,
          user: body.user,
        };
        return auth;
      },
      logout: async () => {
        auth = null;
      },
      getAccessToken: async () => (auth as { accessToken: string } | null)?.accessToken ?? null,
      refreshAccessToken: async () => (auth as { accessToken: string } | null)?.accessToken ?? null,
      openSession: async () => {},
      localStack: {
        getSettings: async () => ({ runtime: 'local' }),
        setSettings: async (s: unknown) => s,
        listKubeContexts: async () => ({ ok: true, contexts: [], current: null }),
      },
      profiles: {
        list: async () => list,
        async add(request: { url: string; name?: string }) {
          record({ add: request });
          const id = 'work-1';
          list = {
            activeId: id,
            profiles: [...list.profiles, { id, name: request.name ?? 'x', mode: 'remote', url: request.url }],
          };
          return list;
        },
        switchTo: async (id: string) => {
          record({ switchTo: id });
          list = { ...list, activeId: id };
          return list;
        },
        remove: async (id: string) => {
          record({ remove: id });
          list = {
            activeId: 'local',
            profiles: list.profiles.filter((p) => (p as { id: string }).id !== id),
          };
          return list;
        },
        getSettings: async () => settings,
        setSettings: async (patch: object) => {
          record({ settings: patch });
          settings = { ...settings, ...patch };
          return settings;
        },
      },
      subscribe: (channel: string, listener: Listener) => {
        const set = listeners.get(channel) ?? new Set<Listener>();
        set.add(listener);
        listeners.set(channel, set);
        return () => set.delete(listener);
      },
    },
  });
}

const calls = (page: Page) => page.evaluate(() => (window as unknown as { __calls: unknown[] }).__calls);

describe('Settings page in Chromium through the desktop bridge', () => {
  const harness = useStackWithChromium({ STREAMSPACE_ADMIN_PASSWORD: PASSWORD });

  it('adds, switches and removes servers, changes the app settings, and signs out on a push', {
    timeout: 60_000,
  }, async () => {
    const { stack, browser } = harness;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(fakeDesktopBridge, API_PREFIX);
    const page = await context.newPage();
    await page.goto(`${stack.url}/#/settings`);
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('settings-profiles').waitFor();
    await page.getByTestId('profile-local').waitFor();

    // Refused in the page, in main's words, before any call.
    await page.getByTestId('settings-server-url').fill('http://ss.example.com');
    await page.getByTestId('settings-server-add').click();
    await page.getByText('use https:// (plain http only for localhost)').waitFor();
    expect(await calls(page)).toEqual([]);

    await page.getByTestId('settings-server-url').fill('https://ss.example.com/');
    await page.getByTestId('settings-server-name').fill('Work');
    await page.getByTestId('settings-server-add').click();
    await page.locator('[data-testid="profile-work-1"][data-active="true"]').waitFor();
    await page.getByTestId('profile-switch-local').click();
    await page.locator('[data-testid="profile-local"][data-active="true"]').waitFor();
    await page.getByTestId('profile-remove-work-1').click();
    await page.getByTestId('profile-work-1').waitFor({ state: 'detached' });

    await page.getByTestId('settings-terminate-on-quit').check();
    await page.getByTestId('settings-close-dashboard').selectOption('quit');
    await expect
      .poll(() => calls(page))
      .toEqual([
        { add: { url: 'https://ss.example.com', name: 'Work' } },
        { switchTo: 'local' },
        { remove: 'work-1' },
        { settings: { terminateSessionsOnQuit: true } },
        { settings: { closeDashboard: 'quit' } },
      ]);

    // A profile changed from the tray shows up without a reload.
    await page.evaluate(() =>
      (window as unknown as { __push: (c: string, p: unknown) => void }).__push('profile:changed', {
        activeId: 'local',
        profiles: [
          { id: 'local', name: 'Local', mode: 'local' },
          { id: 'lab', name: 'Lab', mode: 'remote', url: 'https://lab.example' },
        ],
      }),
    );
    await page.getByTestId('profile-lab').waitFor();

    await page.evaluate(() =>
      (window as unknown as { __push: (c: string, p: unknown) => void }).__push('auth:signed-out', null),
    );
    await page.getByTestId('login-username').waitFor();
    await context.close();
  });
});
