import { ipv6Groups, type LoginClient } from '../http/addresses';
import { HttpError } from '../http/errors';

export interface BackoffOptions {
  /** Failures a key may collect before it has to wait at all. */
  freeFailures: number;
  /** The longest wait: a forgotten password costs minutes, never the account. */
  maxDelayMs: number;
  /** A key that stays quiet this long starts over. Longer than maxDelayMs, or waiting would reset it. */
  forgetAfterMs?: number;
  /** Most keys kept in memory. */
  maxKeys?: number;
  now?: () => number;
}

interface Entry {
  failures: number;
  /** When the last failure was known; the wait runs from here. */
  last: number;
  /** Attempts counted by fail() and not yet settled: still hashing. */
  pending: number;
}

/**
 * Growing delays instead of a lock: after `freeFailures` failures each further attempt waits 2^k
 * seconds after the last failure (k = failures beyond the allowance), capped. A hard lock lets
 * anyone lock anyone out; a delay only slows the guesser, and the owner gets in once it passes.
 * Kept in memory because it must answer before any database work and forgets harmlessly on restart.
 */
export class BackoffLimiter {
  // Two insertion-ordered maps, oldest first: a flood of one-off keys fills and evicts `quiet`, so
  // it cannot push out a key that is being delayed. Only when every kept key is delayed does the
  // oldest delayed one go.
  private readonly quiet = new Map<string, Entry>();
  private readonly delayed = new Map<string, Entry>();
  private readonly forgetAfterMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(private readonly options: BackoffOptions) {
    this.forgetAfterMs = options.forgetAfterMs ?? Math.max(15 * 60_000, 2 * options.maxDelayMs);
    this.maxKeys = options.maxKeys ?? 100_000;
    this.now = options.now ?? Date.now;
    if (this.forgetAfterMs <= options.maxDelayMs) {
      throw new RangeError('forgetAfterMs must be longer than maxDelayMs');
    }
  }

  /** Seconds until `key` may try again, or 0 when it may now. */
  retryAfter(key: string): number {
    const entry = this.get(key);
    if (!entry || entry.failures < this.options.freeFailures) return 0;
    const excess = entry.failures - this.options.freeFailures;
    const delay = Math.min(this.options.maxDelayMs, 1000 * 2 ** Math.min(excess, 30));
    // While an attempt still hashes, its failure may land any moment: the wait has not begun.
    const wait = (entry.pending > 0 ? this.now() : entry.last) + delay - this.now();
    return wait > 0 ? Math.ceil(wait / 1000) : 0;
  }

  /**
   * Counts an attempt as a failure before its password is checked, so parallel guesses cannot all
   * slip through while the first still hashes. Every call is followed by settle() or forgive().
   */
  fail(key: string): void {
    const entry = this.get(key) ?? { failures: 0, last: 0, pending: 0 };
    entry.failures += 1;
    entry.pending += 1;
    entry.last = this.now();
    this.place(key, entry);
    this.evict();
  }

  /** The attempt failed: its wait runs from now, not from when hashing began. */
  settle(key: string): void {
    const entry = this.get(key);
    if (!entry) return;
    entry.pending = Math.max(0, entry.pending - 1);
    entry.last = this.now();
  }

  /** Takes back one counted failure: the attempt turned out to be a success. */
  forgive(key: string): void {
    const entry = this.get(key);
    if (!entry) return;
    entry.failures -= 1;
    entry.pending = Math.max(0, entry.pending - 1);
    if (entry.failures <= 0) this.reset(key);
    else this.place(key, entry);
  }

  reset(key: string): void {
    this.quiet.delete(key);
    this.delayed.delete(key);
  }

  get size(): number {
    return this.quiet.size + this.delayed.size;
  }

  private get(key: string): Entry | undefined {
    const entry = this.quiet.get(key) ?? this.delayed.get(key);
    if (entry && this.now() - entry.last > this.forgetAfterMs) {
      this.reset(key);
      return undefined;
    }
    return entry;
  }

  /** Re-inserts, so the map order stays least recently failed first. */
  private place(key: string, entry: Entry): void {
    this.reset(key);
    (entry.failures >= this.options.freeFailures ? this.delayed : this.quiet).set(key, entry);
  }

  private evict(): void {
    while (this.size > this.maxKeys) {
      const from = this.quiet.size > 0 ? this.quiet : this.delayed;
      const oldest = from.keys().next();
      if (oldest.done) return;
      from.delete(oldest.value);
    }
  }
}

/**
 * The key an address is limited by. IPv6 users usually get a whole /64, so one address per guess
 * costs nothing there; the prefix is what identifies a client. IPv4-mapped addresses count as IPv4.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  const groups = ipv6Groups(ip);
  if (!groups) return ip;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

export interface LoginLimiters {
  /** Failed attempts per client address (an IPv6 /64), whatever the username. */
  perIp: BackoffLimiter;
  /** Failed attempts per username, so a distributed guesser is slowed too. */
  perUser: BackoffLimiter;
  /** The local stack's own account, which is never delayed when it signs in over loopback. */
  localAdmin?: string | undefined;
}

/** One admitted login; settle it with the outcome once the password is checked. */
export interface LoginAttempt {
  settle(ok: boolean): void;
}

/** Both limiters, applied to one login at a time. */
export class LoginThrottle {
  constructor(private readonly limiters: LoginLimiters) {}

  /** Admits an attempt, or throws 429 with Retry-After while the user or the address must wait. */
  admit(username: string, client: LoginClient): LoginAttempt {
    const { perIp, perUser, localAdmin } = this.limiters;
    // The desktop app signs its own admin in over loopback, with a random password it keeps in the
    // keychain (192 bits; the stack generates 144 when none is given). Any delay on that account
    // would let whatever can reach the port lock the app out, while no guesser gets through such a
    // password anyway. Only the local stack names this account, and a proxied request speaks for
    // someone else, so it stays limited. Exempt attempts still cost a full password hash.
    if (localAdmin === username && client.directLoopback) return { settle: () => {} };
    const ipKey = addressKey(client.ip);
    const wait = Math.max(perIp.retryAfter(ipKey), perUser.retryAfter(username));
    if (wait > 0) {
      throw new HttpError(429, 'rate_limited', 'too many failed logins; try again later', undefined, {
        'Retry-After': String(wait),
      });
    }
    perIp.fail(ipKey);
    perUser.fail(username);
    return {
      settle(ok) {
        if (ok) {
          // The address keeps its other failures: one valid account must not launder guesses at others.
          perIp.forgive(ipKey);
          perUser.reset(username);
        } else {
          perIp.settle(ipKey);
          perUser.settle(username);
        }
      },
    };
  }
}
