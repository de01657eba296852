import { randomUUID } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Role, TokenPair, UserDto } from '../../protocol';
import type { Db } from '../db/client';
import { InvalidatingCache } from '../db/invalidating-cache';
import { refreshTokens, type UserRow, users } from '../db/schema';
import type { LoginClient } from '../http/addresses';
import { HttpError, unauthorized } from '../http/errors';
import { DUMMY_HASH, generatePassword, hashPassword, needsRehash, verifyPassword } from './passwords';
import { type LoginLimiters, LoginThrottle } from './rate-limit';
import { SessionRevocations } from './revocations';
import { hashSecret, randomToken } from './secrets';
import type { AccessTokens } from './tokens';

/** A sign-in's whole life: refreshing rotates the token but never moves this deadline. */
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3600 * 1000;

export function toUserDto(row: UserRow): UserDto {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    createdAt: row.createdAt.toISOString(),
    disabled: row.disabledAt !== null,
  };
}

export class AuthService {
  /** Tells open sockets when a sign-in ends or its user's rights change, and denies its tokens. */
  readonly revocations = new SessionRevocations(REFRESH_TOKEN_TTL_MS);

  private readonly throttle: LoginThrottle;
  /**
   * Users by id for `authenticate`: the lookup was a query on every request, the largest part of
   * one after the list itself was cached. This service is the only writer of user rows and drops a
   * row after each write to it, so a role or password change is seen by the very next request.
   * Several replicas on one PostgreSQL would need to hear each other's writes first, as the
   * revocations would.
   */
  private readonly userRows = new InvalidatingCache<UserRow | null>();

  constructor(
    private readonly db: Db,
    private readonly tokens: AccessTokens,
    limiters: LoginLimiters,
    private readonly logger: Logger,
  ) {
    this.throttle = new LoginThrottle(limiters);
  }

  /** Creates the admin on first start. Returns the password only when it had to generate one. */
  async ensureAdmin(password: string | undefined): Promise<{ created: boolean; generatedPassword?: string }> {
    const existing = await this.db.select().from(users).where(eq(users.username, 'admin')).limit(1);
    if (existing[0]) {
      // The desktop app owns the local admin's password in the keychain; keep the row in step with it.
      const stored = existing[0].passwordHash;
      if (password && (needsRehash(stored) || !(await verifyPassword(password, stored)))) {
        const id = existing[0].id;
        const passwordHash = await hashPassword(password);
        await this.usersWritten([id], () =>
          this.db.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, id)),
        );
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

  async login(username: string, password: string, client: LoginClient): Promise<TokenPair> {
    const userKey = username.toLowerCase();
    const attempt = this.throttle.admit(userKey, client);
    let row: UserRow | undefined;
    let ok = false;
    try {
      row = (await this.db.select().from(users).where(eq(users.username, userKey)).limit(1))[0];
      ok = await verifyPassword(password, row?.passwordHash ?? DUMMY_HASH);
    } finally {
      attempt.settle(ok && row !== undefined);
    }
    if (!row || !ok) {
      this.logger.info({ username: userKey, ip: client.ip }, 'login failed');
      throw unauthorized('wrong username or password');
    }
    // Said only to whoever knows the password, so it tells a guesser nothing.
    if (row.disabledAt) {
      this.logger.info({ username: userKey, ip: client.ip }, 'login refused: account disabled');
      throw unauthorized('This account is disabled. Ask an administrator to enable it.');
    }
    await this.upgradeHash(row, password);
    return this.issuePair(row, randomUUID(), new Date(Date.now() + REFRESH_TOKEN_TTL_MS));
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const hash = hashSecret(refreshToken);
    const row = (
      await this.db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, hash)).limit(1)
    )[0];
    if (!row) throw unauthorized('invalid refresh token');
    if (row.revokedAt) {
      // A rotated token came back: someone holds a copy. Revoke the whole family.
      await this.revokeFamily(row.familyId, row.userId);
      this.logger.warn({ userId: row.userId, familyId: row.familyId }, 'refresh token reuse; family revoked');
      throw unauthorized('refresh token was already used');
    }
    if (row.expiresAt.getTime() <= Date.now()) throw unauthorized('refresh token expired');
    const user = (await this.db.select().from(users).where(eq(users.id, row.userId)).limit(1))[0];
    if (!user) throw unauthorized('user no longer exists');
    if (user.disabledAt) throw unauthorized('This account is disabled. Ask an administrator to enable it.');
    // The new token inherits the family's deadline, so a stolen token kept fresh still dies.
    const pair = await this.issuePair(user, row.familyId, row.expiresAt);
    const revoked = await this.db
      .update(refreshTokens)
      .set({ revokedAt: new Date(), replacedBy: hashSecret(pair.refreshToken) })
      .where(and(eq(refreshTokens.id, row.id), isNull(refreshTokens.revokedAt)))
      .returning({ id: refreshTokens.id });
    if (revoked.length === 0) {
      // Lost a race with a concurrent refresh of the same token: treat as reuse.
      await this.revokeFamily(row.familyId, row.userId);
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
    if (row) await this.revokeFamily(row.familyId, row.userId);
  }

  /** The user behind an access token, read fresh so a role change or deletion applies at once. */
  async authenticate(accessToken: string): Promise<UserRow | null> {
    const claims = await this.tokens.verify(accessToken);
    // A JWT stays valid until it expires; one whose sign-in ended must not outlive it.
    if (!claims || this.revocations.isRevoked(accessToken)) return null;
    const row = await this.userRows.get(claims.userId, async () => {
      const row = (await this.db.select().from(users).where(eq(users.id, claims.userId)).limit(1))[0];
      // Frozen: every request shares it, so a handler that changed it would change it for all.
      return row ? Object.freeze(row) : null;
    });
    return row?.disabledAt ? null : row;
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
    patch: { password?: string | undefined; role?: Role | undefined; disabled?: boolean | undefined },
  ): Promise<UserRow> {
    const set: Partial<typeof users.$inferInsert> = { updatedAt: new Date() };
    if (patch.password) set.passwordHash = await hashPassword(patch.password);
    if (patch.role) set.role = patch.role;
    if (patch.disabled !== undefined) set.disabledAt = patch.disabled ? new Date() : null;
    const rows = await this.usersWritten([id], () =>
      this.db.update(users).set(set).where(eq(users.id, id)).returning(),
    );
    const row = rows[0];
    if (!row) throw new HttpError(404, 'not_found', 'no such user');
    if (patch.password || patch.disabled) {
      // A new password, or a disabled account, ends every existing sign-in.
      await this.db
        .update(refreshTokens)
        .set({ revokedAt: new Date() })
        .where(and(eq(refreshTokens.userId, id), isNull(refreshTokens.revokedAt)));
      if (patch.disabled) this.revocations.disabled(id);
      else this.revocations.passwordChanged(id);
    }
    if (patch.role) this.revocations.roleChanged(id, row.role);
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

  /**
   * Runs a write to user rows, then drops the cached rows it may have changed, before the caller
   * goes on to tell anyone. A write that throws may still have committed, so then all of them go.
   */
  private async usersWritten<T>(ids: readonly string[], write: () => PromiseLike<T>): Promise<T> {
    let result: T;
    try {
      result = await write();
    } catch (err) {
      this.userRows.clear();
      throw err;
    }
    this.userRows.invalidate(ids);
    return result;
  }

  private async revokeFamily(familyId: string, userId: string): Promise<void> {
    await this.db
      .update(refreshTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
    this.revocations.signedOut(userId, familyId);
  }

  /** Hashes made at an older, cheaper cost are redone while the password is at hand. */
  private async upgradeHash(row: UserRow, password: string): Promise<void> {
    if (!needsRehash(row.passwordHash)) return;
    try {
      // Conditional on the old hash, so a password changed meanwhile is not overwritten.
      const passwordHash = await hashPassword(password);
      await this.usersWritten([row.id], () =>
        this.db
          .update(users)
          .set({ passwordHash })
          .where(and(eq(users.id, row.id), eq(users.passwordHash, row.passwordHash))),
      );
    } catch (err) {
      // The sign-in itself succeeded; the upgrade is retried at the next one.
      this.logger.warn({ err, userId: row.id }, 'could not upgrade the password hash');
    }
  }

  private async issuePair(user: UserRow, familyId: string, expiresAt: Date): Promise<TokenPair> {
    const access = await this.tokens.issue({ userId: user.id, username: user.username, role: user.role });
    const refreshToken = randomToken();
    await this.db.insert(refreshTokens).values({
      id: randomUUID(),
      userId: user.id,
      familyId,
      tokenHash: hashSecret(refreshToken),
      expiresAt,
    });
    this.revocations.issued(access.token, {
      userId: user.id,
      familyId,
      accessExpiresAt: access.expiresAt,
      signInExpiresAt: expiresAt,
    });
    return {
      accessToken: access.token,
      refreshToken,
      expiresAt: access.expiresAt.toISOString(),
      user: toUserDto(user),
    };
  }
}
