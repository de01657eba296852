import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../backend/db/schema';
import type { ApiClient, TokenPair } from '../../protocol';
import { connectAgent, startTestBackend, type TestBackend } from '../support/backend';
import { dbKinds } from '../support/databases';
import { eventually } from '../support/eventually';
import type { ProtocolAgent } from '../support/protocol-agent';

/** The launch path folds several writes into single statements; each must still do all it did. */
describe.each(dbKinds())('command dispatch, statement by statement, on %s', (kind) => {
  let b: TestBackend;
  let admin: TokenPair;
  let api: ApiClient;
  let agent: ProtocolAgent;

  const commandRow = async (id: string) =>
    (await b.cp.database.db.select().from(commands).where(eq(commands.id, id)))[0];
  const state = async (name: string) => (await b.cp.store.get(name))?.state;

  beforeAll(async () => {
    b = await startTestBackend(kind);
    admin = await b.login();
    api = b.client(admin.accessToken);
    agent = await connectAgent(b, 'dispatch-agent', 10);
    agent.autoReply = null;
  });
  afterAll(async () => {
    await agent?.close();
    await b?.close();
  });

  it('writes the session and its start command together, marks it sent and the session starting', async () => {
    const created = await api.createSession({ body: { template: 'xterm' } });
    const start = await agent.command('start_session');
    expect(start.session.name).toBe(created.name);
    // The answer already saw the send: the session is starting, its command sent once.
    expect(created.state).toBe('starting');
    expect(await commandRow(start.commandId)).toMatchObject({
      sessionName: created.name,
      status: 'sent',
      attempts: 1,
    });
    expect((await commandRow(start.commandId))?.sentAt).toBeInstanceOf(Date);
    agent.send({ type: 'result', commandId: start.commandId, ok: true, state: 'running', message: '' });
    await eventually(async () => (await state(created.name)) === 'running');
    expect((await commandRow(start.commandId))?.status).toBe('done');
  });

  it('sends a command queued behind another once that one’s result comes, and not before', async () => {
    const created = await api.createSession({ body: { template: 'xterm' } });
    const start = await agent.command('start_session');
    // Stopped while it is still starting: the stop waits for the start to finish.
    await api.terminateSession({ params: { name: created.name } });
    await expect(agent.command('stop_session', 300)).rejects.toThrow(/timed out/);
    agent.send({ type: 'result', commandId: start.commandId, ok: true, state: 'running', message: '' });
    const stop = await agent.command('stop_session');
    expect(stop.name).toBe(created.name);
    agent.send({ type: 'result', commandId: stop.commandId, ok: true, state: 'terminated', message: '' });
    await eventually(async () => (await state(created.name)) === 'terminated');
    // Nothing waits behind the stop, and nothing more goes out.
    await expect(agent.command(undefined, 300)).rejects.toThrow(/timed out/);
  });

  it('records the launch in the audit log, written after the answer', async () => {
    const created = await api.createSession({ body: { template: 'xterm' } });
    await agent.command('start_session');
    const { entries } = await api.audit({ query: { limit: 20 } });
    expect(entries.find((e) => e.target === created.name)).toMatchObject({
      actor: 'admin',
      action: 'session.create',
      detail: { template: 'xterm' },
    });
  });
});
