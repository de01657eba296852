import { describe, expect, it } from 'vitest';
import { HttpError } from '../http/errors';
import { addressKey, BackoffLimiter, LoginThrottle } from './rate-limit';

function limiter(options: { freeFailures?: number; maxDelayMs?: number; maxKeys?: number } = {}) {
  const clock = { now: 1_000_000 };
  const l = new BackoffLimiter({
    freeFailures: options.freeFailures ?? 3,
    maxDelayMs: options.maxDelayMs ?? 60_000,
    ...(options.maxKeys !== undefined ? { maxKeys: options.maxKeys } : {}),
    now: () => clock.now,
  });
  return { l, clock };
}

/** One whole failed attempt: counted, hashed, settled. */
function failed(l: BackoffLimiter, key: string): void {
  l.fail(key);
  l.settle(key);
}

describe('BackoffLimiter', () => {
  it('allows the free failures, then doubles the wait after each further one', () => {
    const { l, clock } = limiter();
    for (let i = 0; i < 3; i++) {
      expect(l.retryAfter('a')).toBe(0);
      failed(l, 'a');
    }
    expect(l.retryAfter('a')).toBe(1);
    expect(l.retryAfter('b')).toBe(0);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const wait = l.retryAfter('a');
      waits.push(wait);
      clock.now += wait * 1000;
      expect(l.retryAfter('a')).toBe(0);
      failed(l, 'a');
    }
    expect(waits).toEqual([1, 2, 4, 8, 16]);
  });

  it('never waits longer than the cap, so the owner gets in once it passes', () => {
    const { l, clock } = limiter({ freeFailures: 1, maxDelayMs: 10_000 });
    for (let i = 0; i < 40; i++) failed(l, 'a');
    expect(l.retryAfter('a')).toBe(10);
    clock.now += 10_000;
    expect(l.retryAfter('a')).toBe(0);
  });

  it('forgets a key after a quiet spell', () => {
    const { l, clock } = limiter({ freeFailures: 2 });
    failed(l, 'a');
    failed(l, 'a');
    expect(l.retryAfter('a')).toBe(1);
    clock.now += 15 * 60_000 + 1;
    expect(l.retryAfter('a')).toBe(0);
    failed(l, 'a');
    expect(l.retryAfter('a')).toBe(0);
  });

  it('does not start a wait while an attempt still hashes, then runs it from the failure', () => {
    const { l, clock } = limiter({ freeFailures: 1 });
    l.fail('a');
    expect(l.retryAfter('a')).toBe(1);
    clock.now += 5000;
    expect(l.retryAfter('a')).toBe(1);
    l.settle('a');
    expect(l.retryAfter('a')).toBe(1);
    clock.now += 1000;
    expect(l.retryAfter('a')).toBe(0);
  });

  it('forgive takes back one failure, reset all of them', () => {
    const { l } = limiter({ freeFailures: 2 });
    failed(l, 'a');
    l.fail('a');
    expect(l.retryAfter('a')).toBe(1);
    l.forgive('a');
    expect(l.retryAfter('a')).toBe(0);
    failed(l, 'a');
    l.reset('a');
    expect(l.retryAfter('a')).toBe(0);
    expect(l.size).toBe(0);
  });

  it('evicts the oldest quiet keys first, so a flood of names cannot free a delayed one', () => {
    const { l } = limiter({ freeFailures: 3, maxKeys: 100 });
    for (let i = 0; i < 3; i++) failed(l, 'victim');
    for (let i = 0; i < 10_000; i++) failed(l, `flood-${i}`);
    expect(l.size).toBe(100);
    expect(l.retryAfter('victim')).toBe(1);
  });

  it('evicts the oldest delayed key only when every kept key is delayed', () => {
    const { l } = limiter({ freeFailures: 1, maxKeys: 2 });
    failed(l, 'a');
    failed(l, 'b');
    failed(l, 'c');
    expect(l.size).toBe(2);
    expect(l.retryAfter('a')).toBe(0);
    expect(l.retryAfter('b')).toBe(1);
    expect(l.retryAfter('c')).toBe(1);
  });

  it('refuses a forget spell shorter than the cap, which would undo every wait', () => {
    expect(() => new BackoffLimiter({ freeFailures: 1, maxDelayMs: 60_000, forgetAfterMs: 1000 })).toThrow(
      RangeError,
    );
  });
});

describe('addressKey', () => {
  it('keeps IPv4 as it is and folds IPv4-mapped IPv6 into it', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('keys IPv6 by its /64, the block one client usually holds', () => {
    expect(addressKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('leaves what is no address alone', () => {
    expect(addressKey('unknown')).toBe('unknown');
  });
});

describe('LoginThrottle', () => {
  const make = (localAdmin?: string) => {
    const limiters = {
      perIp: new BackoffLimiter({ freeFailures: 3, maxDelayMs: 60_000 }),
      perUser: new BackoffLimiter({ freeFailures: 1, maxDelayMs: 60_000 }),
      localAdmin,
    };
    return { limiters, throttle: new LoginThrottle(limiters) };
  };
  const direct = { ip: '127.0.0.1', directLoopback: true };

  it('answers 429 with Retry-After once the user must wait', () => {
    const { throttle } = make();
    throttle.admit('bob', direct).settle(false);
    const refused = (() => {
      try {
        throttle.admit('bob', direct);
      } catch (e) {
        return e;
      }
    })();
    expect(refused).toBeInstanceOf(HttpError);
    expect(refused).toMatchObject({ status: 429, code: 'rate_limited', headers: { 'Retry-After': '1' } });
  });

  it("never delays the local stack's admin signing in straight over loopback", () => {
    const { throttle, limiters } = make('admin');
    for (let i = 0; i < 10; i++) throttle.admit('admin', direct).settle(false);
    expect(limiters.perUser.size + limiters.perIp.size).toBe(0);
    // Proxied, or without a local stack, the same account is limited like any other.
    throttle.admit('admin', { ip: '127.0.0.1', directLoopback: false }).settle(false);
    expect(() => throttle.admit('admin', { ip: '127.0.0.1', directLoopback: false })).toThrow(HttpError);
    const plain = make().throttle;
    plain.admit('admin', direct).settle(false);
    expect(() => plain.admit('admin', direct)).toThrow(HttpError);
  });
});
