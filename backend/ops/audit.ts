import { and, desc, eq, gte, like, lt, type SQL } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { AuditEntry } from '../../protocol';
import type { Db } from '../db/client';
import { auditLog } from '../db/schema';

/** What the admin's audit view narrows the trail by; every field is optional. */
export interface AuditFilter {
  /** An exact action, or every action of a kind when it ends with a dot (`session.`). */
  action?: string | undefined;
  actor?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

/** `%` and `_` are LIKE's wildcards; an action is matched as the text it is. */
const likePrefix = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function auditConditions(before: number | undefined, filter: AuditFilter): SQL | undefined {
  const conditions: SQL[] = [];
  if (before) conditions.push(lt(auditLog.id, before));
  if (filter.action) {
    conditions.push(
      filter.action.endsWith('.')
        ? like(auditLog.action, likePrefix(filter.action))
        : eq(auditLog.action, filter.action),
    );
  }
  if (filter.actor) conditions.push(eq(auditLog.actor, filter.actor));
  if (filter.since) conditions.push(gte(auditLog.at, new Date(filter.since)));
  if (filter.until) conditions.push(lt(auditLog.at, new Date(filter.until)));
  return conditions.length > 0 ? and(...conditions) : undefined;
}

export interface AuditRecord {
  actor: string;
  action: string;
  targetType: 'session' | 'agent' | 'user';
  target: string;
  detail?: Record<string, unknown>;
}

/**
 * The audit trail. `record` only queues an entry: the insert used to sit on the request path of
 * every launch and action, and on PGlite every statement waits for the one before it, so the next
 * launch waited for it too. Entries queued within `batchMs` of each other are written together,
 * in one insert, after the answers that recorded them are on their way. Reads wait for what was
 * queued before them, and closing the control plane writes what is left.
 */
export class AuditLog {
  private queued: AuditRecord[] = [];
  private scheduled = false;
  /** The write in progress, if any: writes run one after another, so entries keep their order. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    /** At 12 launches a second, 100 ms puts one or two entries in each insert instead of one. */
    private readonly batchMs = 100,
  ) {}

  record(entry: AuditRecord): void {
    this.queued.push(entry);
    if (this.scheduled) return;
    this.scheduled = true;
    // Never unref'd: an entry must not be lost because nothing else kept the process up.
    setTimeout(() => void this.flush(), this.batchMs);
  }

  /** Resolves once everything recorded so far is written, or its failure logged. */
  flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.queued;
    this.queued = [];
    if (batch.length > 0) this.writing = this.writing.then(() => this.write(batch));
    return this.writing;
  }

  private async write(batch: AuditRecord[]): Promise<void> {
    try {
      await this.db.insert(auditLog).values(batch.map((e) => ({ ...e, detail: e.detail ?? null })));
    } catch (err) {
      // Nobody awaits this, so the log is the only place left to say what the trail is missing.
      this.logger.error(
        { err, entries: batch.map(({ actor, action, target }) => ({ actor, action, target })) },
        'could not write audit entries',
      );
    }
  }

  async list(limit: number, before?: number, filter: AuditFilter = {}): Promise<AuditEntry[]> {
    await this.flush();
    const rows = await this.db
      .select()
      .from(auditLog)
      .where(auditConditions(before, filter))
      .orderBy(desc(auditLog.id))
      .limit(limit);
    return rows.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actor: r.actor,
      action: r.action,
      targetType: r.targetType,
      target: r.target,
      detail: r.detail ?? null,
    }));
  }
}
