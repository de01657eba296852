import { vi } from 'vitest';
import { AppController, initialTrayState, type StackLike } from '../app-controller';
import { createAppSettings } from '../app-settings';
import { accountEntry, LOCAL_ADMIN_ACCOUNT, memoryCredentialStore } from '../credentials';
import { createProfileStore } from '../profiles';
import type { StackState } from '../stack-supervisor';
import type { TrayState } from '../tray-menu';
import { createStore } from '../tray-store';
import { FakeControlPlane } from './fake-control-plane';
import { template } from './fixtures';

/** The local stack as the controller sees it: starting, then ready on the fake control plane's URL. */
export class FakeStack implements StackLike {
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

const running = new Set<{ close(): Promise<void> }>();

/** Closes what every setup() since the last call started; call it from afterEach. */
export async function teardown(): Promise<void> {
  // Controllers first, then their servers: a server closing under a live feed would only reconnect.
  const all = [...running].reverse();
  running.clear();
  for (const r of all) await r.close();
}

/**
 * An AppController on a local profile (a fake stack in front of one fake control plane) and a
 * remote "Work" profile on another, both with a real /events socket.
 */
export async function setup(options: { active?: 'local' | 'work'; secrets?: Record<string, string> } = {}) {
  const local = new FakeControlPlane();
  const remote = new FakeControlPlane();
  running.add(local);
  running.add(remote);
  await Promise.all([local.listen(), remote.listen()]);
  local.users.set('admin', 'local-pw');
  local.templates = [template('firefox')];
  remote.users.set('alice', 'alice-pw');
  remote.templates = [template('code')];
  const fetch = (url: string, init?: RequestInit) =>
    url.startsWith(`${local.baseUrl}/`) ? local.fetch(url, init) : remote.fetch(url, init);

  let file: unknown;
  const profiles = await createProfileStore({
    read: async () => file,
    write: async (v) => {
      file = v;
    },
    newId: () => 'work',
  });
  await profiles.add({ name: 'Work', url: remote.baseUrl });
  if (options.active === 'work') await profiles.setActive('work');

  const credentials = memoryCredentialStore({
    ...accountEntry(LOCAL_ADMIN_ACCOUNT, { adminPassword: 'local-pw' }),
    ...options.secrets,
  });
  const store = createStore<TrayState>(initialTrayState(profiles));
  const stack = new FakeStack(local.baseUrl);
  const hooks = {
    onProfileSwitched: vi.fn(),
    onServerMoved: vi.fn(),
    onSessionLaunched: vi.fn(),
    notify: vi.fn(),
    onAuthChanged: vi.fn(),
    onProfilesChanged: vi.fn(),
  };
  let settingsFile: unknown;
  const appSettings = await createAppSettings({
    read: async () => settingsFile,
    write: async (v) => {
      settingsFile = v;
    },
  });
  const controller = new AppController({
    profiles,
    credentials,
    fetch,
    store,
    createStack: () => stack,
    eventsBackoff: { initialMs: 10, maxMs: 40 },
    serverWaitMs: 300,
    appSettings,
    ...hooks,
  });
  running.add({ close: () => controller.shutdown() });
  return { controller, store, stack, local, remote, credentials, profiles, hooks, appSettings };
}

/** What until() watches: a Store, or anything else whose state can be read and subscribed to. */
export interface Watched<T> {
  get(): T;
  subscribe(listener: (state: T) => void): () => void;
}

/** The first state, now or later, that `predicate` accepts; rejects with the last one after `timeoutMs`. */
export function until<T>(store: Watched<T>, predicate: (s: T) => boolean, timeoutMs = 2_000): Promise<T> {
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

export const connected = (s: TrayState) => s.connection === 'connected';
