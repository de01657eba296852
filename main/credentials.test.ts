import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type CredentialStore,
  credentialAccount,
  memoryCredentialStore,
  secretVault,
  withFallback,
} from './credentials';
import { CodedError } from './errors';

const onPath = (binary: string) =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, binary)));
const missing = ['dbus-run-session', 'gnome-keyring-daemon'].filter((b) => !onPath(b));

const source = fileURLToPath(new URL('./testing/keyring-check.ts', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));
// Bundled once to plain JS (≈50 ms) instead of starting tsx for every child (≈1 s each). It lives under
// node_modules so the keyring addon, left external, still resolves from there.
const script = join(root, 'node_modules', '.cache', 'streamspace-tests', `keyring-check-${process.pid}.mjs`);

function run(argv: string[], env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(argv[0]!, argv.slice(1), { env, cwd: root, timeout: 20_000 }, (error, stdout, stderr) => {
      const line = stdout.trim().split('\n').at(-1);
      if (!line) {
        reject(new Error(`no output (${error?.message ?? 'exit 0'}): ${stderr}`));
        return;
      }
      resolve(JSON.parse(line) as Record<string, unknown>);
    });
  });
}

describe('memoryCredentialStore', () => {
  it('sets, gets, overwrites and deletes', async () => {
    const store = memoryCredentialStore({ a: '1' });
    expect(await store.get('a')).toBe('1');
    await store.set('a', '2');
    await store.set('b', '3');
    expect(await store.get('a')).toBe('2');
    await store.delete('a');
    await store.delete('a');
    expect(await store.get('a')).toBeNull();
    expect(store.snapshot()).toEqual({ b: '3' });
  });
});

describe('secretVault', () => {
  it('keeps each field of an account and deletes the entry once it is empty', async () => {
    const store = memoryCredentialStore();
    const vault = secretVault(store);
    const account = credentialAccount('admin', 'local');
    expect(account).toBe('admin@local');
    await vault.update(account, { adminPassword: 'pw' });
    await vault.update(account, { refreshToken: 'r1' });
    await vault.update(account, { refreshToken: 'r2' });
    expect(await vault.read(account)).toEqual({ adminPassword: 'pw', refreshToken: 'r2' });
    await vault.update(account, { refreshToken: null });
    expect(JSON.parse(store.snapshot()[account] ?? '')).toEqual({ adminPassword: 'pw' });
    await vault.update(account, { adminPassword: null });
    expect(store.snapshot()).toEqual({});
  });

  it('loses no field when two writers update one account at once', async () => {
    const store = memoryCredentialStore();
    const slow: CredentialStore = {
      get: async (a) => {
        await new Promise((r) => setTimeout(r, 5));
        return store.get(a);
      },
      set: (a, s) => store.set(a, s),
      delete: (a) => store.delete(a),
    };
    // Two separate callers, as the supervisor and the sign-in are: they share the vault of the store.
    await Promise.all([
      secretVault(slow).update('admin@local', { adminPassword: 'pw' }),
      secretVault(slow).update('admin@local', { refreshToken: 'r' }),
    ]);
    expect(await secretVault(slow).read('admin@local')).toEqual({ adminPassword: 'pw', refreshToken: 'r' });
  });

  it('reads a foreign or broken entry as empty and overwrites it', async () => {
    const store = memoryCredentialStore({ 'a@b': 'not json', 'c@d': '{"other":1}' });
    const vault = secretVault(store);
    expect(await vault.read('a@b')).toEqual({});
    expect(await vault.read('c@d')).toEqual({});
    await vault.update('a@b', { refreshToken: 't' });
    expect(await vault.read('a@b')).toEqual({ refreshToken: 't' });
  });
});

describe('withFallback', () => {
  const broken = (code: string): CredentialStore & { calls: number } => {
    const store = {
      calls: 0,
      async get(): Promise<string | null> {
        store.calls += 1;
        throw new CodedError(code, 'no Secret Service');
      },
      async set() {
        store.calls += 1;
        throw new CodedError(code, 'no Secret Service');
      },
      async delete() {
        store.calls += 1;
        throw new CodedError(code, 'no Secret Service');
      },
    };
    return store;
  };

  it('switches to the fallback for good once the keychain is unavailable, and says so once', async () => {
    const primary = broken('keychain_unavailable');
    const fallback = memoryCredentialStore();
    const onFallback = vi.fn();
    const store = withFallback(primary, fallback, onFallback);
    await store.set('a', '1');
    expect(await store.get('a')).toBe('1');
    await store.delete('a');
    expect(fallback.snapshot()).toEqual({});
    expect(primary.calls).toBe(1);
    expect(onFallback).toHaveBeenCalledOnce();
  });

  it('uses the primary while it works and passes other errors through', async () => {
    const primary = memoryCredentialStore({ a: '1' });
    const fallback = memoryCredentialStore({ a: 'fallback' });
    expect(await withFallback(primary, fallback, () => {}).get('a')).toBe('1');
    const failing = withFallback(broken('internal'), fallback, () => {});
    await expect(failing.get('a')).rejects.toMatchObject({ code: 'internal' });
  });
});

describe.skipIf(missing.length > 0)(
  `keyringCredentialStore against gnome-keyring${missing.length ? ` (skipped: ${missing.join(', ')} not on PATH)` : ''}`,
  () => {
    let home: string;
    let env: NodeJS.ProcessEnv;
    beforeAll(async () => {
      await build({
        entryPoints: [source],
        outfile: script,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        logLevel: 'error',
      });
      home = await mkdtemp(join(tmpdir(), 'ss-keyring-'));
      await mkdir(join(home, 'run'), { mode: 0o700 });
      env = {
        PATH: process.env.PATH,
        HOME: home,
        XDG_DATA_HOME: join(home, 'data'),
        XDG_CONFIG_HOME: join(home, 'config'),
        XDG_CACHE_HOME: join(home, 'cache'),
        XDG_RUNTIME_DIR: join(home, 'run'),
      };
    });
    afterAll(async () => {
      await rm(home, { recursive: true, force: true });
      await rm(script, { force: true });
    });

    // Each phase gets a new bus and a new daemon that unlocks the keyring file from the temporary HOME,
    // so reading in the second phase proves the secret was really stored by the Secret Service.
    const inKeyringSession = (phase: string) =>
      run(
        [
          'dbus-run-session',
          '--',
          'sh',
          '-c',
          'printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec node "$0" "$1"',
          script,
          phase,
        ],
        env,
      );

    it('stores, reads and replaces secrets under StreamSpace / <username>@<profile URL>', async () => {
      expect(await inKeyringSession('write')).toEqual({
        phase: 'write',
        local: { adminPassword: 'pä$$wörd with spaces', refreshToken: 'local-refresh' },
        remote: { refreshToken: 'refresh-2' },
        missing: {},
        accounts: ['admin@local', 'alice@https://streamspace.example.com'],
      });
      expect(existsSync(join(home, 'data', 'keyrings', 'login.keyring'))).toBe(true);
    });

    it('reads them back from the keyring file in a new session, and deletes them', async () => {
      expect(await inKeyringSession('read-delete')).toEqual({
        phase: 'read-delete',
        local: { adminPassword: 'pä$$wörd with spaces', refreshToken: 'local-refresh' },
        remote: { refreshToken: 'refresh-2' },
        // The last field gone takes the entry with it; the admin password outlives the sign-in.
        remoteAfterDelete: null,
        localAfterDelete: { adminPassword: 'pä$$wörd with spaces' },
      });
    });

    it('reports a missing Secret Service as keychain_unavailable', async () => {
      const result = await run(['node', script, 'read'], {
        ...env,
        DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(home, 'no-bus')}`,
      });
      expect(result.error).toMatchObject({ code: 'keychain_unavailable' });
      expect(String((result.error as { message: string }).message)).toContain('admin@local');
    });
  },
);
