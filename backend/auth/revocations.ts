import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { Role } from '../../protocol';

/**
 * Something that ends what a user's open sockets were allowed: a sign-in signed out (or its
 * refresh family revoked on reuse), a new password (every sign-in ends), a new role.
 */
export type Revocation =
  | { kind: 'signed_out'; userId: string; familyId: string }
  | { kind: 'password_changed'; userId: string }
  | { kind: 'disabled'; userId: string }
  | { kind: 'role_changed'; userId: string; role: Role };

/** What a socket knows of the sign-in its token came from, to end with it. */
export interface SignIn {
  userId: string;
  /** The access token's hash, to ask later whether it was revoked. */
  key: string;
  /** The refresh-token family; null for a token issued before this process started. */
  familyId: string | null;
  /** When the access token expires (ms since the epoch). */
  accessExpiresAt: number;
  /** When the sign-in itself ends and no refresh can extend it (ms since the epoch). */
  signInExpiresAt: number;
}

interface IssuedToken {
  userId: string;
  familyId: string;
  accessExpiresAt: number;
  signInExpiresAt: number;
  revoked: boolean;
}

interface Watcher {
  familyId: string | null;
  listener: (revocation: Revocation) => void;
}

/** Longer than a viewer ticket lives, so its sign-in can still be checked when it is used. */
const PRUNE_GRACE_MS = 60_000;

const tokenKey = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * The in-process hub between sign-ins and the sockets opened with them. Access tokens are
 * stateless JWTs that stay valid until they expire, so without this a logout, a password change
 * or a demotion would leave every open socket (and the token itself) working for up to its whole
 * life. One process only: replicas behind a load balancer do not hear each other's revocations.
 */
export class SessionRevocations {
  /** Tokens issued by this process, by hash, until they expire; insertion order is expiry order. */
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly watchers = new Map<string, Set<Watcher>>();

  constructor(
    /** The longest a sign-in can last: the bound for a token whose sign-in this process never saw. */
    private readonly maxSignInMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a freshly issued access token and the sign-in it belongs to. */
  issued(
    token: string,
    s: { userId: string; familyId: string; accessExpiresAt: Date; signInExpiresAt: Date },
  ): void {
    this.prune();
    this.tokens.set(tokenKey(token), {
      userId: s.userId,
      familyId: s.familyId,
      accessExpiresAt: s.accessExpiresAt.getTime(),
      signInExpiresAt: s.signInExpiresAt.getTime(),
      revoked: false,
    });
  }

  /** True for a token of ours whose sign-in was signed out or whose password changed since. */
  isRevoked(token: string): boolean {
    return this.tokens.get(tokenKey(token))?.revoked ?? false;
  }

  /** Whether the sign-in was revoked since `signIn` was read (a viewer ticket's, say). */
  ended(signIn: SignIn): boolean {
    return this.tokens.get(signIn.key)?.revoked ?? false;
  }

  /** The sign-in of a token that has already been verified. */
  signInOf(token: string, userId: string): SignIn {
    const key = tokenKey(token);
    const known = this.tokens.get(key);
    if (known) {
      return {
        userId,
        key,
        familyId: known.familyId,
        accessExpiresAt: known.accessExpiresAt,
        signInExpiresAt: known.signInExpiresAt,
      };
    }
    // Issued before a restart: its exp is in the token, and no sign-in outlives its first token
    // by more than the longest sign-in, so that bounds the sign-in from above.
    const { exp, iat } = decodeJwt(token);
    const now = this.now();
    return {
      userId,
      key,
      familyId: null,
      accessExpiresAt: exp === undefined ? now : exp * 1000,
      signInExpiresAt: (iat === undefined ? now : iat * 1000) + this.maxSignInMs,
    };
  }

  /**
   * Calls `listener` for every revocation that touches `signIn`; a sign-out of one family reaches
   * only that family's sockets, or every socket of the user whose family is unknown.
   */
  watch(signIn: Pick<SignIn, 'userId' | 'familyId'>, listener: (revocation: Revocation) => void): () => void {
    const watcher: Watcher = { familyId: signIn.familyId, listener };
    let set = this.watchers.get(signIn.userId);
    if (!set) {
      set = new Set();
      this.watchers.set(signIn.userId, set);
    }
    set.add(watcher);
    return () => {
      const current = this.watchers.get(signIn.userId);
      current?.delete(watcher);
      if (current?.size === 0) this.watchers.delete(signIn.userId);
    };
  }

  /** A sign-in ended: logout, or its refresh family revoked after a reused token. */
  signedOut(userId: string, familyId: string): void {
    for (const t of this.tokens.values()) if (t.familyId === familyId) t.revoked = true;
    this.emit(
      { kind: 'signed_out', userId, familyId },
      (w) => w.familyId === null || w.familyId === familyId,
    );
  }

  passwordChanged(userId: string): void {
    for (const t of this.tokens.values()) if (t.userId === userId) t.revoked = true;
    this.emit({ kind: 'password_changed', userId }, () => true);
  }

  /** An admin disabled the account: every token and socket of it ends, as on a new password. */
  disabled(userId: string): void {
    for (const t of this.tokens.values()) if (t.userId === userId) t.revoked = true;
    this.emit({ kind: 'disabled', userId }, () => true);
  }

  /** The role is read fresh on every request, so tokens stay valid; sockets that cached it must go. */
  roleChanged(userId: string, role: Role): void {
    this.emit({ kind: 'role_changed', userId, role }, () => true);
  }

  /** Sockets being watched, for tests and metrics. */
  get watching(): number {
    let n = 0;
    for (const set of this.watchers.values()) n += set.size;
    return n;
  }

  private emit(revocation: Revocation, matches: (w: Watcher) => boolean): void {
    const set = this.watchers.get(revocation.userId);
    if (!set) return;
    // A listener usually unsubscribes itself while closing its socket: iterate over a copy.
    for (const w of [...set]) if (matches(w)) w.listener(revocation);
  }

  private prune(): void {
    const now = this.now();
    for (const [key, t] of this.tokens) {
      // Expired tokens fail verification anyway, but a viewer ticket may still carry one's sign-in
      // for its 30 s; one still within that ends the sweep (insertion order is expiry order).
      if (t.accessExpiresAt + PRUNE_GRACE_MS > now) break;
      this.tokens.delete(key);
    }
  }
}

/** Node's timers overflow past 2^31-1 ms (~24.8 days); sign-ins last longer, so wait in steps. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Calls `fn` once at `deadline` (ms since the epoch), at once if it has passed; returns a cancel. */
export function atDeadline(deadline: number, fn: () => void, now: () => number = Date.now): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let cancelled = false;
  const arm = () => {
    if (cancelled) return;
    const wait = deadline - now();
    if (wait <= 0) {
      fn();
      return;
    }
    timer = setTimeout(arm, Math.min(wait, MAX_TIMEOUT_MS));
  };
  arm();
  return () => {
    cancelled = true;
    clearTimeout(timer);
  };
}
