import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { apiWebSocketUrl, ServerEvent, SessionDto, type TokenPair } from '../../protocol';
import { connectAgent, startTestBackend, type TestBackend } from '../support/backend';
import { eventually } from '../support/eventually';
import type { ProtocolAgent } from '../support/protocol-agent';
import { createUser } from '../support/users';

describe('idle warning on /events', () => {
  let b: TestBackend;
  let admin: TokenPair;
  let alice: TokenPair;
  let agent: ProtocolAgent;

  beforeAll(async () => {
    // 3 s idle: the warning comes 1.5 s ahead (half the period, as it is shorter than two minutes).
    b = await startTestBackend('pglite', { STREAMSPACE_IDLE_HIBERNATE_MINUTES: '0.05' });
    admin = await b.login();
    alice = await createUser(b, admin.accessToken, 'alice');
    agent = await connectAgent(b, 'idle-agent', 10);
  });
  afterAll(async () => {
    await agent?.close();
    await b?.close();
  });

  it('warns the owner before an idle session hibernates, and not of one in use', async () => {
    const events: { event: ServerEvent; state: string | undefined }[] = [];
    const ws = new WebSocket(apiWebSocketUrl(b.url, 'events'));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'auth', token: alice.accessToken }));
    ws.on('message', (d) => {
      const event = ServerEvent.parse(JSON.parse(d.toString()));
      // The session's state when the warning arrived: it must still be running.
      const name = event.type === 'idle_warning' ? event.session : undefined;
      void (name ? b.cp.store.get(name) : Promise.resolve(undefined)).then((row) =>
        events.push({ event, state: row?.state }),
      );
    });
    await eventually(async () => events.some((e) => e.event.type === 'ready'));

    const launch = async () => {
      const res = await b.api('/sessions', { token: alice.accessToken, body: { template: 'xterm' } });
      expect(res.status).toBe(202);
      return SessionDto.parse(await res.json());
    };
    const idle = await launch();
    const used = await launch();
    const state = async (name: string) => (await b.cp.store.get(name))?.state;
    await eventually(
      async () => (await state(idle.name)) === 'running' && (await state(used.name)) === 'running',
      5000,
    );
    // A viewer in use reports it; here every half second, well inside the 3 s idle period.
    const report = () =>
      b.api(`/sessions/${used.name}/activity`, { token: alice.accessToken, method: 'POST' });
    expect((await report()).status).toBe(204);
    const reporting = setInterval(() => void report(), 500);
    try {
      await eventually(
        async () => (await state(idle.name)) === 'hibernated',
        20_000,
        'the idle session to hibernate',
      );
    } finally {
      clearInterval(reporting);
    }
    const warnings = events.filter((e) => e.event.type === 'idle_warning');
    expect(warnings).toHaveLength(1);
    const [warning] = warnings;
    expect(warning?.state).toBe('running');
    expect(warning?.event).toMatchObject({ type: 'idle_warning', session: idle.name, template: 'xterm' });
    if (warning?.event.type === 'idle_warning') {
      expect(Date.parse(warning.event.hibernateAt)).toBeGreaterThan(Date.parse(idle.createdAt));
    }
    expect(await state(used.name)).toBe('running');

    // Once its input stops, the session in use idles too: warned first, then hibernated.
    await eventually(async () => (await state(used.name)) === 'hibernated', 20_000, 'the unused one');
    expect(events.filter((e) => e.event.type === 'idle_warning').map((e) => e.event)).toContainEqual(
      expect.objectContaining({ session: used.name }),
    );
    ws.close();
  }, 60_000);

  it('takes input only from the owner', async () => {
    const res = await b.api('/sessions', { token: alice.accessToken, body: { template: 'xterm' } });
    const s = SessionDto.parse(await res.json());
    const other = await createUser(b, admin.accessToken, 'bob');
    expect(
      (await b.api(`/sessions/${s.name}/activity`, { token: other.accessToken, method: 'POST' })).status,
    ).toBe(403);
    // An admin may see the session, but its use is its owner's alone.
    expect(
      (await b.api(`/sessions/${s.name}/activity`, { token: admin.accessToken, method: 'POST' })).status,
    ).toBe(403);
    expect(
      (await b.api('/sessions/alice-xterm-0badf00d/activity', { token: alice.accessToken, method: 'POST' }))
        .status,
    ).toBe(404);
  });
});
