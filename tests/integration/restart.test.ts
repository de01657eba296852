import { afterAll, describe, expect, it } from 'vitest';
import { rfbConnect, wsTransport } from '../../agent/testing/rfb-client';
import { type SignedIn, signIn, terminate, viewer } from '../../bench/lib/api';
import { createPostgresDatabase, dbKinds } from '../support/databases';
import { eventually } from '../support/eventually';
import { xvncFor } from '../support/processes';
import { type StackProcess, startStackProcess } from '../support/stack-process';

const PASSWORD = 'restart-admin-password';

/** Connects a raw RFB client through the backend and waits for a first framebuffer update. */
async function viewOnce(admin: SignedIn, name: string): Promise<{ width: number; bytes: number }> {
  const view = await viewer(admin, name);
  const rfb = await rfbConnect(await wsTransport(view.url), view.vncPassword);
  const update = await rfb.update(false);
  rfb.close();
  return { width: rfb.width, bytes: update.bytes };
}

describe.each(dbKinds())('the stack survives kill -9 on %s', (kind) => {
  let stack: StackProcess | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await stack?.stop();
    await dropDatabase?.();
  });

  it('keeps every session and command, and running sessions can be viewed again', {
    timeout: 180_000,
  }, async () => {
    const env: Record<string, string> = { STREAMSPACE_ADMIN_PASSWORD: PASSWORD };
    if (kind === 'postgres') {
      const db = await createPostgresDatabase();
      env.DATABASE_URL = db.url;
      dropDatabase = db.drop;
    }
    stack = await startStackProcess(env);
    const dataDir = stack.dataDir;
    let admin = await signIn(stack.url, 'admin', PASSWORD);
    const stateOf = async (name: string) => (await admin.api.getSession({ params: { name } })).state;
    const running = await admin.api.createSession({ body: { template: 'xterm' } });
    const sleeping = await admin.api.createSession({ body: { template: 'xclock' } });
    await eventually(async () => (await stateOf(running.name)) === 'running', 30_000, 'running');
    await eventually(async () => (await stateOf(sleeping.name)) === 'running', 30_000, 'running');
    expect((await viewOnce(admin, running.name)).bytes).toBeGreaterThan(0);
    await admin.api.hibernateSession({ params: { name: sleeping.name } });
    await eventually(async () => (await stateOf(sleeping.name)) === 'hibernated', 30_000, 'hibernated');
    const before = await admin.api.listSessions();
    const audit = await admin.api.audit();
    // A launch whose start command is in flight when the process dies.
    const inFlight = await admin.api.createSession({ body: { template: 'xterm' } });

    await stack.stop('SIGKILL');
    // The sessions' processes are not the stack's children: they outlive it.
    expect(xvncFor(running.name)).toHaveLength(1);

    stack = await startStackProcess(env, { dataDir });
    admin = await signIn(stack.url, 'admin', PASSWORD);
    const after = await admin.api.listSessions();
    expect(after.sessions.filter((s) => s.name !== inFlight.name).map((s) => [s.name, s.state])).toEqual(
      before.sessions.map((s) => [s.name, s.state]),
    );
    // Its command is replayed (or the agent re-adopts what it had started), and it comes up.
    await eventually(async () => (await stateOf(inFlight.name)) === 'running', 30_000, 'in-flight start');
    await terminate(admin.api, inFlight.name);
    expect(xvncFor(inFlight.name)).toEqual([]);
    const auditAfter = await admin.api.audit();
    expect(auditAfter.entries.length).toBeGreaterThanOrEqual(audit.entries.length);

    // The agent re-adopts the sessions on hello, so the running one streams again.
    const view = await eventually(
      async () => viewOnce(admin, running.name).catch(() => null),
      30_000,
      'viewer after restart',
    );
    expect(view.width).toBe(1280);
    expect(view.bytes).toBeGreaterThan(0);

    // And the hibernated one wakes when asked, then everything can be cleaned up.
    await admin.api.wakeSession({ params: { name: sleeping.name } });
    await eventually(async () => (await stateOf(sleeping.name)) === 'running', 30_000, 'woken');
    await terminate(admin.api, running.name);
    await terminate(admin.api, sleeping.name);
    expect(xvncFor(running.name)).toEqual([]);
    expect(xvncFor(sleeping.name)).toEqual([]);
  });
});
