import { randomUUID } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Role, TokenPair, UserDto } from '../../protocol';
import type { Db } from '../db/client';
import { refreshTokens, type UserRow, users } from '../db/schema';
import { HttpError, unauthorized } from '../http/errors';
import { DUMMY_HASH, generatePassword, hashPassword, verifyPassword } from './passwords';
import type { SlidingWindowLimiter } from './rate-limit';
import { hashSecret, randomToken } from './secrets';
import type { AccessTokens } from './tokens';

export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3600 * 1000;

export function toUserDto(row: UserRow): UserDto {
  return { id: row.id, username: row.username, role: row.role, createdAt: row.createdAt.toISOString() };
}

export interface LoginLimiters {
  /** Attempts per client address. */
  perIp: SlidingWindowLimiter;
  /** Failed attempts per username, so a distributed guesser is slowed too. */
  perUser: SlidingWindowLimiter;
}

export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly tokens: AccessTokens,
    private readonly limiters: LoginLimiters,
    private readonly logger: Logger,
  ) {}

  /** Creates the admin on first start. Returns the password only when it had to generate one. */
  async ensureAdmin(password: string | undefined): Promise<{ created: boolean; generatedPassword?: string }> {
    const existing = await this.db.select().from(users).where(eq(users.username, 'admin')).limit(1);
    if (existing[0]) {
      // The desktop app owns the local admin's password in the keychain; keep the row in step with it.
      if (password && !(await verifyPassword(password, existing[0].passwordHash))) {
        await this.db
          .update(users)
          .set({ passwordHash: await hashPassword(password), updatedAt: new Date() })
          .where(eq(users.id, existing[0].id));
      }
      return { created: false };
    }
    const generated = password ? undefined : generatePassword();
    await this.db
      .insert(users)
      .values({
        id: randomUUID(),
        username: 'admin',
        passwordHash: await hashPassword(password ?? generated ?? ''),
        role: 'admin',
      })
      .onConflictDoNothing();
    return generated ? { created: true, generatedPassword: generated } : { created: true };
  }

  async login(username: string, password: string, ip: string): Promise<TokenPair> {
    const userKey = username.toLowerCase();
    const wait = Math.max(this.limiters.perIp.retryAfter(ip), this.limiters.perUser.retryAfter(userKey));
    if (wait > 0) {
      throw new HttpError(429, 'rate_limited', 'too many login attempts; try again later', undefined, {
        'Retry-After': String(wait),
      });
    }
    this.limiters.perIp.hit(ip);
    const row = (await this.db.select().from(users).where(eq(users.username, userKey)).limit(1))[0];
    const ok = await verifyPassword(password, row?.passwordHash ?? DUMMY_HASH);
    if (!row || !ok) {
      this.limiters.perUser.hit(userKey);
      this.logger.info({ username: userKey, ip }, 'login failed');
      throw unauthorized('wrong username or password');
    }
    this.limiters.perUser.reset(userKey);
    return this.issuePair(row, randomUUID());
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const hash = hashSecret(refreshToken);
    const row = (
      await this.db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, hash)).limit(1)
    )[0];
    if (!row) throw unauthorized('invalid refresh token');
    if (row.revokedAt) {
      // A rotated token came back: someone holds a copy. Revoke the whole family.
      await this.revokeFamily(row.familyId);
      this.logger.warn({ userId: row.userId, familyId: row.familyId }, 'refresh token reuse; family revoked');
      throw unauthorized('refresh token was already used');
    }
    if (row.expiresAt.getTime() <= Date.now()) throw unauthorized('refresh token expired');
    const user = (await this.db.select().from(users).where(eq(users.id, row.userId)).limit(1))[0];
    if (!user) throw unauthorized('user no longer exists');
    const pair = await this.issuePair(user, row.familyId);
    const revoked = await this.db
      .update(refreshTokens)
      .set({ revokedAt: new Date(), replacedBy: hashSecret(pair.refreshToken) })
      .where(and(eq(refreshTokens.id, row.id), isNull(refreshTokens.revokedAt)))
      .returning({ id: refreshTokens.id });
    if (revoked.length === 0) {
      // Lost a race with a concurrent refresh of the same token: treat as reuse.
      await this.revokeFamily(row.familyId);
      throw unauthorized('refresh token was already used');
    }
    return pair;
  }

  async logout(refreshToken: string): Promise<void> {
    const row = (
      await this.db
        .select()
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, hashSecret(refreshToken)))
        .limit(1)
    )[0];
    if (row) await this.revokeFamily(row.familyId);
  }

  /** The user behind an access token, read fresh so a role change or deletion applies at once. */
  async authenticate(accessToken: string): Promise<UserRow | null> {
    const claims = await this.tokens.verify(accessToken);
    if (!claims) return null;
    const row = (await this.db.select().from(users).where(eq(users.id, claims.userId)).limit(1))[0];
    return row ?? null;
  }

  async createUser(username: string, password: string, role: Role): Promise<UserRow> {
    const inserted = await this.db
      .insert(users)
      .values({ id: randomUUID(), username, passwordHash: await hashPassword(password), role })
      .onConflictDoNothing()
      .returning();
    const row = inserted[0];
    if (!row) throw new HttpError(409, 'conflict', `user ${username} already exists`);
    return row;
  }

  async updateUser(
    id: string,
    patch: { password?: string | undefined; role?: Role | undefined },
  ): Promise<UserRow> {
    const set: Partial<typeof users.$inferInsert> = { updatedAt: new Date() };
    if (patch.password) set.passwordHash = await hashPassword(patch.password);
    if (patch.role) set.role = patch.role;
    const rows = await this.db.update(users).set(set).where(eq(users.id, id)).returning();
    const row = rows[0];
    if (!row) throw new HttpError(404, 'not_found', 'no such user');
    if (patch.password) {
      // A new password ends every existing sign-in.
      await this.db
        .update(refreshTokens)
        .set({ revokedAt: new Date() })
        .where(and(eq(refreshTokens.userId, id), isNull(refreshTokens.revokedAt)));
    }
    return row;
  }

  async listUsers(): Promise<UserRow[]> {
    return this.db.select().from(users).orderBy(users.username);
  }

  async findUser(idOrName: string): Promise<UserRow | null> {
    const byId = await this.db.select().from(users).where(eq(users.id, idOrName)).limit(1);
    if (byId[0]) return byId[0];
    const byName = await this.db.select().from(users).where(eq(users.username, idOrName)).limit(1);
    return byName[0] ?? null;
  }

  activeRefreshTokens(userId: string): Promise<number> {
    return this.db.$count(
      refreshTokens,
      and(
        eq(refreshTokens.userId, userId),
        isNull(refreshTokens.revokedAt),
        gt(refreshTokens.expiresAt, new Date()),
      ),
    );
  }

  private async revokeFamily(familyId: string): Promise<void> {
    await this.db
      .update(refreshTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
  }

  private async issuePair(user: UserRow, familyId: string): Promise<TokenPair> {
    const access = await this.tokens.issue({ userId: user.id, username: user.username, role: user.role });
    const refreshToken = randomToken();
    await this.db.insert(refreshTokens).values({
      id: randomUUID(),
      userId: user.id,
      familyId,
      tokenHash: hashSecret(refreshToken),
      expiresAt: new Date(Date.now() + REFRESH_TOKEN_TTL_MS),
    });
    return {
      accessToken: access.token,
      refreshToken,
      expiresAt: access.expiresAt.toISOString(),
      user: toUserDto(user),
    };
  }
}
