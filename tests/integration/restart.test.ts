import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../bench/lib/api';
import { rfbConnect, wsTransport } from '../../bench/lib/rfb-client';
import { createPostgresDatabase, dbKinds } from '../support/databases';
import { xvncFor } from '../support/processes';
import { eventually } from '../support/protocol-agent';
import { type StackProcess, startStackProcess } from '../support/stack-process';

const PASSWORD = 'restart-admin-password';

/** Connects a raw RFB client through the backend and waits for a first framebuffer update. */
async function viewOnce(api: ApiClient, name: string): Promise<{ width: number; bytes: number }> {
  const ticket = await api.ticket(name);
  const rfb = await rfbConnect(await wsTransport(api.vncUrl(name, ticket.ticket)), ticket.vncPassword);
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
    let api = new ApiClient(stack.url);
    await api.login('admin', PASSWORD);
    const running = await api.launch('xterm');
    const sleeping = await api.launch('xclock');
    await eventually(async () => (await api.session(running.name)).state === 'running', 30_000, 'running');
    await eventually(async () => (await api.session(sleeping.name)).state === 'running', 30_000, 'running');
    expect((await viewOnce(api, running.name)).bytes).toBeGreaterThan(0);
    await api.call(`/sessions/${sleeping.name}/hibernate`, { method: 'POST' });
    await eventually(
      async () => (await api.session(sleeping.name)).state === 'hibernated',
      30_000,
      'hibernated',
    );
    const before = (await (await api.call('/sessions')).json()) as {
      sessions: Array<{ name: string; state: string }>;
    };
    const audit = (await (await api.call('/audit')).json()) as { entries: unknown[] };
    // A launch whose start command is in flight when the process dies.
    const inFlight = await api.launch('xterm');

    await stack.stop('SIGKILL');
    // The sessions' processes are not the stack's children: they outlive it.
    expect(xvncFor(running.name)).toHaveLength(1);

    stack = await startStackProcess(env, { dataDir });
    api = new ApiClient(stack.url);
    await api.login('admin', PASSWORD);
    const after = (await (await api.call('/sessions')).json()) as {
      sessions: Array<{ name: string; state: string }>;
    };
    expect(after.sessions.filter((s) => s.name !== inFlight.name).map((s) => [s.name, s.state])).toEqual(
      before.sessions.map((s) => [s.name, s.state]),
    );
    // Its command is replayed (or the agent re-adopts what it had started), and it comes up.
    await eventually(
      async () => (await api.session(inFlight.name)).state === 'running',
      30_000,
      'in-flight start',
    );
    await api.terminate(inFlight.name);
    expect(xvncFor(inFlight.name)).toEqual([]);
    const auditAfter = (await (await api.call('/audit')).json()) as { entries: unknown[] };
    expect(auditAfter.entries.length).toBeGreaterThanOrEqual(audit.entries.length);

    // The agent re-adopts the sessions on hello, so the running one streams again.
    const view = await eventually(
      async () => viewOnce(api, running.name).catch(() => null),
      30_000,
      'viewer after restart',
    );
    expect(view.width).toBe(1280);
    expect(view.bytes).toBeGreaterThan(0);

    // And the hibernated one wakes when asked, then everything can be cleaned up.
    await api.call(`/sessions/${sleeping.name}/wake`, { method: 'POST' });
    await eventually(async () => (await api.session(sleeping.name)).state === 'running', 30_000, 'woken');
    await api.terminate(running.name);
    await api.terminate(sleeping.name);
    expect(xvncFor(running.name)).toEqual([]);
    expect(xvncFor(sleeping.name)).toEqual([]);
  });
});
