import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AccessTokens } from './tokens';

const SECRET = 'test-signing-secret-of-decent-length';
const key = new TextEncoder().encode(SECRET);

function unsigned() {
  return new SignJWT({ username: 'alice', role: 'user' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('u1')
    .setIssuer('streamspace')
    .setAudience('streamspace-api')
    .setIssuedAt();
}

describe('AccessTokens', () => {
  it('accepts the tokens it issues', async () => {
    const tokens = new AccessTokens(SECRET);
    const { token } = await tokens.issue({ userId: 'u1', username: 'alice', role: 'user' });
    expect(await tokens.verify(token)).toEqual({ userId: 'u1', username: 'alice', role: 'user' });
  });

  it('refuses a correctly signed token that carries no exp', async () => {
    const tokens = new AccessTokens(SECRET);
    expect(await tokens.verify(await unsigned().sign(key))).toBeNull();
    // The same claims with an exp pass, so it is the missing exp that is refused.
    expect(await tokens.verify(await unsigned().setExpirationTime('5m').sign(key))).not.toBeNull();
  });

  it('refuses an expired token', async () => {
    const tokens = new AccessTokens(SECRET);
    const past = Math.floor(Date.now() / 1000) - 60;
    expect(await tokens.verify(await unsigned().setExpirationTime(past).sign(key))).toBeNull();
  });
});

describe('AccessTokens with its key imported once', () => {
  it('agrees with another instance of the same secret and with jose handed the raw bytes', async () => {
    const a = new AccessTokens(SECRET);
    const { token } = await a.issue({ userId: 'u1', username: 'alice', role: 'admin' });
    expect(await new AccessTokens(SECRET).verify(token)).toMatchObject({ userId: 'u1', role: 'admin' });
    const raw = await unsigned().setExpirationTime('5m').sign(key);
    expect(await a.verify(raw)).toEqual({ userId: 'u1', username: 'alice', role: 'user' });
  });

  it('refuses a token of another secret, and one whose payload was altered', async () => {
    const { token } = await new AccessTokens(`${SECRET}-other`).issue({
      userId: 'u1',
      username: 'alice',
      role: 'user',
    });
    const tokens = new AccessTokens(SECRET);
    expect(await tokens.verify(token)).toBeNull();
    const [header, , signature] = (
      await tokens.issue({ userId: 'u1', username: 'alice', role: 'user' })
    ).token.split('.');
    const promoted = Buffer.from(
      JSON.stringify({
        username: 'alice',
        role: 'admin',
        sub: 'u1',
        iss: 'streamspace',
        aud: 'streamspace-api',
        exp: 9e9,
      }),
    ).toString('base64url');
    expect(await tokens.verify(`${header}.${promoted}.${signature}`)).toBeNull();
  });
});

describe('AccessTokens, verified tokens kept until they expire', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('refuses a token it verified before, once it has expired', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const tokens = new AccessTokens(SECRET, 60);
    const { token } = await tokens.issue({ userId: 'u1', username: 'alice', role: 'user' });
    expect(await tokens.verify(token)).not.toBeNull();
    vi.setSystemTime(Date.now() + 59_000);
    expect(await tokens.verify(token)).not.toBeNull();
    vi.setSystemTime(Date.now() + 2_000);
    expect(await tokens.verify(token)).toBeNull();
    // And stays refused: the expired entry is gone, and jose refuses the token on its own.
    expect(await tokens.verify(token)).toBeNull();
  });

  it('keeps at most as many as it may, giving up the oldest first, and still verifies those', async () => {
    const tokens = new AccessTokens(SECRET, 60, 2);
    const issued = await Promise.all(
      ['u1', 'u2', 'u3'].map(
        async (id) => (await tokens.issue({ userId: id, username: id, role: 'user' })).token,
      ),
    );
    for (const t of issued) expect(await tokens.verify(t)).not.toBeNull();
    expect(tokens.kept).toBe(2);
    // u1 was given up; verifying it again takes the full check, which it passes.
    expect((await tokens.verify(issued[0] as string))?.userId).toBe('u1');
  });

  it('hands out claims no caller can change for the next request', async () => {
    const tokens = new AccessTokens(SECRET);
    const { token } = await tokens.issue({ userId: 'u1', username: 'alice', role: 'user' });
    const claims = await tokens.verify(token);
    expect(() => {
      if (claims) Object.assign(claims, { role: 'admin' });
    }).toThrow(TypeError);
    expect((await tokens.verify(token))?.role).toBe('user');
  });
});
