import { and, asc, count, eq, inArray, notInArray } from 'drizzle-orm';
import { canTransition, type SessionDto, SessionState } from '../../protocol';
import type { Db } from '../db/client';
import { type SessionRow, sessions } from '../db/schema';
import type { EventHub } from '../events/hub';

export function toSessionDto(row: SessionRow): SessionDto {
  return {
    name: row.name,
    namespace: row.namespace,
    user: row.username,
    template: row.template,
    state: row.state,
    status: { phase: row.state, message: row.message },
    resources: { memory: row.memory, cpu: row.cpu },
    persistentHome: row.persistentHome,
    agentId: row.agentId,
    runtime: row.runtime,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const LIVE: SessionState[] = SessionState.options.filter((s) => s !== 'terminated' && s !== 'failed');

/** States from which `to` may be reached, derived from the one state machine in protocol/. */
function predecessors(to: SessionState): SessionState[] {
  return SessionState.options.filter((from) => from !== to && canTransition(from, to));
}

export type TransitionListener = (session: SessionDto, from: SessionState | null) => void;

/** Session rows. Every state change goes through `transition`, which persists first, then publishes. */
export class SessionStore {
  private readonly listeners: TransitionListener[] = [];

  constructor(
    private readonly db: Db,
    private readonly events: EventHub,
  ) {}

  onTransition(listener: TransitionListener): void {
    this.listeners.push(listener);
  }

  async insert(row: typeof sessions.$inferInsert): Promise<SessionRow> {
    const inserted = (await this.db.insert(sessions).values(row).returning())[0];
    if (!inserted) throw new Error(`session ${row.name} was not inserted`);
    this.publish(inserted, null);
    return inserted;
  }

  async get(name: string): Promise<SessionRow | undefined> {
    return (await this.db.select().from(sessions).where(eq(sessions.name, name)).limit(1))[0];
  }

  async list(filter: { userId?: string }): Promise<SessionRow[]> {
    return this.db
      .select()
      .from(sessions)
      .where(filter.userId ? eq(sessions.userId, filter.userId) : undefined)
      .orderBy(asc(sessions.createdAt), asc(sessions.name));
  }

  async countLiveForUser(userId: string): Promise<number> {
    const rows = await this.db
      .select({ n: count() })
      .from(sessions)
      .where(and(eq(sessions.userId, userId), inArray(sessions.state, LIVE)));
    return rows[0]?.n ?? 0;
  }

  /** Live sessions per agent, for placement: a fresher figure than the last heartbeat. */
  async liveCountsByAgent(): Promise<Map<string, number>> {
    const rows = await this.db
      .select({ agentId: sessions.agentId, n: count() })
      .from(sessions)
      .where(inArray(sessions.state, LIVE))
      .groupBy(sessions.agentId);
    return new Map(rows.filter((r) => r.agentId).map((r) => [r.agentId as string, r.n]));
  }

  async liveOnAgent(agentId: string): Promise<SessionRow[]> {
    return this.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.agentId, agentId), notInArray(sessions.state, ['terminated', 'failed'])));
  }

  async countByState(): Promise<Map<SessionState, number>> {
    const rows = await this.db
      .select({ state: sessions.state, n: count() })
      .from(sessions)
      .groupBy(sessions.state);
    return new Map(rows.map((r) => [r.state, r.n]));
  }

  /**
   * Moves a session to `to` only if the state machine allows it from the state it is in now; the
   * check and the write are one statement, so two racing writers cannot both win.
   */
  async transition(
    name: string,
    to: SessionState,
    message: string,
    extra: Partial<Pick<SessionRow, 'agentId' | 'runtime' | 'lastViewedAt'>> = {},
  ): Promise<SessionRow | null> {
    const before = await this.get(name);
    if (!before) return null;
    if (before.state === to) {
      if (message && message !== before.message) {
        const rows = await this.db
          .update(sessions)
          .set({ message, updatedAt: new Date(), ...extra })
          .where(and(eq(sessions.name, name), eq(sessions.state, to)))
          .returning();
        if (rows[0]) this.publish(rows[0], before.state);
        return rows[0] ?? before;
      }
      return before;
    }
    const from = predecessors(to);
    const rows = await this.db
      .update(sessions)
      .set({ state: to, message, updatedAt: new Date(), ...extra })
      .where(and(eq(sessions.name, name), inArray(sessions.state, from)))
      .returning();
    const after = rows[0];
    if (!after) return null;
    this.publish(after, before.state);
    return after;
  }

  async touchViewed(name: string, at: Date): Promise<void> {
    await this.db.update(sessions).set({ lastViewedAt: at }).where(eq(sessions.name, name));
  }

  private publish(row: SessionRow, from: SessionState | null): void {
    const dto = toSessionDto(row);
    this.events.session(dto);
    for (const l of this.listeners) l(dto, from);
  }
}
