import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Database, openDatabase } from '../db/client';
import { appPaths, findAppRoot } from '../paths';
import { AuditLog } from './audit';

const { migrationsDir } = appPaths(findAppRoot(fileURLToPath(new URL('.', import.meta.url))));

describe('AuditLog', () => {
  let database: Database;
  let dataDir: string;
  const lines: string[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => lines.push(line) });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ss-audit-'));
    database = await openDatabase({ dataDir, migrationsDir, inMemory: true });
  });
  afterAll(async () => {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const entry = (target: string) => ({
    actor: 'alice',
    action: 'session.create',
    targetType: 'session' as const,
    target,
  });

  it('writes what is recorded without being awaited, and a read sees it', async () => {
    const audit = new AuditLog(database.db, logger);
    audit.record(entry('s1'));
    audit.record({ ...entry('s2'), detail: { template: 'xterm' } });
    const listed = await audit.list(10);
    expect(listed.map((e) => e.target)).toEqual(['s2', 's1']);
    expect(listed[0]?.detail).toEqual({ template: 'xterm' });
  });

  it('writes the entries of one batch window in one insert, in order, after it', async () => {
    const audit = new AuditLog(database.db, logger, 20);
    const insert = vi.spyOn(database.db, 'insert');
    try {
      for (let i = 0; i < 3; i++) audit.record(entry(`batch-${i}`));
      await new Promise((resolve) => setTimeout(resolve, 5));
      for (let i = 3; i < 5; i++) audit.record(entry(`batch-${i}`));
      expect(insert).not.toHaveBeenCalled();
      // The window's timer writes them, with nobody asking.
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(insert).toHaveBeenCalledTimes(1);
    } finally {
      insert.mockRestore();
    }
    const targets = (await audit.list(5)).map((e) => e.target);
    expect(targets).toEqual(['batch-4', 'batch-3', 'batch-2', 'batch-1', 'batch-0']);
  });

  it('logs a write that fails, with what it was to hold, and keeps writing later ones', async () => {
    const audit = new AuditLog(database.db, logger);
    const insert = vi.spyOn(database.db, 'insert').mockImplementationOnce(() => {
      throw new Error('disk full');
    });
    try {
      audit.record(entry('lost'));
      await audit.flush();
    } finally {
      insert.mockRestore();
    }
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; entries?: Array<{ target: string }> });
    expect(logged.at(-1)).toMatchObject({
      msg: 'could not write audit entries',
      entries: [{ target: 'lost' }],
    });
    audit.record(entry('kept'));
    expect((await audit.list(1))[0]?.target).toBe('kept');
  });
  it('filters by exact action, action kind, actor and time range', async () => {
    const audit = new AuditLog(database.db, logger);
    audit.record({ actor: 'filter-admin', action: 'user.create', targetType: 'user', target: 'f-bob' });
    audit.record({ actor: 'filter-admin', action: 'user.update', targetType: 'user', target: 'f-bob' });
    audit.record({ actor: 'filter-carol', action: 'user_x.create', targetType: 'user', target: 'f-wild' });
    audit.record({ actor: 'filter-carol', action: 'session.create', targetType: 'session', target: 'f-s1' });
    const targets = async (filter: Parameters<AuditLog['list']>[2]) =>
      (await audit.list(100, undefined, filter))
        .filter((e) => e.target.startsWith('f-'))
        .map((e) => e.action);
    expect(await targets({ action: 'user.create' })).toEqual(['user.create']);
    // A kind matches by its prefix as text: the underscore is no wildcard.
    expect(await targets({ action: 'user.' })).toEqual(['user.update', 'user.create']);
    expect(await targets({ actor: 'filter-carol' })).toEqual(['session.create', 'user_x.create']);
    expect(await targets({ actor: 'filter-carol', action: 'session.' })).toEqual(['session.create']);
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    expect(await targets({ since: inAnHour })).toEqual([]);
    expect(await targets({ until: hourAgo })).toEqual([]);
    expect(await targets({ since: hourAgo, until: inAnHour, actor: 'filter-admin' })).toEqual([
      'user.update',
      'user.create',
    ]);
  });
});
