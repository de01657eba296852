import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../db/client';
import { agents, users } from '../db/schema';
import { EventHub } from '../events/hub';
import { appPaths, findAppRoot } from '../paths';
import { SessionStore } from './store';

const { migrationsDir } = appPaths(findAppRoot(fileURLToPath(new URL('.', import.meta.url))));

describe('SessionStore.waitFor', () => {
  let database: Database;
  let store: SessionStore;
  let dataDir: string;
  let n = 0;

  const insert = () =>
    store.insert({
      name: `alice-xterm-${(n++).toString(16).padStart(8, '0')}`,
      namespace: 'streamspace',
      userId: 'alice',
      username: 'alice',
      template: 'xterm',
      state: 'pending',
      message: '',
      memory: '64Mi',
      cpu: '100m',
      agentId: 'agent-1',
      runtime: 'local',
      vncPassword: 'secret12',
    });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ss-wait-'));
    database = await openDatabase({ dataDir, migrationsDir, inMemory: true });
    await database.db
      .insert(users)
      .values({ id: 'alice', username: 'alice', passwordHash: 'x', role: 'user' });
    await database.db
      .insert(agents)
      .values({ id: 'agent-1', name: 'agent-1', tokenHash: 'x', runtime: 'local', maxSessions: 10 });
    store = new SessionStore(database.db, new EventHub());
  });
  afterAll(async () => {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers at once when the session already is as wanted', async () => {
    const s = await insert();
    expect(await store.waitFor(s.name, (r) => r.state === 'pending', 1000)).toMatchObject({
      state: 'pending',
    });
  });

  it('resolves on the transition that makes it hold, skipping the ones that do not', async () => {
    const s = await insert();
    const waiting = store.waitFor(s.name, (r) => r.state === 'running', 5000);
    await store.transition(s.name, 'starting', 'starting');
    await store.transition(s.name, 'running', 'up');
    expect(await waiting).toMatchObject({ state: 'running', message: 'up' });
  });

  it('gives up after its timeout, or when aborted', async () => {
    const s = await insert();
    expect(await store.waitFor(s.name, (r) => r.state === 'running', 50)).toBe('timeout');
    const abort = new AbortController();
    const waiting = store.waitFor(s.name, (r) => r.state === 'running', 60_000, abort.signal);
    abort.abort();
    expect(await waiting).toBe('timeout');
  });

  it('answers null for a session that does not exist', async () => {
    expect(await store.waitFor('nobody-xterm-00000000', () => true, 1000)).toBeNull();
  });
});
