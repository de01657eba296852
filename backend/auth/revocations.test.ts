import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { atDeadline, type Revocation, SessionRevocations } from './revocations';

const DAY = 24 * 3600 * 1000;

async function jwt(claims: { iat: number; exp: number }): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(claims.iat)
    .setExpirationTime(claims.exp)
    .sign(new TextEncoder().encode('unit-test-secret'));
}

function hub(now = () => 1_000_000) {
  const r = new SessionRevocations(30 * DAY, now);
  const issue = (token: string, userId: string, familyId: string) =>
    r.issued(token, {
      userId,
      familyId,
      accessExpiresAt: new Date(now() + 900_000),
      signInExpiresAt: new Date(now() + 30 * DAY),
    });
  return { r, issue };
}

describe('SessionRevocations', () => {
  it('signs out one family: its tokens are denied and only its watchers hear it', () => {
    const { r, issue } = hub();
    issue('t1', 'u', 'f1');
    issue('t2', 'u', 'f2');
    const heard: string[] = [];
    r.watch(r.signInOf('t1', 'u'), (e) => heard.push(`f1:${e.kind}`));
    r.watch(r.signInOf('t2', 'u'), (e) => heard.push(`f2:${e.kind}`));
    r.signedOut('u', 'f1');
    expect(heard).toEqual(['f1:signed_out']);
    expect(r.isRevoked('t1')).toBe(true);
    expect(r.isRevoked('t2')).toBe(false);
    expect(r.ended(r.signInOf('t1', 'u'))).toBe(true);
  });

  it('ends every sign-in on a password change, and denies none on a role change', () => {
    const { r, issue } = hub();
    issue('t1', 'u', 'f1');
    issue('t2', 'u', 'f2');
    issue('t3', 'v', 'f3');
    const heard: Revocation[] = [];
    r.watch({ userId: 'u', familyId: 'f1' }, (e) => heard.push(e));
    r.roleChanged('u', 'user');
    expect(r.isRevoked('t1')).toBe(false);
    r.passwordChanged('u');
    expect(heard.map((e) => e.kind)).toEqual(['role_changed', 'password_changed']);
    expect([r.isRevoked('t1'), r.isRevoked('t2'), r.isRevoked('t3')]).toEqual([true, true, false]);
  });

  it('reads a token it never issued from its claims, and counts any sign-out of its user', async () => {
    const { r } = hub();
    const token = await jwt({ iat: 1000, exp: 1900 });
    const signIn = r.signInOf(token, 'u');
    expect(signIn).toMatchObject({ familyId: null, accessExpiresAt: 1_900_000 });
    expect(signIn.signInExpiresAt).toBe(1_000_000 + 30 * DAY);
    const heard = vi.fn();
    r.watch(signIn, heard);
    r.signedOut('u', 'some-family');
    expect(heard).toHaveBeenCalledOnce();
  });

  it('stops telling a watcher that unsubscribed, and forgets expired tokens', () => {
    let now = 0;
    const { r, issue } = hub(() => now);
    issue('old', 'u', 'f');
    const stop = r.watch({ userId: 'u', familyId: 'f' }, () => {
      throw new Error('should not be called');
    });
    expect(r.watching).toBe(1);
    stop();
    expect(r.watching).toBe(0);
    r.signedOut('u', 'f');
    expect(r.isRevoked('old')).toBe(true);
    now = 900_000 + 60_000;
    issue('new', 'u', 'g');
    expect(r.isRevoked('old')).toBe(false);
  });
});

describe('atDeadline', () => {
  afterEach(() => vi.useRealTimers());

  it('fires once at the deadline, in steps past the 24.8-day timer limit', () => {
    vi.useFakeTimers({ now: 0 });
    const fn = vi.fn();
    atDeadline(40 * DAY, fn);
    vi.advanceTimersByTime(40 * DAY - 1);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledOnce();
  });

  it('fires at once for a deadline past, and never once cancelled', () => {
    vi.useFakeTimers({ now: 1000 });
    const past = vi.fn();
    atDeadline(0, past);
    expect(past).toHaveBeenCalledOnce();
    const later = vi.fn();
    atDeadline(5000, later)();
    vi.advanceTimersByTime(10_000);
    expect(later).not.toHaveBeenCalled();
  });
});
