import { afterEach, describe, expect, it } from 'vitest';
import { apiPath, routes } from '../../protocol';
import { ADMIN_PASSWORD } from '../support/backend';
import { type BareBackend, rawRequest, startBareBackend } from '../support/bare-backend';

let b: BareBackend | undefined;
afterEach(async () => {
  await b?.close();
  b = undefined;
});

async function login(
  port: number,
  username: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; retryAfter: number }> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ username, password }),
  });
  await res.arrayBuffer();
  return { status: res.status, retryAfter: Number(res.headers.get('retry-after') ?? 0) };
}

/**
 * Statuses of `n` wrong-password logins sent at once. The limiter counts an attempt before it
 * hashes, so a burst gets exactly the allowance through, as the same attempts one by one would;
 * at once, only the allowed ones cost a (slow, on purpose) password hash in turn.
 */
function hammer(
  port: number,
  n: number,
  each: (i: number) => { username: string; headers?: Record<string, string> },
): Promise<number[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const { username, headers } = each(i);
      return (await login(port, username, `wrong-${i}`, headers)).status;
    }),
  );
}

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Every allowed failure costs a full scrypt hash, slow on purpose and slower on a busy machine.
const slow = { timeout: 120_000 };

describe('login limiter with the default settings (no trusted proxy)', slow, () => {
  it('ignores X-Forwarded-For: 50 failures from 50 claimed addresses are still one address', async () => {
    b = await startBareBackend();
    const port = b.port;
    const statuses = await hammer(port, 50, (i) => ({
      username: `nobody-${i}`,
      headers: { 'X-Forwarded-For': `198.51.100.${i + 1}` },
    }));
    expect(count(statuses, 401)).toBe(20);
    expect(count(statuses, 429)).toBe(30);
  });

  it('delays one username after five failures, with a growing Retry-After, never a lock', async () => {
    b = await startBareBackend();
    const statuses = await hammer(b.port, 6, (i) => ({
      username: 'admin',
      headers: { 'X-Forwarded-For': `203.0.113.${i + 1}` },
    }));
    expect(count(statuses, 401)).toBe(5);
    expect(count(statuses, 429)).toBe(1);
    const limited = await login(b.port, 'admin', ADMIN_PASSWORD);
    expect(limited).toEqual({ status: 429, retryAfter: 1 });
    await sleep(1100);
    expect((await login(b.port, 'admin', 'wrong')).status).toBe(401);
    expect((await login(b.port, 'admin', ADMIN_PASSWORD)).retryAfter).toBe(2);
    await sleep(2100);
    // The owner gets in once the wait passes; nobody can lock the account for good.
    expect((await login(b.port, 'admin', ADMIN_PASSWORD)).status).toBe(200);
  });

  it('counts parallel guesses before hashing, so a burst cannot slip past the allowance', async () => {
    b = await startBareBackend();
    const port = b.port;
    const statuses = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => (await login(port, 'carol', `wrong-${i}`)).status),
    );
    expect(count(statuses, 401)).toBe(5);
    expect(count(statuses, 429)).toBe(15);
  });

  it('answers a body that is not application/json with 415 before it counts as a login', async () => {
    b = await startBareBackend();
    const body = JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD });
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const res = await rawRequest(b.port, {
        method: 'POST',
        path: apiPath(routes.login),
        headers: { Host: `127.0.0.1:${b.port}`, 'Content-Type': type },
        body,
      });
      expect(res.status, type).toBe(415);
      expect(JSON.parse(res.body)).toEqual({
        error: { code: 'unsupported_media_type', message: 'request bodies must be application/json' },
      });
    }
    const noType = await rawRequest(b.port, {
      method: 'POST',
      path: apiPath(routes.login),
      headers: { Host: `127.0.0.1:${b.port}` },
      body,
    });
    expect(noType.status).toBe(415);
    const json = await rawRequest(b.port, {
      method: 'POST',
      path: apiPath(routes.login),
      headers: { Host: `127.0.0.1:${b.port}`, 'Content-Type': 'application/json; charset=utf-8' },
      body,
    });
    expect(json.status).toBe(200);
    // A POST without a body needs no type: it reaches the route, which asks for a token.
    const empty = await rawRequest(b.port, {
      method: 'POST',
      path: apiPath(routes.hibernateSession, { name: 'x' }),
      headers: { Host: `127.0.0.1:${b.port}`, 'Content-Length': '0' },
    });
    expect(empty.status).toBe(401);
  });
});

describe('login limiter behind one trusted proxy hop', slow, () => {
  const via = (client: string, spoofed: string) => ({ 'X-Forwarded-For': `${spoofed}, ${client}` });

  it('keys on the address the proxy reported; rotating the leftmost values does not help', async () => {
    b = await startBareBackend({ STREAMSPACE_TRUSTED_PROXIES: '1' });
    const statuses = await hammer(b.port, 50, (i) => ({
      username: `nobody-${i}`,
      headers: via('203.0.113.7', `10.9.${i}.1`),
    }));
    expect(count(statuses, 401)).toBe(20);
    expect(count(statuses, 429)).toBe(30);
    // Another client behind the same proxy is not held up by the first one.
    expect((await login(b.port, 'nobody-x', 'wrong', via('198.51.100.3', '203.0.113.7'))).status).toBe(401);
  });

  it('still delays a username guessed from many addresses', async () => {
    b = await startBareBackend({ STREAMSPACE_TRUSTED_PROXIES: '1' });
    const statuses = await hammer(b.port, 50, (i) => ({
      username: 'admin',
      headers: via(`198.51.100.${i + 1}`, '127.0.0.1'),
    }));
    expect(count(statuses, 401)).toBe(5);
    expect(count(statuses, 429)).toBe(45);
  });

  it("does not reset another user's delay when flooded with distinct usernames", async () => {
    // Two free failures per user keep the hashing short; the flood is what matters here.
    b = await startBareBackend({
      STREAMSPACE_TRUSTED_PROXIES: '1',
      STREAMSPACE_LOGIN_FAILURES_PER_USER: '2',
    });
    const port = b.port;
    await hammer(port, 2, (i) => ({ username: 'victim', headers: via(`198.51.100.${i + 1}`, 'x') }));
    expect((await login(port, 'victim', 'again', via('198.51.100.99', 'x'))).status).toBe(429);
    // Many addresses, one name each.
    const flood = await hammer(port, 20, (i) => ({
      username: `flood-${i}`,
      headers: via(`192.0.2.${i + 1}`, 'x'),
    }));
    expect(count(flood, 401)).toBe(20);
    await sleep(1100);
    // Kept: the next failure after the 1 s wait doubles it. Reset, it would be a free failure again.
    expect((await login(port, 'victim', 'wrong', via('198.51.100.100', 'x'))).status).toBe(401);
    expect(await login(port, 'victim', 'wrong', via('198.51.100.101', 'x'))).toEqual({
      status: 429,
      retryAfter: 2,
    });
  });
});

describe('the local stack', slow, () => {
  it('lets its own admin sign in over loopback while an attacker hammers the login', async () => {
    // Small allowances keep the hashing short; the defaults behave the same, only later.
    const limits = { STREAMSPACE_LOGIN_FAILURES_PER_USER: '2', STREAMSPACE_LOGIN_FAILURES_PER_ADDRESS: '3' };
    b = await startBareBackend(limits, { localStack: true });
    const port = b.port;
    // From this host: the admin account past its allowance, then other names to delay the address.
    const onAdmin = await hammer(port, 6, () => ({ username: 'admin' }));
    const onOthers = await hammer(port, 8, (i) => ({ username: `nobody-${i}` }));
    expect(count(onAdmin, 401)).toBe(6);
    expect(count(onOthers, 401)).toBe(3);
    // Through a proxy on this host, the same account is limited: that request is someone else's.
    const proxied = await login(port, 'admin', ADMIN_PASSWORD, { 'X-Forwarded-For': '203.0.113.1' });
    expect(proxied.status).toBe(429);
    expect((await login(port, 'admin', ADMIN_PASSWORD)).status).toBe(200);
  });
});
