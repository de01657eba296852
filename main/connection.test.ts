import { afterEach, describe, expect, it, vi } from 'vitest';
import { credentialAccount, secretVault } from './credentials';
import { connected, setup, teardown, until } from './testing/controller-harness';
import { session } from './testing/fixtures';

afterEach(teardown);

describe('Connection (through AppController)', () => {
  it('starts the local stack, signs in as the local admin and fills the tray', async () => {
    const { controller, store, stack, local } = await setup();
    await controller.start();
    const state = await until(store, connected);
    expect(stack.starts).toBe(1);
    expect(state.profile).toEqual({ id: 'local', name: 'Local', mode: 'local' });
    expect(state.templates.map((t) => t.name)).toEqual(['firefox']);
    expect(local.calls[0]?.body).toEqual({ username: 'admin', password: 'local-pw' });
    expect(controller.currentServer()).toEqual({ baseUrl: local.baseUrl, mode: 'local' });
    await controller.shutdown();
    expect(stack.stops).toBe(1);
  });

  it('shows a crashing stack in the tray and reconnects when it is back', async () => {
    const { controller, store, stack, local } = await setup();
    await controller.start();
    await until(store, connected);
    stack.emit({ phase: 'crashed', message: 'Local stack exited with code 3', retryInMs: 1500 });
    expect(store.get()).toMatchObject({
      connection: 'error',
      connectionMessage: 'Local stack exited with code 3; retrying in 2 s',
    });
    stack.emit({ phase: 'starting', attempt: 2 });
    expect(store.get()).toMatchObject({
      connection: 'starting',
      connectionMessage: 'Restarting the local stack (attempt 2)',
    });
    stack.emit({ phase: 'ready', url: local.baseUrl, runtime: 'local' });
    await until(store, connected);
    await controller.shutdown();
  });

  it('follows the stack to a new port and tells the windows', async () => {
    const { controller, store, stack, hooks } = await setup();
    await controller.start();
    await until(store, connected);
    // Nothing listens on port 1: the tray keeps trying, which is all this test needs.
    const moved = 'http://127.0.0.1:1';
    stack.emit({ phase: 'ready', url: moved, runtime: 'local' });
    expect(hooks.onServerMoved).toHaveBeenCalledWith({ baseUrl: moved, mode: 'local' });
    expect(controller.currentServer()?.baseUrl).toBe(moved);
    await controller.shutdown();
  });

  it('resumes a remote profile from the keychain', async () => {
    const { controller, store, remote, credentials, profiles } = await setup({ active: 'work' });
    const pair = (await (
      await remote.fetch(`${remote.baseUrl}${remote.pathOf('login')}`, {
        method: 'POST',
        body: JSON.stringify({ username: 'alice', password: 'alice-pw' }),
      })
    ).json()) as { refreshToken: string };
    // The last start signed alice in: the profile names her, the keychain holds her token.
    const account = credentialAccount('alice', remote.baseUrl);
    await secretVault(credentials).update(account, { refreshToken: pair.refreshToken });
    await profiles.rememberUser('work', 'alice');
    await controller.start();
    const state = await until(store, connected);
    expect(state.templates.map((t) => t.name)).toEqual(['code']);
    expect((await secretVault(credentials).read(account)).refreshToken).not.toBe(pair.refreshToken);
    await controller.shutdown();
  });

  it('switches profiles: stops the stack, clears the lists, and drops late answers of the old one', async () => {
    const { controller, store, stack, hooks, local } = await setup();
    local.sessions = [session('firefox', 'running')];
    await controller.start();
    await until(store, (s) => connected(s) && s.sessions.length === 1);
    local.latencyMs = 50;
    // A resync of the old profile is in flight while the switch happens.
    local.dropEventSockets();
    await new Promise((r) => setTimeout(r, 30));
    await controller.switchProfile('work');
    expect(hooks.onProfileSwitched).toHaveBeenCalledWith(expect.objectContaining({ id: 'work' }));
    expect(stack.stops).toBe(1);
    await until(store, (s) => s.connection === 'signed_out');
    await new Promise((r) => setTimeout(r, 120));
    expect(store.get()).toMatchObject({ profile: { id: 'work' }, sessions: [], connection: 'signed_out' });
    expect(store.get().templates).toEqual([]);

    local.latencyMs = 0;
    await controller.switchProfile('local');
    await until(store, (s) => connected(s) && s.profile.id === 'local');
    expect(stack.starts).toBe(2);
    await controller.shutdown();
  });

  it('signs in again when the server stops accepting a token before it expires', async () => {
    const { controller, store, local } = await setup();
    await controller.start();
    await until(store, connected);
    const logins = local.countRoute('login');
    local.revokeAllRefreshTokens();
    local.revokeAllAccessTokens();
    await vi.waitFor(() => expect(local.countRoute('login')).toBe(logins + 1));
    await until(store, connected);
    await controller.shutdown();
  });
});
