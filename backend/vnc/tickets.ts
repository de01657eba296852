import type { SignIn } from '../auth/revocations';
import { randomToken } from '../auth/secrets';

export interface TicketGrant {
  userId: string;
  sessionName: string;
  /** The sign-in the ticket was asked with: the viewer it opens ends with it. */
  signIn: SignIn;
}

/**
 * Single-use viewer tickets: a browser cannot set headers on a WebSocket, and a token in a URL
 * ends up in logs, so the URL carries a short-lived ticket bound to one user and one session.
 */
export const MAX_TICKETS_PER_USER = 16;

export class TicketBook {
  private readonly tickets = new Map<string, TicketGrant & { expiresAt: number }>();

  constructor(
    private readonly ttlMs = 30_000,
    private readonly now: () => number = Date.now,
    /** Unused tickets one user may hold; each carries a session's VNC password's worth of access. */
    private readonly perUser = MAX_TICKETS_PER_USER,
  ) {}

  issue(grant: TicketGrant, ttlMs = this.ttlMs): { ticket: string; expiresAt: Date } {
    this.prune();
    // The oldest go first, so a viewer retrying in a loop never locks its own user out, and a
    // client asking for tickets without end cannot grow the map.
    const own = [...this.tickets].filter(([, v]) => v.userId === grant.userId);
    for (const [key] of own.slice(0, Math.max(0, own.length - this.perUser + 1))) this.tickets.delete(key);
    const ticket = randomToken(32);
    const expiresAt = this.now() + ttlMs;
    this.tickets.set(ticket, { ...grant, expiresAt });
    return { ticket, expiresAt: new Date(expiresAt) };
  }

  /** The grant, once: a second use, an expired ticket or another session's ticket gets null. */
  consume(ticket: string, sessionName: string): TicketGrant | null {
    const entry = this.tickets.get(ticket);
    if (!entry) return null;
    this.tickets.delete(ticket);
    if (entry.expiresAt <= this.now() || entry.sessionName !== sessionName) return null;
    return { userId: entry.userId, sessionName: entry.sessionName, signIn: entry.signIn };
  }

  private prune(): void {
    const now = this.now();
    for (const [k, v] of this.tickets) if (v.expiresAt <= now) this.tickets.delete(k);
  }
}
