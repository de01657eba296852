import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../backend/db/client';
import { agents, users } from '../../backend/db/schema';
import { EventHub } from '../../backend/events/hub';
import { appPaths, findAppRoot } from '../../backend/paths';
import { serialiseList } from '../../backend/sessions/serialised-list';
import { SessionStore, toSessionDto } from '../../backend/sessions/store';
import { SessionList } from '../../protocol';
import { createPostgresDatabase, dbKinds } from '../support/databases';

const { migrationsDir } = appPaths(findAppRoot(fileURLToPath(new URL('.', import.meta.url))));

describe.each(dbKinds())('session store lists stay in step with every write on %s', (kind) => {
  let database: Database;
  let store: SessionStore;
  let dataDir: string;
  let drop: (() => Promise<void>) | undefined;
  let n = 0;

  const names = async (userId?: string) =>
    SessionList.parse(
      JSON.parse((await store.listSerialised(userId ? { userId } : {})).body.toString()),
    ).sessions.map((s) => `${s.name}:${s.state}:${s.status.message}`);

  /** What a list read straight from the database would answer right now. */
  const fresh = async (userId?: string) =>
    serialiseList((await store.list(userId ? { userId } : {})).map(toSessionDto)).body.toString();

  const insert = (userId: string, agentId = 'agent-1') =>
    store.insert({
      name: `${userId}-xterm-${(n++).toString(16).padStart(8, '0')}`,
      namespace: 'streamspace',
      userId,
      username: userId,
      template: 'xterm',
      state: 'pending',
      message: 'waiting',
      memory: '64Mi',
      cpu: '100m',
      agentId,
      runtime: 'local',
      vncPassword: 'secret12',
    });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ss-store-'));
    const pgdb = kind === 'postgres' ? await createPostgresDatabase() : undefined;
    drop = pgdb?.drop;
    database = await openDatabase({ databaseUrl: pgdb?.url, dataDir, migrationsDir, inMemory: true });
    for (const id of ['alice', 'bob']) {
      await database.db.insert(users).values({ id, username: id, passwordHash: 'x', role: 'user' });
    }
    for (const id of ['agent-1', 'agent-2']) {
      await database.db
        .insert(agents)
        .values({ id, name: id, tokenHash: 'x', runtime: 'local', maxSessions: 100 });
    }
    store = new SessionStore(database.db, new EventHub());
  });

  afterAll(async () => {
    await database?.close();
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows an insert and each transition in the lists it belongs to, and only those', async () => {
    expect(await names()).toEqual([]);
    expect(await names('alice')).toEqual([]);
    const a = await insert('alice');
    expect(await names('alice')).toEqual([`${a.name}:pending:waiting`]);
    expect(await names('bob')).toEqual([]);
    const bobList = await store.listSerialised({ userId: 'bob' });

    expect((await store.transition(a.name, 'starting', 'starting'))?.state).toBe('starting');
    expect(await names()).toEqual([`${a.name}:starting:starting`]);
    expect(await names('alice')).toEqual([`${a.name}:starting:starting`]);
    // Bob's list was not touched, so it is the very same cached answer.
    expect(await store.listSerialised({ userId: 'bob' })).toBe(bobList);
  });

  it('keeps the lists when a transition is refused, and tells the caller', async () => {
    const a = await insert('alice');
    const before = await store.listSerialised({});
    // pending → hibernated is not in the state machine.
    expect(await store.transition(a.name, 'hibernated', 'nope')).toBeNull();
    expect(await store.transition('alice-xterm-ffffffff', 'running', 'nope')).toBeNull();
    expect((await store.listSerialised({})).etag).toBe(before.etag);
    expect((await store.get(a.name))?.state).toBe('pending');
  });

  it('updates only the message when the session is already in the state asked for', async () => {
    const a = await insert('bob');
    await store.transition(a.name, 'running', '');
    const same = await store.transition(a.name, 'running', '');
    expect(same?.state).toBe('running');
    const moved = await store.transition(a.name, 'running', 'still running');
    expect(moved?.message).toBe('still running');
    expect(await names('bob')).toContain(`${a.name}:running:still running`);
  });

  it('answers what the database holds after racing writes and reads', async () => {
    const rows = await Promise.all(Array.from({ length: 12 }, (_, i) => insert(i % 2 ? 'alice' : 'bob')));
    const reads: Array<Promise<unknown>> = [];
    await Promise.all(
      rows.flatMap((r, i) => {
        reads.push(store.listSerialised({}), store.listSerialised({ userId: r.userId }));
        return [
          store.transition(r.name, 'starting', 'starting'),
          store.transition(r.name, i % 3 ? 'running' : 'failed', `step ${i}`),
          store.transition(r.name, 'terminating', 'stop'),
        ];
      }),
    );
    await Promise.all(reads);
    for (const userId of [undefined, 'alice', 'bob']) {
      expect((await store.listSerialised(userId ? { userId } : {})).body.toString()).toBe(
        await fresh(userId),
      );
    }
  });

  it('counts live sessions per agent and of one user in one go', async () => {
    const before = await store.liveCounts('carol');
    expect(before.ofUser).toBe(0);
    const a = await insert('alice', 'agent-2');
    await insert('bob', 'agent-2');
    const ended = await insert('alice', 'agent-2');
    await store.transition(ended.name, 'failed', 'gone');
    const after = await store.liveCounts('alice');
    expect(after.byAgent.get('agent-2')).toBe((before.byAgent.get('agent-2') ?? 0) + 2);
    expect(after.byAgent.get('agent-1')).toBe(before.byAgent.get('agent-1'));
    expect(after.ofUser).toBe(await store.countLiveForUser('alice'));
    await store.transition(a.name, 'terminating', 'stop');
    expect((await store.liveCounts('alice')).ofUser).toBe(after.ofUser);
  });
});
