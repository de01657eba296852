import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalRuntime, type RunningAgent, type StartAgentOptions, startAgent } from './index';
import type { Runtime } from './runtime';
import { FakeRuntime } from './testing/fake-runtime';
import { sessionSpec } from './testing/session-spec';
import { killProcessesMentioning, processesMentioning } from './testing/strays';
import { TestBackend } from './testing/test-backend';

const logger = pino({ level: 'silent' });

/** What the local stack passes: an agent of four sessions on the given backend and runtime. */
function localAgent(baseUrl: string, runtime: Runtime): StartAgentOptions {
  return { baseUrl, token: 'tok', agentId: 'local-agent', runtime, maxSessions: 4, logger, version: '1.2.3' };
}

describe('startAgent', () => {
  let backend: TestBackend | null = null;
  let agent: RunningAgent | null = null;
  /** What a test started outside this process: killed even when the test failed or timed out. */
  const stateDirs: string[] = [];
  const runtimes: LocalRuntime[] = [];

  afterEach(async () => {
    await agent?.stop();
    agent = null;
    await backend?.close();
    backend = null;
    for (const runtime of runtimes.splice(0)) await runtime.close();
    for (const dir of stateDirs.splice(0)) {
      await killProcessesMentioning(dir);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('connects in-process and stops cleanly', async () => {
    backend = new TestBackend('tok');
    await backend.listen();
    const runtime = new FakeRuntime();
    agent = startAgent(localAgent(backend.baseUrl, runtime));
    expect(await backend.message('hello')).toMatchObject({
      agentId: 'local-agent',
      capacity: { maxSessions: 4 },
    });
    expect(agent.state).toBe('open');
    await agent.stop();
    expect(agent.state).toBe('stopped');
  });

  it('runs a real local session end to end: command, status, tunnel to Xvnc, stop', async () => {
    backend = new TestBackend('tok');
    await backend.listen();
    const stateDir = await mkdtemp(join(tmpdir(), 'ss-e2e-'));
    stateDirs.push(stateDir);
    const runtime = new LocalRuntime({ stateDir, logger, stopGraceMs: 2_000 });
    runtimes.push(runtime);
    agent = startAgent(localAgent(backend.baseUrl, runtime));
    const control = await backend.waitFor(() => backend?.controls[0]);
    await control.next('hello');
    backend.send({ type: 'welcome', heartbeatIntervalMs: 100 });
    const name = 'alice-xclock-0e2e0e2e';
    backend.send({
      type: 'command',
      commandId: 'start-1',
      action: 'start_session',
      session: sessionSpec(name, {
        template: 'xclock',
        resources: { memory: '256Mi', cpu: '250m' },
        vncPassword: 'e2e-pass',
        local: { command: ['xclock', '-title', '{home}'], env: {} },
      }),
    });
    expect(await backend.message('result', (m) => m.commandId === 'start-1', 0)).toMatchObject({
      ok: true,
      state: 'running',
    });
    expect(await backend.message('session_status', (m) => m.state === 'running')).toMatchObject({ name });
    await backend.message('heartbeat', (m) => m.activeSessions === 1);

    backend.send({ type: 'tunnel_open', tunnelId: 'e2e-tunnel', session: name });
    const tunnel = await backend.tunnel('e2e-tunnel');
    // Buffered from the moment the tunnel connected: the banner cannot slip past the test.
    expect((await tunnel.read(12)).toString('latin1')).toBe('RFB 003.008\n');
    tunnel.ws.close();

    backend.send({
      type: 'command',
      commandId: 'stop-1',
      action: 'stop_session',
      name,
    });
    expect(await backend.message('result', (m) => m.commandId === 'stop-1', 0)).toMatchObject({
      ok: true,
      state: 'terminated',
    });
    expect(await processesMentioning(stateDir)).toEqual([]);
  });

  it('refuses bad options without quoting them', () => {
    const runtime = new FakeRuntime();
    const start = () =>
      startAgent({
        baseUrl: 'not a url',
        token: '',
        agentId: 'a',
        runtime,
        maxSessions: 1,
        logger,
        version: '1',
      });
    expect(start).toThrow(/invalid agent options: baseUrl, token/);
  });
});
