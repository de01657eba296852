import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentConnection } from './connection';
import { capturedLogger } from './testing/captured-logger';
import { FakeRuntime } from './testing/fake-runtime';
import { sessionCommand, VNC_PASSWORD } from './testing/session-spec';
import { AGENT_TOKEN, TestBackend } from './testing/test-backend';

describe('AgentConnection', () => {
  let backend: TestBackend;
  let runtime: FakeRuntime;
  let connection: AgentConnection;
  let logLines: string[];

  function connect(): AgentConnection {
    connection = new AgentConnection({
      baseUrl: backend.baseUrl,
      token: AGENT_TOKEN,
      agentId: 'agent-1',
      version: '0.1.0',
      maxSessions: 7,
      runtime,
      logger: capturedLogger(logLines),
      reconnect: { initialMs: 20, maxMs: 100 },
      loadAverage: () => 0.25,
    });
    connection.start();
    return connection;
  }

  beforeEach(async () => {
    logLines = [];
    backend = new TestBackend(AGENT_TOKEN);
    await backend.listen();
    runtime = new FakeRuntime();
  });

  afterEach(async () => {
    await connection?.stop();
    await backend.close();
    expect(backend.invalidFrames).toEqual([]);
    // Neither the token nor a session's VNC password may show up in a log line.
    const logs = logLines.join('');
    expect(logs).not.toContain(AGENT_TOKEN);
    expect(logs).not.toContain(VNC_PASSWORD);
  });

  it('says hello with its sessions, then heartbeats the real session count', async () => {
    runtime.sessions.set('alice-a-00000001', 'running');
    runtime.sessions.set('alice-b-00000002', 'hibernated');
    connect();
    const hello = await backend.message('hello');
    expect(backend.control.request.headers.authorization).toBe(`Bearer ${AGENT_TOKEN}`);
    expect(hello).toEqual({
      type: 'hello',
      agentId: 'agent-1',
      runtime: 'local',
      version: '0.1.0',
      capacity: { maxSessions: 7 },
      sessions: [
        { name: 'alice-a-00000001', state: 'running' },
        { name: 'alice-b-00000002', state: 'hibernated' },
      ],
    });
    expect(backend.control.messages.some((m) => m.type === 'heartbeat')).toBe(false);

    backend.send({ type: 'welcome', heartbeatIntervalMs: 50 });
    expect(await backend.message('heartbeat')).toEqual({ type: 'heartbeat', activeSessions: 2, load: 0.25 });
    runtime.sessions.set('alice-c-00000003', 'starting');
    runtime.sessions.set('alice-d-00000004', 'failed');
    const from = backend.control.messages.length;
    expect(await backend.message('heartbeat', () => true, from)).toMatchObject({ activeSessions: 3 });
  });

  it('forwards status changes the runtime sees', async () => {
    connect();
    await backend.message('hello');
    runtime.emit('alice-xterm-00000001', 'failed', 'the app exited with code 1');
    expect(await backend.message('session_status')).toEqual({
      type: 'session_status',
      name: 'alice-xterm-00000001',
      state: 'failed',
      message: 'the app exited with code 1',
    });
  });

  it('ignores bad frames and keeps serving', async () => {
    connect();
    await backend.message('hello');
    backend.send('not json at all');
    backend.send(JSON.stringify({ type: 'nope' }));
    backend.send(JSON.stringify({ type: 'command', commandId: 'x', action: 'explode_session' }));
    backend.send(
      JSON.stringify({
        ...sessionCommand('c3', 'start_session', 'alice-xterm-00000001'),
        session: { name: 'BAD NAME' },
      }),
    );
    backend.control.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    backend.send({ type: 'error', code: 'invalid_request', message: 'you sent junk' });
    backend.send(sessionCommand('c4', 'start_session', 'alice-xterm-00000002'));
    expect(await backend.message('result')).toMatchObject({ commandId: 'c4', ok: true });
    expect(backend.controls).toHaveLength(1);
    expect(runtime.calls).toEqual(['start:alice-xterm-00000002']);
    expect(logLines.join('')).toContain('ignoring an invalid frame');
  });

  it('reconnects after the backend drops it, and says hello again', async () => {
    runtime.sessions.set('alice-a-00000001', 'running');
    connect();
    await backend.message('hello');
    backend.send({ type: 'welcome', heartbeatIntervalMs: 50 });
    await backend.message('heartbeat');
    backend.control.ws.terminate();
    await backend.waitFor(() => backend.controls.length === 2);
    expect(await backend.message('hello')).toMatchObject({ sessions: [{ name: 'alice-a-00000001' }] });
    expect(connection.state).toBe('open');
  });

  it('keeps retrying while the backend is down, and stops cleanly', async () => {
    const port = Number(new URL(backend.baseUrl).port);
    await backend.close();
    connect();
    expect(connection.state).toBe('connecting');
    await new Promise((resolve) => setTimeout(resolve, 150));
    backend = new TestBackend(AGENT_TOKEN);
    await backend.listen(port);
    await backend.message('hello');
    const closed = once(backend.control.ws, 'close');
    await connection.stop();
    const [code] = await closed;
    expect(code).toBe(1000);
    expect(connection.state).toBe('stopped');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(backend.controls).toHaveLength(1);
  });
});
