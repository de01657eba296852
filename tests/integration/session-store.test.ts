import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../backend/db/client';
import { agents, commands, users } from '../../backend/db/schema';
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
    // The live counts followed the same writes without reading them back.
    for (const userId of ['alice', 'bob']) {
      expect((await store.liveCounts(userId)).ofUser).toBe(await store.countLiveForUser(userId));
    }
    const perAgent = new Map<string, number>();
    for (const r of await store.list({})) {
      if (r.agentId && r.state !== 'terminated' && r.state !== 'failed')
        perAgent.set(r.agentId, (perAgent.get(r.agentId) ?? 0) + 1);
    }
    expect((await store.liveCounts('alice')).byAgent).toEqual(perAgent);
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

  it('inserts a session with its first command in one statement, or neither', async () => {
    const before = await store.listSerialised({ userId: 'alice' });
    const name = `alice-xterm-${(n++).toString(16).padStart(8, '0')}`;
    const values = {
      name,
      namespace: 'streamspace',
      userId: 'alice',
      username: 'alice',
      template: 'xterm',
      state: 'pending' as const,
      message: 'waiting',
      memory: '64Mi',
      cpu: '100m',
      agentId: 'agent-1',
      runtime: 'local' as const,
      vncPassword: 'secret12',
    };
    const command = (id: string) => ({
      id,
      sessionName: name,
      agentId: 'agent-1',
      action: 'start_session' as const,
      status: 'pending' as const,
      deadlineAt: new Date(Date.now() + 60_000),
    });
    const launched = await store.insertWithCommand(values, command('cmd-1'));
    expect(launched.session).toEqual(await store.get(name));
    expect(launched.command).toMatchObject({
      id: 'cmd-1',
      sessionName: name,
      status: 'pending',
      attempts: 0,
    });
    expect(launched.command.deadlineAt).toBeInstanceOf(Date);
    // The write changed the next list.
    expect((await store.listSerialised({ userId: 'alice' })).etag).not.toBe(before.etag);
    expect(await names('alice')).toContain(`${name}:pending:waiting`);

    // The same name again: the session insert fails, and the command does not go in alone.
    await expect(store.insertWithCommand(values, command('cmd-2'))).rejects.toThrow();
    expect(await database.db.select().from(commands).where(eq(commands.id, 'cmd-2'))).toEqual([]);
    expect((await store.listSerialised({ userId: 'alice' })).body.toString()).toBe(await fresh('alice'));
  });
});
