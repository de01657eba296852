import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppController } from './app-controller';
import { credentialAccount, secretVault } from './credentials';
import { connected, setup, teardown, until } from './testing/controller-harness';

afterEach(teardown);

describe('IPC handlers', () => {
  it('answers the renderer: server info once known, auth state, token', async () => {
    const { controller, local } = await setup();
    const handlers = controller.ipcHandlers(() => {});
    const server = handlers['server:get'](undefined);
    await controller.start();
    await expect(server).resolves.toEqual({ baseUrl: local.baseUrl, mode: 'local' });
    await expect(handlers['auth:get'](undefined)).resolves.toMatchObject({ user: { username: 'admin' } });
    const token = await handlers['auth:token'](undefined);
    expect(token).toMatch(/^access-/);
    // A forced refresh gets a new token although the old one has not expired.
    const refreshed = await handlers['auth:refresh'](undefined);
    expect(refreshed).toMatch(/^access-/);
    expect(refreshed).not.toBe(token);
    await controller.shutdown();
  });

  it('tells the renderer why the server is not there yet after a while', async () => {
    const { controller, store } = await setup();
    store.set({ connectionMessage: 'Local stack exited with code 1' });
    await expect(controller.ipcHandlers(() => {})['server:get'](undefined)).rejects.toMatchObject({
      code: 'unavailable',
      message: 'Local stack exited with code 1',
    });
  });

  it('signs out a remote profile without a stored token, and signs in through IPC', async () => {
    const { controller, store, stack, remote, credentials, profiles } = await setup({ active: 'work' });
    await controller.start();
    await until(store, (s) => s.connection === 'signed_out');
    expect(stack.starts).toBe(0);
    const handlers = controller.ipcHandlers(() => {});
    await expect(handlers['auth:get'](undefined)).resolves.toBeNull();
    await expect(handlers['auth:token'](undefined)).resolves.toBeNull();
    await expect(handlers['server:get'](undefined)).resolves.toEqual({
      baseUrl: remote.baseUrl,
      mode: 'remote',
    });

    await expect(handlers['auth:login']({ username: 'alice', password: 'wrong' })).rejects.toMatchObject({
      code: 'unauthorized',
    });
    const auth = await handlers['auth:login']({ username: 'alice', password: 'alice-pw' });
    expect(auth.user.username).toBe('alice');
    const state = await until(store, connected);
    expect(state.templates.map((t) => t.name)).toEqual(['code']);
    const account = credentialAccount('alice', remote.baseUrl);
    expect(await secretVault(credentials).read(account)).toEqual({ refreshToken: 'refresh-1' });
    expect(profiles.get('work')).toMatchObject({ username: 'alice' });
    expect(remote.countRoute('listSessions')).toBeGreaterThan(0);

    await handlers['auth:logout'](undefined);
    await until(store, (s) => s.connection === 'signed_out');
    expect(await credentials.get(account)).toBeNull();
    await controller.shutdown();
  });

  it('routes session:open to the window opener', async () => {
    const { controller } = await setup();
    const open = vi.fn();
    await controller.ipcHandlers(open)['session:open']({ name: 'admin-firefox-1' });
    expect(open).toHaveBeenCalledWith('admin-firefox-1');
  });

  it('saves the local stack settings and restarts the stack on a change only', async () => {
    const { controller, store, stack, profiles } = await setup();
    await controller.start();
    await until(store, connected);
    const handlers = controller.ipcHandlers(() => {});
    expect(await handlers['local-stack:get-settings'](undefined)).toEqual({ runtime: 'local' });
    await handlers['local-stack:set-settings']({ runtime: 'local' });
    expect(stack.stops).toBe(0);

    const kube = { runtime: 'kubernetes', kubeContext: 'kind-streamspace' } as const;
    await expect(handlers['local-stack:set-settings'](kube)).resolves.toEqual(kube);
    expect(profiles.localSettings()).toEqual(kube);
    expect(stack.stops).toBe(1);
    expect(stack.starts).toBe(2);
    await until(store, connected);
    await controller.shutdown();
  });

  it('saves settings without touching a stack the remote profile does not use', async () => {
    const { controller, stack } = await setup({ active: 'work' });
    await controller.start();
    await controller.ipcHandlers(() => {})['local-stack:set-settings']({ runtime: 'kubernetes' });
    expect(stack.starts).toBe(0);
    expect(stack.stops).toBe(0);
  });

  it('lists kube contexts through the adapter, from the saved kubeconfig unless told otherwise', async () => {
    const { controller, profiles, credentials, store, stack } = await setup();
    expect(await controller.ipcHandlers(() => {})['local-stack:kube-contexts']({})).toMatchObject({
      ok: false,
    });
    await profiles.setLocalSettings({ runtime: 'kubernetes', kubeconfig: '/saved' });
    const seen: (string | undefined)[] = [];
    const listing = new AppController({
      profiles,
      credentials,
      store,
      fetch: () => Promise.reject(new Error('offline')),
      createStack: () => stack,
      listKubeContexts: (path) => {
        seen.push(path);
        return { ok: true, contexts: ['a'] };
      },
    }).ipcHandlers(() => {});
    expect(await listing['local-stack:kube-contexts']({})).toEqual({ ok: true, contexts: ['a'] });
    await listing['local-stack:kube-contexts']({ kubeconfig: '/other' });
    expect(seen).toEqual(['/saved', '/other']);
  });
});

describe('sign-in pushes', () => {
  it('reports a new sign-in, and a remote sign-out as null for the page to show the sign-in screen', async () => {
    const { controller, store, hooks } = await setup({ active: 'work' });
    await controller.start();
    await until(store, (s) => s.connection === 'signed_out');
    const handlers = controller.ipcHandlers(() => {});
    const auth = await handlers['auth:login']({ username: 'alice', password: 'alice-pw' });
    expect(hooks.onAuthChanged).toHaveBeenLastCalledWith(auth);
    await handlers['auth:logout'](undefined);
    expect(hooks.onAuthChanged).toHaveBeenLastCalledWith(null);
    await controller.shutdown();
  });

  it('never reports the local profile signed out: it signs itself in again', async () => {
    const { controller, store, hooks } = await setup();
    await controller.start();
    await until(store, connected);
    await controller.ipcHandlers(() => {})['auth:logout'](undefined);
    expect(hooks.onAuthChanged).toHaveBeenCalled();
    expect(hooks.onAuthChanged).not.toHaveBeenCalledWith(null);
    await controller.shutdown();
  });
});
