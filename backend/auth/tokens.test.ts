import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
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
