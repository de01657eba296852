import { vi } from 'vitest';
import { AuthSession, type RenewalTimers } from '../auth-session';
import { accountEntry, LOCAL_ADMIN_ACCOUNT, memoryCredentialStore } from '../credentials';
import { FakeControlPlane } from './fake-control-plane';

export const BASE = 'http://127.0.0.1:4100';
/** The refresh token's keychain account on the remote profile: `<username>@<profile URL>`. */
export const ACCOUNT = `admin@${BASE}`;
export const stored = (refreshToken: string) => accountEntry(ACCOUNT, { refreshToken });
export const localAdmin = (adminPassword: string) => accountEntry(LOCAL_ADMIN_ACCOUNT, { adminPassword });

/** Timers the test fires by hand, next to the fake clock. */
export function manualTimers() {
  const pending = new Map<number, { callback: () => void; ms: number }>();
  let ids = 0;
  const timers: RenewalTimers = {
    setTimeout: (callback, ms) => {
      ids += 1;
      pending.set(ids, { callback, ms });
      return ids;
    },
    clearTimeout: (handle) => {
      pending.delete(handle as number);
    },
  };
  const delays = () => [...pending.values()].map((t) => t.ms);
  /** Runs every pending timer once, as if their time had come. */
  const fire = async () => {
    const due = [...pending.entries()];
    for (const [id] of due) pending.delete(id);
    for (const [, t] of due) t.callback();
    await new Promise((r) => setTimeout(r, 10));
  };
  return { timers, delays, fire };
}

export function setup(
  mode: 'local' | 'remote' = 'remote',
  secrets: Record<string, string> = {},
  extra: { lastUsername?: string; timers?: RenewalTimers; onSignInLost?: () => void } = {
    lastUsername: 'admin',
  },
) {
  let now = Date.UTC(2025, 0, 1);
  const clock = {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
  const server = new FakeControlPlane(BASE, clock.now);
  const credentials = memoryCredentialStore(secrets);
  const warn = vi.fn();
  const onSignedIn = vi.fn();
  const auth = new AuthSession({
    fetch: server.fetch,
    baseUrl: BASE,
    profile: { id: mode === 'local' ? 'local' : 'work', mode, url: BASE },
    credentials,
    now: clock.now,
    log: { warn },
    onSignedIn,
    ...extra,
  });
  return { server, credentials, auth, clock, warn, onSignedIn };
}
