import { and, asc, count, eq, inArray, isNull, lte, notInArray, or, type WithSubquery } from 'drizzle-orm';
import { canTransition, type SessionDto, SessionState } from '../../protocol';
import type { Db } from '../db/client';
import { InvalidatingCache } from '../db/invalidating-cache';
import { type CommandRow, commands, type SessionRow, sessions } from '../db/schema';
import type { EventHub } from '../events/hub';
import { type LiveCounts, LiveSessions } from './live-sessions';
import { type SerialisedList, serialiseList } from './serialised-list';

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

/** Cache key of the every-session list; user ids are UUIDs, so it cannot collide with one. */
const ALL = '*';

const LIVE: SessionState[] = SessionState.options.filter((s) => s !== 'terminated' && s !== 'failed');

/** States from which `to` may be reached, derived from the one state machine in protocol/. */
function predecessors(to: SessionState): SessionState[] {
  return SessionState.options.filter((from) => from !== to && canTransition(from, to));
}

/** Session rows. Every state change goes through `transition`, which persists first, then publishes. */
export class SessionStore {
  /**
   * Session lists as the bytes the API answers with, per user and for everyone. This store is the
   * only writer of session rows and drops the affected lists after each write, so with one backend
   * process they are never stale. Several replicas on one PostgreSQL would each need to hear the
   * others' writes (LISTEN/NOTIFY) before they could keep this cache.
   */
  private readonly lists = new InvalidatingCache<SerialisedList>();
  /** Counted from the rows this store writes, not by a query per launch. */
  private readonly live = new LiveSessions(
    () =>
      this.db
        .select({
          name: sessions.name,
          userId: sessions.userId,
          agentId: sessions.agentId,
          state: sessions.state,
        })
        .from(sessions)
        .where(inArray(sessions.state, LIVE)),
    (state) => LIVE.includes(state),
  );
  /** Waiters per session name, told of every write that publishes the row. */
  private readonly watchers = new Map<string, Set<(row: SessionRow) => void>>();

  constructor(
    private readonly db: Db,
    private readonly events: EventHub,
  ) {}

  async insert(row: typeof sessions.$inferInsert): Promise<SessionRow> {
    const inserted = await this.written(this.db.insert(sessions).values(row).returning());
    if (!inserted[0]) throw new Error(`session ${row.name} was not inserted`);
    this.publish(inserted[0]);
    return inserted[0];
  }

  /**
   * Inserts a new session together with its first command, in one statement: the launch then costs
   * the database one round trip before its command can go out instead of two (a transaction
   * would be four on PGlite, and measured slower than two), and a session can no longer be left
   * without the command that would start or fail it.
   */
  async insertWithCommand(
    row: typeof sessions.$inferInsert,
    command: typeof commands.$inferInsert,
  ): Promise<{ session: SessionRow; command: CommandRow }> {
    const s = this.db.$with('s').as(this.db.insert(sessions).values(row).returning());
    const c = this.db.$with('c').as(this.db.insert(commands).values(command).returning());
    let first: CommandRow | undefined;
    const [session] = await this.written(
      this.db
        .with(s, c)
        .select()
        .from(s)
        .crossJoin(c)
        .then((rows) => {
          first = rows[0]?.c;
          return rows.map((r) => r.s);
        }),
    );
    if (!session || !first) throw new Error(`session ${row.name} was not inserted`);
    this.publish(session);
    return { session, command: first };
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

  /**
   * Running sessions neither changed nor viewed since `cutoff`: the idle sweep's candidates. The
   * database filters them, so a sweep every 30 s does not parse every session ever made.
   */
  async runningIdleSince(cutoff: Date): Promise<SessionRow[]> {
    return this.db
      .select()
      .from(sessions)
      .where(
        and(
          eq(sessions.state, 'running'),
          lte(sessions.updatedAt, cutoff),
          or(isNull(sessions.lastViewedAt), lte(sessions.lastViewedAt, cutoff)),
        ),
      );
  }

  /** The SessionList the list endpoint answers with, in `list` order, encoded. */
  listSerialised(filter: { userId?: string }): Promise<SerialisedList> {
    return this.lists.get(filter.userId ?? ALL, async () =>
      serialiseList((await this.list(filter)).map(toSessionDto)),
    );
  }

  async countLiveForUser(userId: string): Promise<number> {
    const rows = await this.db
      .select({ n: count() })
      .from(sessions)
      .where(and(eq(sessions.userId, userId), inArray(sessions.state, LIVE)));
    return rows[0]?.n ?? 0;
  }

  /** Live sessions per agent, for placement (fresher than the last heartbeat), and of one user, for the quota. */
  liveCounts(userId: string): Promise<LiveCounts> {
    return this.live.counts(userId);
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
   * check and the write are one statement, so two racing writers cannot both win. The write comes
   * first and the read only when it matched nothing, because on the launch path it nearly always
   * matches and a read before every write cost a query per transition.
   */
  async transition(
    name: string,
    to: SessionState,
    message: string,
    extra: Partial<Pick<SessionRow, 'agentId' | 'runtime' | 'lastViewedAt'>> = {},
    /**
     * Writes to run in the same statement, whether or not the move happens (a command marked
     * sent, say): one round trip to the database where there were two.
     */
    alongside: readonly WithSubquery[] = [],
  ): Promise<SessionRow | null> {
    const moved = await this.written(
      this.db
        .with(...alongside)
        .update(sessions)
        .set({ state: to, message, updatedAt: new Date(), ...extra })
        .where(and(eq(sessions.name, name), inArray(sessions.state, predecessors(to))))
        .returning(),
    );
    if (moved[0]) {
      this.publish(moved[0]);
      return moved[0];
    }
    const current = await this.get(name);
    // Gone, or in a state from which `to` cannot be reached.
    if (!current || current.state !== to) return null;
    if (!message || message === current.message) return current;
    const updated = await this.written(
      this.db
        .update(sessions)
        .set({ message, updatedAt: new Date(), ...extra })
        .where(and(eq(sessions.name, name), eq(sessions.state, to)))
        .returning(),
    );
    if (updated[0]) this.publish(updated[0]);
    return updated[0] ?? current;
  }

  /** lastViewedAt is not part of a SessionDto, so the cached lists stay as they are. */
  async touchViewed(name: string, at: Date): Promise<void> {
    await this.db.update(sessions).set({ lastViewedAt: at }).where(eq(sessions.name, name));
  }

  /**
   * Awaits a write of session rows, then drops the lists it changed before anyone is told of it. A
   * write that throws may still have committed, so then every list goes.
   */
  private async written(write: PromiseLike<SessionRow[]>): Promise<SessionRow[]> {
    let rows: SessionRow[];
    try {
      rows = await write;
    } catch (err) {
      this.lists.clear();
      this.live.reset();
      throw err;
    }
    if (rows.length > 0) this.lists.invalidate([ALL, ...rows.map((r) => r.userId)]);
    this.live.written(rows);
    return rows;
  }

  /**
   * Resolves with the session once `predicate` holds for it, as written by this store: with the
   * current row if it already holds, else with the first published write that makes it hold. Null
   * when there is no such session, 'timeout' after `timeoutMs` or when `signal` aborts.
   */
  waitFor(
    name: string,
    predicate: (row: SessionRow) => boolean,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<SessionRow | null | 'timeout'> {
    return new Promise((resolve) => {
      let set = this.watchers.get(name);
      if (!set) {
        set = new Set();
        this.watchers.set(name, set);
      }
      const listeners = set;
      let done = false;
      const finish = (outcome: SessionRow | null | 'timeout') => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        listeners.delete(listener);
        if (listeners.size === 0 && this.watchers.get(name) === listeners) this.watchers.delete(name);
        resolve(outcome);
      };
      const listener = (row: SessionRow) => {
        if (predicate(row)) finish(row);
      };
      const onAbort = () => finish('timeout');
      // Listening starts before the read, so a write landing between the two is not missed.
      listeners.add(listener);
      const timer = setTimeout(() => finish('timeout'), timeoutMs);
      signal?.addEventListener('abort', onAbort);
      if (signal?.aborted) onAbort();
      this.get(name).then(
        (row) => {
          if (!row) finish(null);
          else if (predicate(row)) finish(row);
        },
        () => finish(null),
      );
    });
  }

  private publish(row: SessionRow): void {
    this.events.session(toSessionDto(row));
    const listeners = this.watchers.get(row.name);
    if (listeners) for (const listener of [...listeners]) listener(row);
  }
}
