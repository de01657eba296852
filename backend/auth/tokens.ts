import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { Role } from '../../protocol';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

const Claims = z.object({ sub: z.string(), username: z.string(), role: Role });
export type AccessClaims = { userId: string; username: string; role: Role };

export class AccessTokens {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlSeconds = ACCESS_TOKEN_TTL_SECONDS,
  ) {
    this.key = new TextEncoder().encode(secret);
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
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** Null for anything but a valid, unexpired token of ours. */
  async verify(token: string): Promise<AccessClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: 'streamspace',
        audience: 'streamspace-api',
        algorithms: ['HS256'],
      });
      const claims = Claims.safeParse(payload);
      if (!claims.success) return null;
      return { userId: claims.data.sub, username: claims.data.username, role: claims.data.role };
    } catch (err) {
      if (err instanceof errors.JOSEError) return null;
      throw err;
    }
  }
}
