import { randomBytes, randomUUID, scryptSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Database, openDatabase } from '../db/client';
import { refreshTokens, users } from '../db/schema';
import { appPaths, findAppRoot } from '../paths';
import { BackoffLimiter } from './rate-limit';
import { hashSecret } from './secrets';
import { AuthService, REFRESH_TOKEN_TTL_MS } from './service';
import { AccessTokens } from './tokens';

const { migrationsDir } = appPaths(findAppRoot(fileURLToPath(new URL('.', import.meta.url))));

const client = { ip: '10.0.0.1', directLoopback: false };

function legacyHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  return `scrypt$32768$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
}

describe('AuthService', () => {
  let database: Database;
  let dataDir: string;
  let auth: AuthService;

  const storedHash = async (username: string) =>
    (await database.db.select().from(users).where(eq(users.username, username)))[0]?.passwordHash;
  const refreshRow = async (token: string) =>
    (
      await database.db
        .select()
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, hashSecret(token)))
    )[0];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ss-auth-'));
    database = await openDatabase({ dataDir, migrationsDir, inMemory: true });
    auth = new AuthService(
      database.db,
      new AccessTokens('auth-service-test-secret'),
      {
        perIp: new BackoffLimiter({ freeFailures: 100, maxDelayMs: 1000 }),
        perUser: new BackoffLimiter({ freeFailures: 100, maxDelayMs: 1000 }),
      },
      pino({ level: 'silent' }),
    );
  });
  afterAll(async () => {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('upgrades an old-cost hash at the next successful sign-in, and only then', async () => {
    const old = legacyHash('old-cost-password');
    await database.db
      .insert(users)
      .values({ id: randomUUID(), username: 'legacy', passwordHash: old, role: 'user' });

    await expect(auth.login('legacy', 'wrong-password', client)).rejects.toMatchObject({ status: 401 });
    expect(await storedHash('legacy')).toBe(old);

    const pair = await auth.login('legacy', 'old-cost-password', client);
    expect(pair.user.username).toBe('legacy');
    const upgraded = await storedHash('legacy');
    expect(upgraded).toMatch(/^scrypt\$131072\$8\$1\$/);

    // The new hash takes the same password, and a further sign-in leaves it alone.
    await auth.login('legacy', 'old-cost-password', client);
    expect(await storedHash('legacy')).toBe(upgraded);
  });

  it('keeps the admin password configured at start in step, upgrading an old-cost hash', async () => {
    await auth.ensureAdmin('admin-password-1');
    await database.db
      .update(users)
      .set({ passwordHash: legacyHash('admin-password-1') })
      .where(eq(users.username, 'admin'));
    expect(await auth.ensureAdmin('admin-password-1')).toEqual({ created: false });
    expect(await storedHash('admin')).toMatch(/^scrypt\$131072\$/);
  });

  it('gives a rotated refresh token the expiry of the sign-in, not a fresh 30 days', async () => {
    await auth.createUser('rotator', 'rotator-password-1', 'user');
    const before = Date.now();
    const first = await auth.login('rotator', 'rotator-password-1', client);
    const firstRow = await refreshRow(first.refreshToken);
    const deadline = firstRow?.expiresAt.getTime() ?? 0;
    expect(deadline).toBeGreaterThanOrEqual(before + REFRESH_TOKEN_TTL_MS);
    expect(deadline).toBeLessThanOrEqual(Date.now() + REFRESH_TOKEN_TTL_MS);

    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await auth.refresh(first.refreshToken);
    const third = await auth.refresh(second.refreshToken);
    expect((await refreshRow(second.refreshToken))?.expiresAt.getTime()).toBe(deadline);
    expect((await refreshRow(third.refreshToken))?.expiresAt.getTime()).toBe(deadline);

    // Once the sign-in's deadline passes, refreshing ends however recently it last happened.
    await database.db
      .update(refreshTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(refreshTokens.tokenHash, hashSecret(third.refreshToken)));
    await expect(auth.refresh(third.refreshToken)).rejects.toMatchObject({ status: 401 });

    // A new sign-in starts a new 30 days.
    const fresh = await auth.login('rotator', 'rotator-password-1', client);
    expect((await refreshRow(fresh.refreshToken))?.expiresAt.getTime()).toBeGreaterThan(deadline);
  });

  describe('the user behind a token, cached between writes', () => {
    const signedIn = async (username: string) => {
      await auth.createUser(username, `${username}-password-1`, 'user');
      return auth.login(username, `${username}-password-1`, client);
    };

    it('reads the user once, then answers from memory', async () => {
      const { accessToken } = await signedIn('cached');
      expect((await auth.authenticate(accessToken))?.username).toBe('cached');
      const select = vi.spyOn(database.db, 'select');
      try {
        for (let i = 0; i < 3; i++) expect((await auth.authenticate(accessToken))?.username).toBe('cached');
        expect(select).not.toHaveBeenCalled();
      } finally {
        select.mockRestore();
      }
    });

    it('shows a role change to the very next request on the same token', async () => {
      const pair = await signedIn('promoted');
      expect((await auth.authenticate(pair.accessToken))?.role).toBe('user');
      await auth.updateUser(pair.user.id, { role: 'admin' });
      expect((await auth.authenticate(pair.accessToken))?.role).toBe('admin');
      await auth.updateUser(pair.user.id, { role: 'user' });
      expect((await auth.authenticate(pair.accessToken))?.role).toBe('user');
    });

    it('refuses the old token at once after a password change, and takes a new sign-in', async () => {
      const pair = await signedIn('rekeyed');
      expect(await auth.authenticate(pair.accessToken)).not.toBeNull();
      await auth.updateUser(pair.user.id, { password: 'rekeyed-password-2' });
      expect(await auth.authenticate(pair.accessToken)).toBeNull();
      const again = await auth.login('rekeyed', 'rekeyed-password-2', client);
      const row = await auth.authenticate(again.accessToken);
      expect(row?.passwordHash).toBe(await storedHash('rekeyed'));
    });

    it('refuses the token of a sign-in that logged out, at once', async () => {
      const pair = await signedIn('leaver');
      expect(await auth.authenticate(pair.accessToken)).not.toBeNull();
      await auth.logout(pair.refreshToken);
      expect(await auth.authenticate(pair.accessToken)).toBeNull();
    });

    it('hands out a row no caller can change for the others', async () => {
      const { accessToken } = await signedIn('frozen');
      const row = await auth.authenticate(accessToken);
      expect(() => {
        if (row) Object.assign(row, { role: 'admin' });
      }).toThrow(TypeError);
      expect((await auth.authenticate(accessToken))?.role).toBe('user');
    });
  });
});
