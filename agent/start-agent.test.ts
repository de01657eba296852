import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalRuntime, type RunningAgent, startAgent } from './index';
import { FakeRuntime } from './testing/fake-runtime';
import { killProcessesMentioning, processesMentioning } from './testing/strays';
import { TestBackend } from './testing/test-backend';

const logger = pino({ level: 'silent' });

describe('startAgent', () => {
  let backend: TestBackend | null = null;
  let agent: RunningAgent | null = null;

  afterEach(async () => {
    await agent?.stop();
    await backend?.close();
  });

  it('connects in-process and stops cleanly', async () => {
    backend = new TestBackend('tok');
    await backend.listen();
    const runtime = new FakeRuntime();
    agent = startAgent({
      baseUrl: backend.baseUrl,
      token: 'tok',
      agentId: 'local-agent',
      runtime,
      maxSessions: 4,
      logger,
      version: '1.2.3',
    });
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
    const runtime = new LocalRuntime({ stateDir, logger, stopGraceMs: 2_000 });
    try {
      agent = startAgent({
        baseUrl: backend.baseUrl,
        token: 'tok',
        agentId: 'local-agent',
        runtime,
        maxSessions: 4,
        logger,
        version: '1.2.3',
      });
      await backend.message('hello');
      backend.send({ type: 'welcome', heartbeatIntervalMs: 100 });
      const name = 'alice-xclock-0e2e0e2e';
      backend.send({
        type: 'command',
        commandId: 'start-1',
        action: 'start_session',
        session: {
          name,
          user: 'alice',
          template: 'xclock',
          resources: { memory: '256Mi', cpu: '250m' },
          persistentHome: false,
          vncPassword: 'e2e-pass',
          local: { command: ['xclock', '-title', '{home}'], env: {} },
        },
      });
      expect(await backend.message('result', (m) => m.commandId === 'start-1', 0)).toMatchObject({
        ok: true,
        state: 'running',
      });
      expect(await backend.message('session_status', (m) => m.state === 'running')).toMatchObject({ name });
      await backend.message('heartbeat', (m) => m.activeSessions === 1);

      backend.send({ type: 'tunnel_open', tunnelId: 'e2e-tunnel', session: name });
      const tunnel = await backend.waitFor(() => backend?.tunnels.find((t) => t.tunnelId === 'e2e-tunnel'));
      const banner = await new Promise<string>((resolve) =>
        tunnel.ws.once('message', (data: Buffer) => resolve(data.toString('latin1'))),
      );
      expect(banner).toBe('RFB 003.008\n');
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
    } finally {
      await agent?.stop();
      await runtime.close();
      await killProcessesMentioning(stateDir);
      await rm(stateDir, { recursive: true, force: true });
    }
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
