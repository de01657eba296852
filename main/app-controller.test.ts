import { describe, expect, it, vi } from 'vitest';
import { AppController, initialTrayState, type StackLike } from './app-controller';
import { LOCAL_ADMIN_PASSWORD_ACCOUNT, memoryCredentialStore } from './credentials';
import { createProfileStore } from './profiles';
import type { StackState } from './stack-supervisor';
import { FakeControlPlane } from './testing/fake-control-plane';
import { session, template } from './testing/fixtures';
import type { TrayState } from './tray-menu';
import { createStore, type Store } from './tray-store';

class FakeStack implements StackLike {
  state: StackState = { phase: 'stopped' };
  starts = 0;
  stops = 0;
  private readonly listeners = new Set<(s: StackState) => void>();
  constructor(private readonly url: string) {}
  async start() {
    this.starts += 1;
    this.emit({ phase: 'starting', attempt: 1 });
    setTimeout(() => this.emit({ phase: 'ready', url: this.url, runtime: 'local' }), 5);
  }
  async stop() {
    this.stops += 1;
    this.emit({ phase: 'stopping' });
    this.emit({ phase: 'stopped' });
  }
  getState() {
    return this.state;
  }
  subscribe(listener: (s: StackState) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(state: StackState) {
    this.state = state;
    for (const l of [...this.listeners]) l(state);
  }
}

const LOCAL_URL = 'http://127.0.0.1:4300';
const REMOTE_URL = 'https://ss.example.com';

async function setup(options: { active?: 'local' | 'work'; secrets?: Record<string, string> } = {}) {
  const local = new FakeControlPlane(LOCAL_URL);
  local.users.set('admin', 'local-pw');
  local.templates = [template('firefox')];
  const remote = new FakeControlPlane(REMOTE_URL);
  remote.users.set('alice', 'alice-pw');
  remote.templates = [template('code')];
  const fetch = (url: string, init?: RequestInit) =>
    url.startsWith(LOCAL_URL) ? local.fetch(url, init) : remote.fetch(url, init);

  let file: unknown;
  const profiles = await createProfileStore({
    read: async () => file,
    write: async (v) => {
      file = v;
    },
    newId: () => 'work',
  });
  await profiles.add({ name: 'Work', url: REMOTE_URL });
  if (options.active === 'work') await profiles.setActive('work');

  const credentials = memoryCredentialStore({
    [LOCAL_ADMIN_PASSWORD_ACCOUNT]: 'local-pw',
    ...options.secrets,
  });
  const store = createStore<TrayState>(initialTrayState(profiles));
  const stack = new FakeStack(LOCAL_URL);
  const hooks = {
    onProfileSwitched: vi.fn(),
    onServerMoved: vi.fn(),
    onSessionLaunched: vi.fn(),
    notify: vi.fn(),
  };
  const controller = new AppController({
    profiles,
    credentials,
    fetch,
    store,
    createStack: () => stack,
    pollIntervalMs: 20,
    serverWaitMs: 300,
    ...hooks,
  });
  return { controller, store, stack, local, remote, credentials, profiles, hooks };
}

function until<T extends object>(
  store: Store<T>,
  predicate: (s: T) => boolean,
  timeoutMs = 2_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    if (predicate(store.get())) {
      resolve(store.get());
      return;
    }
    const timer = setTimeout(
      () => reject(new Error(`timed out in ${JSON.stringify(store.get())}`)),
      timeoutMs,
    );
    const off = store.subscribe((s) => {
      if (!predicate(s)) return;
      clearTimeout(timer);
      off();
      resolve(s);
    });
  });
}

const connected = (s: TrayState) => s.connection === 'connected';

describe('AppController', () => {
  it('starts the local stack, signs in as the local admin and fills the tray', async () => {
    const { controller, store, stack, local } = await setup();
    await controller.start();
    const state = await until(store, connected);
    expect(stack.starts).toBe(1);
    expect(state.profile).toEqual({ id: 'local', name: 'Local', mode: 'local' });
    expect(state.templates.map((t) => t.name)).toEqual(['firefox']);
    expect(local.calls[0]?.body).toEqual({ username: 'admin', password: 'local-pw' });
    expect(controller.currentServer()).toEqual({ baseUrl: LOCAL_URL, mode: 'local' });
    await controller.shutdown();
    expect(stack.stops).toBe(1);
  });

  it('answers the renderer: server info once known, auth state, token', async () => {
    const { controller } = await setup();
    const handlers = controller.ipcHandlers(() => {});
    const server = handlers['server:get'](undefined);
    await controller.start();
    await expect(server).resolves.toEqual({ baseUrl: LOCAL_URL, mode: 'local' });
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

  it('shows a crashing stack in the tray and reconnects when it is back', async () => {
    const { controller, store, stack } = await setup();
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
    stack.emit({ phase: 'ready', url: LOCAL_URL, runtime: 'local' });
    await until(store, connected);
    await controller.shutdown();
  });

  it('follows the stack to a new port and tells the windows', async () => {
    const { controller, store, stack, hooks } = await setup();
    await controller.start();
    await until(store, connected);
    const moved = 'http://127.0.0.1:4301';
    stack.emit({ phase: 'ready', url: moved, runtime: 'local' });
    expect(hooks.onServerMoved).toHaveBeenCalledWith({ baseUrl: moved, mode: 'local' });
    expect(controller.currentServer()?.baseUrl).toBe(moved);
    await controller.shutdown();
  });

  it('signs out a remote profile without a stored token, and signs in through IPC', async () => {
    const { controller, store, stack, remote, credentials } = await setup({ active: 'work' });
    await controller.start();
    await until(store, (s) => s.connection === 'signed_out');
    expect(stack.starts).toBe(0);
    const handlers = controller.ipcHandlers(() => {});
    await expect(handlers['auth:get'](undefined)).resolves.toBeNull();
    await expect(handlers['auth:token'](undefined)).resolves.toBeNull();
    await expect(handlers['server:get'](undefined)).resolves.toEqual({ baseUrl: REMOTE_URL, mode: 'remote' });

    await expect(handlers['auth:login']({ username: 'alice', password: 'wrong' })).rejects.toMatchObject({
      code: 'unauthorized',
    });
    const auth = await handlers['auth:login']({ username: 'alice', password: 'alice-pw' });
    expect(auth.user.username).toBe('alice');
    const state = await until(store, connected);
    expect(state.templates.map((t) => t.name)).toEqual(['code']);
    expect(await credentials.get('refresh-token:work')).toBe('refresh-1');
    expect(remote.calls.some((c) => c.path === '/api/v1/sessions')).toBe(true);

    await handlers['auth:logout'](undefined);
    await until(store, (s) => s.connection === 'signed_out');
    expect(await credentials.get('refresh-token:work')).toBeNull();
    await controller.shutdown();
  });

  it('resumes a remote profile from the keychain', async () => {
    const { controller, store, remote, credentials } = await setup({ active: 'work' });
    const pair = (await (
      await remote.fetch(`${REMOTE_URL}/api/v1/auth/login`, {
        method: 'POST',
        body: JSON.stringify({ username: 'alice', password: 'alice-pw' }),
      })
    ).json()) as { refreshToken: string };
    await credentials.set('refresh-token:work', pair.refreshToken);
    await controller.start();
    const state = await until(store, connected);
    expect(state.templates.map((t) => t.name)).toEqual(['code']);
    expect(await credentials.get('refresh-token:work')).not.toBe(pair.refreshToken);
    await controller.shutdown();
  });

  it('switches profiles: stops the stack, clears the lists, and drops late answers of the old one', async () => {
    const { controller, store, stack, hooks, local } = await setup();
    local.sessions = [session('firefox', 'running')];
    await controller.start();
    await until(store, (s) => connected(s) && s.sessions.length === 1);
    local.latencyMs = 50;
    await controller.switchProfile('work');
    expect(hooks.onProfileSwitched).toHaveBeenCalledWith(expect.objectContaining({ id: 'work' }));
    expect(stack.stops).toBe(1);
    await until(store, (s) => s.connection === 'signed_out');
    await new Promise((r) => setTimeout(r, 120));
    expect(store.get()).toMatchObject({ profile: { id: 'work' }, sessions: [], connection: 'signed_out' });
    expect(store.get().templates).toEqual([]);

    await controller.switchProfile('local');
    await until(store, (s) => connected(s) && s.profile.id === 'local');
    expect(stack.starts).toBe(2);
    await controller.shutdown();
  });

  it('runs tray actions against the backend and refreshes the tray', async () => {
    const { controller, store, local, hooks } = await setup();
    await controller.start();
    await until(store, connected);
    const actions = controller.sessionActions();
    actions.launch('firefox');
    const launched = await until(store, (s) => s.sessions.length === 1);
    expect(hooks.onSessionLaunched).toHaveBeenCalledWith(expect.objectContaining({ template: 'firefox' }));
    const name = launched.sessions[0]!.name;
    local.sessions[0]!.state = 'running';
    await until(store, (s) => s.sessions[0]?.state === 'running');
    actions.hibernate(name);
    await until(store, (s) => s.sessions[0]?.state === 'hibernating');
    actions.hibernate(name);
    await vi.waitFor(() =>
      expect(hooks.notify).toHaveBeenCalledWith('Could not hibernate the session', 'Session is hibernating'),
    );
    actions.terminate(name);
    await until(store, (s) => s.sessions[0]?.state === 'terminating');
    await controller.shutdown();
  });

  it('signs in again when the server stops accepting a token before it expires', async () => {
    const { controller, store, local } = await setup();
    await controller.start();
    await until(store, connected);
    const logins = local.countCalls('POST', '/api/v1/auth/login');
    local.revokeAllRefreshTokens();
    local.revokeAllAccessTokens();
    await vi.waitFor(() => expect(local.countCalls('POST', '/api/v1/auth/login')).toBe(logins + 1));
    await until(store, connected);
    await controller.shutdown();
  });

  it('reports an unreachable server and keeps the last lists', async () => {
    const { controller, store, local } = await setup();
    local.sessions = [session('firefox', 'running')];
    await controller.start();
    await until(store, (s) => connected(s) && s.sessions.length === 1);
    local.offline = true;
    const state = await until(store, (s) => s.connection === 'error');
    expect(state.connectionMessage).toContain(`Cannot reach ${LOCAL_URL}`);
    expect(state.sessions).toHaveLength(1);
    local.offline = false;
    await until(store, connected);
    await controller.shutdown();
  });

  it('routes session:open to the window opener', async () => {
    const { controller } = await setup();
    const open = vi.fn();
    await controller.ipcHandlers(open)['session:open']({ name: 'admin-firefox-1' });
    expect(open).toHaveBeenCalledWith('admin-firefox-1');
  });
});
