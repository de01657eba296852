import type { SessionState } from '../../protocol';
import type { SessionRow } from '../db/schema';

export type LiveRow = Pick<SessionRow, 'name' | 'userId' | 'agentId' | 'state'>;

interface Snapshot {
  byName: Map<string, { userId: string; agentId: string | null }>;
  byAgent: Map<string, number>;
  byUser: Map<string, number>;
  loadedAt: number;
}

export interface LiveCounts {
  /** Live sessions per agent; sessions without an agent are not counted here. */
  byAgent: ReadonlyMap<string, number>;
  /** Live sessions of the user asked about. */
  ofUser: number;
}

const bump = (m: Map<string, number>, key: string, by: number) => {
  const n = (m.get(key) ?? 0) + by;
  if (n > 0) m.set(key, n);
  else m.delete(key);
};

function apply(s: Snapshot, row: LiveRow, isLive: (state: SessionState) => boolean): void {
  const before = s.byName.get(row.name);
  if (before) {
    s.byName.delete(row.name);
    bump(s.byUser, before.userId, -1);
    if (before.agentId) bump(s.byAgent, before.agentId, -1);
  }
  if (!isLive(row.state)) return;
  s.byName.set(row.name, { userId: row.userId, agentId: row.agentId });
  bump(s.byUser, row.userId, 1);
  if (row.agentId) bump(s.byAgent, row.agentId, 1);
}

/**
 * Live sessions per agent and per user, for placement and the quota, kept in step with the
 * store's writes instead of counted by a query on every launch: that query was the largest part
 * of a launch before its command could go out (2 ms on PGlite at a few hundred live sessions,
 * 8 ms at 10,000) and grew with every live session.
 *
 * Sound while the store is the only writer and hands every written row here. Rows are applied in
 * the order their writes complete; should two writes of one session ever complete out of order
 * (possible with a connection pool, never on PGlite's single queue), the counts are wrong only
 * until the next reload, which happens in the background once a snapshot is `maxAgeMs` old.
 */
export class LiveSessions {
  private snapshot: Snapshot | null = null;
  /** A reload in progress, with the rows written while it reads, to apply over what it read. */
  private loading: { promise: Promise<Snapshot>; replay: LiveRow[] } | null = null;

  constructor(
    private readonly load: () => Promise<LiveRow[]>,
    private readonly isLive: (state: SessionState) => boolean,
    private readonly maxAgeMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async counts(userId: string): Promise<LiveCounts> {
    let s = this.snapshot;
    if (!s) s = await this.reload();
    else if (this.now() - s.loadedAt >= this.maxAgeMs) {
      // Answer from what is known and read afresh behind it: no launch waits for the refresh.
      this.reload().catch(() => {});
    }
    // A copy: the caller weighs agents against one moment, not against counts that move under it.
    return { byAgent: new Map(s.byAgent), ofUser: s.byUser.get(userId) ?? 0 };
  }

  /** Rows just written by the store, as the database returned them. */
  written(rows: readonly LiveRow[]): void {
    for (const row of rows) {
      if (this.snapshot) apply(this.snapshot, row, this.isLive);
      this.loading?.replay.push(row);
    }
  }

  /** A write failed and may or may not have happened: forget everything, read again when asked. */
  reset(): void {
    this.snapshot = null;
    this.loading = null;
  }

  private reload(): Promise<Snapshot> {
    if (this.loading) return this.loading.promise;
    const replay: LiveRow[] = [];
    const loadedAt = this.now();
    const promise = this.load().then(
      (rows) => {
        const s: Snapshot = { byName: new Map(), byAgent: new Map(), byUser: new Map(), loadedAt };
        for (const row of rows) apply(s, row, this.isLive);
        for (const row of replay) apply(s, row, this.isLive);
        // A reset meanwhile means a write failed after this read began: keep nothing of it.
        if (this.loading?.promise === promise) {
          this.snapshot = s;
          this.loading = null;
        }
        return s;
      },
      (err: unknown) => {
        if (this.loading?.promise === promise) this.loading = null;
        throw err;
      },
    );
    this.loading = { promise, replay };
    return promise;
  }
}
