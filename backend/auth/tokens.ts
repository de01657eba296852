import { randomUUID, webcrypto } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { Role } from '../../protocol';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

const Claims = z.object({ sub: z.string(), username: z.string(), role: Role });
export type AccessClaims = { userId: string; username: string; role: Role };

/** Tokens in flight at once: a sign-in holds one at a time, so this is thousands of users. */
const MAX_VERIFIED = 10_000;

interface Verified {
  claims: AccessClaims;
  /** When the token expires, in ms since the epoch. */
  expiresAt: number;
}

export class AccessTokens {
  /**
   * Tokens whose signature and claims were checked, until they expire. Even with the key imported,
   * a WebCrypto HMAC and jose's claim checks were about a sixth of the CPU of a cached list
   * request, repeated for the same token every few seconds of every client's polling. The same
   * string verifies the same way every time, so only the expiry is checked again; revocation is
   * not this class's to answer, and its check still runs on every request.
   */
  private readonly verified = new Map<string, Verified>();

  /**
   * Handed raw bytes, jose imports them into a CryptoKey on every call: about half of what a
   * verification cost (~40 of ~80 µs CPU), on every authenticated request. Imported once instead.
   */
  private readonly key: Promise<webcrypto.CryptoKey>;

  constructor(
    secret: string,
    private readonly ttlSeconds = ACCESS_TOKEN_TTL_SECONDS,
    private readonly maxVerified = MAX_VERIFIED,
  ) {
    this.key = webcrypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
  }

  async issue(claims: AccessClaims): Promise<{ token: string; expiresAt: Date }> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.ttlSeconds;
    const token = await new SignJWT({ username: claims.username, role: claims.role })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.userId)
      .setIssuer('streamspace')
      .setAudience('streamspace-api')
      .setIssuedAt(now)
      // Two sign-ins of one user within a second would otherwise get the same token, and the
      // revocations could not tell which sign-in a socket belongs to.
      .setJti(randomUUID())
      .setExpirationTime(exp)
      .sign(await this.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** Verified tokens kept, for tests. */
  get kept(): number {
    return this.verified.size;
  }

  /** Null for anything but a valid, unexpired token of ours. */
  async verify(token: string): Promise<AccessClaims | null> {
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAt > Date.now()) return known.claims;
      this.verified.delete(token);
      return null;
    }
    try {
      const { payload } = await jwtVerify(token, await this.key, {
        issuer: 'streamspace',
        audience: 'streamspace-api',
        algorithms: ['HS256'],
        // jose checks exp only when present; a token without one would never expire.
        requiredClaims: ['exp'],
      });
      const claims = Claims.safeParse(payload);
      if (!claims.success || payload.exp === undefined) return null;
      const verified = {
        // Frozen: every request with this token gets the same object.
        claims: Object.freeze({
          userId: claims.data.sub,
          username: claims.data.username,
          role: claims.data.role,
        }),
        expiresAt: payload.exp * 1000,
      };
      // Insertion order is roughly expiry order, so the first key is the one to give up.
      if (this.verified.size >= this.maxVerified) {
        for (const key of this.verified.keys()) {
          this.verified.delete(key);
          break;
        }
      }
      this.verified.set(token, verified);
      return verified.claims;
    } catch (err) {
      if (err instanceof errors.JOSEError) return null;
      throw err;
    }
  }
}
