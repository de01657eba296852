import { IDLE_WARNING_LEAD_MS, type IdleWarningEvent } from '../../protocol';
import type { SessionRow } from '../db/schema';

export interface IdleWarningDeps {
  /** The idle period after which the sweep hibernates; 0 turns both off. */
  idleHibernateMs: number;
  leadMs?: number;
  /** Running sessions neither changed nor used since the cutoff (SessionStore.runningIdleSince). */
  candidates: (cutoff: Date) => Promise<SessionRow[]>;
  /** To the owner's /events sockets. */
  send: (username: string, event: IdleWarningEvent) => void;
}

/**
 * Warns a session's owner about a minute before the idle sweep (SessionService.hibernateIdle)
 * hibernates it, with the same idea of idle: running, and neither changed nor used since (a viewer
 * opening or closing, or reporting input). The warning goes once per idle spell: use or a change
 * starts a new spell, which may warn again.
 */
export class IdleWarnings {
  /** Sessions warned, with the start of the idle spell they were warned for. */
  private readonly warned = new Map<string, number>();

  constructor(private readonly deps: IdleWarningDeps) {}

  /** The lead, never more than half the idle period, so a short period still idles first. */
  get leadMs(): number {
    return Math.min(this.deps.leadMs ?? IDLE_WARNING_LEAD_MS, this.deps.idleHibernateMs / 2);
  }

  async sweep(now = Date.now()): Promise<string[]> {
    const idle = this.deps.idleHibernateMs;
    if (idle <= 0) return [];
    const warnAfter = idle - this.leadMs;
    const rows = await this.deps.candidates(new Date(now - warnAfter));
    const seen = new Set<string>();
    const sent: string[] = [];
    for (const row of rows) {
      if (row.state !== 'running' || !row.agentId) continue;
      const since = Math.max(row.lastViewedAt?.getTime() ?? 0, row.updatedAt.getTime());
      if (now - since < warnAfter) continue;
      seen.add(row.name);
      if (this.warned.get(row.name) === since) continue;
      this.warned.set(row.name, since);
      this.deps.send(row.username, {
        type: 'idle_warning',
        session: row.name,
        template: row.template,
        hibernateAt: new Date(since + idle).toISOString(),
      });
      sent.push(row.name);
    }
    // Forget sessions no longer about to idle, so the map holds only the current candidates.
    for (const name of this.warned.keys()) if (!seen.has(name)) this.warned.delete(name);
    return sent;
  }
}
