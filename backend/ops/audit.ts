import { desc, lt } from 'drizzle-orm';
import type { AuditEntry } from '../../protocol';
import type { Db } from '../db/client';
import { auditLog } from '../db/schema';

export interface AuditRecord {
  actor: string;
  action: string;
  targetType: 'session' | 'agent' | 'user';
  target: string;
  detail?: Record<string, unknown>;
}

export class AuditLog {
  constructor(private readonly db: Db) {}

  async record(entry: AuditRecord): Promise<void> {
    await this.db.insert(auditLog).values({ ...entry, detail: entry.detail ?? null });
  }

  async list(limit: number, before?: number): Promise<AuditEntry[]> {
    const rows = await this.db
      .select()
      .from(auditLog)
      .where(before ? lt(auditLog.id, before) : undefined)
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
