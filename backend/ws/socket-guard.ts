import { decodeJwt } from 'jose';
import type WebSocket from 'ws';
import { SIGNED_OUT_CLOSE_CODE } from '../../protocol';
import { atDeadline, type Revocation, type SessionRevocations, type SignIn } from '../auth/revocations';
import type { AuthService } from '../auth/service';
import type { UserRow } from '../db/schema';

/** How often a browser socket is pinged; one missed pong and it is gone. */
export const PING_INTERVAL_MS = 30_000;

/**
 * Pings `ws` every `intervalMs` and terminates it when the previous ping got no pong, so a peer
 * that vanished without a close (a sleeping laptop, a dropped NAT mapping) stops holding a socket
 * and its subscriptions.
 */
export function keepAlive(ws: WebSocket, intervalMs = PING_INTERVAL_MS): void {
  let answered = true;
  ws.on('pong', () => {
    answered = true;
  });
  const timer = setInterval(() => {
    // A paused socket reads nothing, pongs included (a viewer held until its session runs).
    if (ws.isPaused) return;
    if (!answered) {
      ws.terminate();
      return;
    }
    answered = false;
    ws.ping();
  }, intervalMs);
  ws.once('close', () => clearInterval(timer));
}

/**
 * Counts sockets per remote address that have upgraded but not yet authenticated, so one address
 * cannot hold thousands of them open for the auth timeout each.
 */
export class PendingSockets {
  private readonly byAddress = new Map<string, number>();

  constructor(private readonly maxPerAddress: number) {}

  /** A release function when `address` is under its cap, else null. Releasing twice is harmless. */
  enter(address: string): (() => void) | null {
    const n = this.byAddress.get(address) ?? 0;
    if (n >= this.maxPerAddress) return null;
    this.byAddress.set(address, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.byAddress.get(address) ?? 1) - 1;
      if (left <= 0) this.byAddress.delete(address);
      else this.byAddress.set(address, left);
    };
  }
}

const REASON = {
  signed_out: 'signed out',
  password_changed: 'password changed',
  disabled: 'account disabled',
  role_changed: 'role changed',
} as const satisfies Record<Revocation['kind'], string>;

/** The claimed subject of a token not yet verified, or null when it is not even a JWT. */
function claimedUser(token: string): string | null {
  try {
    return decodeJwt(token).sub ?? null;
  } catch {
    return null;
  }
}

export type SocketAuth =
  | { ok: true; user: UserRow; signIn: SignIn }
  | {
      ok: false;
      reason: 'unauthorized' | 'signed out' | 'password changed' | 'account disabled' | 'role changed';
    };

/**
 * AuthService.authenticate, plus the sign-in to watch. A revocation that lands while it awaits the
 * database (after which the socket would subscribe with what it read) refuses the token as well,
 * except a role change, after which the user is simply read again.
 */
export async function authenticateSocket(
  auth: Pick<AuthService, 'authenticate' | 'revocations'>,
  token: string,
): Promise<SocketAuth> {
  const claimed = claimedUser(token);
  if (!claimed) return { ok: false, reason: 'unauthorized' };
  // Not yet verified: only used to listen, and a forged subject hears nothing of use.
  const listening = auth.revocations.signInOf(token, claimed);
  for (let tries = 0; ; tries++) {
    const seen: { revocation?: Revocation } = {};
    const unwatch = auth.revocations.watch(listening, (r) => {
      seen.revocation ??= r;
    });
    let user: UserRow | null;
    try {
      user = await auth.authenticate(token);
    } finally {
      unwatch();
    }
    if (!user) return { ok: false, reason: 'unauthorized' };
    const missed = seen.revocation;
    if (!missed) return { ok: true, user, signIn: auth.revocations.signInOf(token, user.id) };
    if (missed.kind !== 'role_changed' || tries > 0) return { ok: false, reason: REASON[missed.kind] };
  }
}

/**
 * Closes `ws` with SIGNED_OUT_CLOSE_CODE when its sign-in is revoked in a way `applies` accepts,
 * or at `deadline`; `beforeClose` may tell the peer why first. Ends with the socket.
 */
export function closeWithSignIn(
  ws: WebSocket,
  opts: {
    revocations: SessionRevocations;
    signIn: SignIn;
    deadline: { at: number; reason: string };
    applies: (revocation: Revocation) => boolean;
    beforeClose?: (reason: string) => void;
  },
): void {
  let done = false;
  const end = (reason: string) => {
    if (done) return;
    done = true;
    stop();
    opts.beforeClose?.(reason);
    ws.close(SIGNED_OUT_CLOSE_CODE, reason);
  };
  const unwatch = opts.revocations.watch(opts.signIn, (r) => {
    if (opts.applies(r)) end(REASON[r.kind]);
  });
  // A deadline already past fires inside atDeadline, before it has returned its cancel.
  let cancel = () => {};
  cancel = atDeadline(opts.deadline.at, () => end(opts.deadline.reason));
  function stop(): void {
    unwatch();
    cancel();
  }
  ws.once('close', stop);
}
