import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentToBackend } from '../protocol';
import { CommandRunner } from './command-runner';
import { capturedLogger } from './testing/captured-logger';
import { FakeRuntime } from './testing/fake-runtime';
import { sessionCommand, VNC_PASSWORD } from './testing/session-spec';

describe('CommandRunner', () => {
  let runtime: FakeRuntime;
  let sent: AgentToBackend[];
  let logLines: string[];
  let runner: CommandRunner;

  const waitFor = async (probe: () => boolean) => {
    const deadline = Date.now() + 5_000;
    while (!probe()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const results = () => sent.filter((m) => m.type === 'result');

  beforeEach(() => {
    runtime = new FakeRuntime();
    sent = [];
    logLines = [];
    runner = new CommandRunner({
      runtime,
      logger: capturedLogger(logLines),
      send: (message) => {
        sent.push(message);
        return true;
      },
    });
  });

  afterEach(() => {
    // A session's VNC password may not show up in a log line.
    expect(logLines.join('')).not.toContain(VNC_PASSWORD);
  });

  it('acks before it answers, and runs a repeated command only once', async () => {
    let open!: () => void;
    runtime.startGate = new Promise((resolve) => {
      open = resolve;
    });
    runner.handle(sessionCommand('c1', 'start_session', 'alice-xterm-00000001'));
    runner.handle(sessionCommand('c1', 'start_session', 'alice-xterm-00000001'));
    expect(sent).toEqual([
      { type: 'ack', commandId: 'c1' },
      { type: 'ack', commandId: 'c1' },
    ]);
    expect(runner.running).toBe(1);
    open();
    await waitFor(() => results().length === 1);
    const result = results()[0];
    expect(result).toEqual({ type: 'result', commandId: 'c1', ok: true, state: 'running', message: '' });
    expect(sent.map((m) => m.type)).toEqual(['ack', 'ack', 'result']);
    expect(runner.running).toBe(0);

    // Re-sent after it finished: answered again from memory, not run again.
    runner.handle(sessionCommand('c1', 'start_session', 'alice-xterm-00000001'));
    expect(sent.slice(3)).toEqual([{ type: 'ack', commandId: 'c1' }, result]);
    expect(runtime.calls).toEqual(['start:alice-xterm-00000001']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(results()).toHaveLength(2);
  });

  it('reports a failed command with the reason and the state it left', async () => {
    runner.handle(sessionCommand('c2', 'hibernate_session', 'alice-none-00000009'));
    await waitFor(() => results().length === 1);
    expect(results()[0]).toEqual({
      type: 'result',
      commandId: 'c2',
      ok: false,
      state: 'failed',
      message: 'no session alice-none-00000009',
    });
  });

  it('runs each action on the runtime', async () => {
    runtime.sessions.set('alice-xterm-00000001', 'running');
    const name = 'alice-xterm-00000001';
    for (const [commandId, action] of [
      ['h', 'hibernate_session'],
      ['w', 'wake_session'],
      ['s', 'stop_session'],
    ] as const) {
      runner.handle({ type: 'command', commandId, action, name });
      await waitFor(() => results().some((m) => m.type === 'result' && m.commandId === commandId));
    }
    expect(runtime.calls).toEqual([`hibernate:${name}`, `wake:${name}`, `stop:${name}`]);
    expect(results().map((m) => m.type === 'result' && m.state)).toEqual([
      'hibernated',
      'running',
      'terminated',
    ]);
  });

  it('forgets the oldest results beyond what it remembers', async () => {
    runner = new CommandRunner({
      runtime,
      logger: pino({ level: 'silent' }),
      rememberedResults: 1,
      send: (message) => {
        sent.push(message);
        return true;
      },
    });
    runner.handle(sessionCommand('a', 'start_session', 'alice-xterm-00000001'));
    await waitFor(() => results().length === 1);
    runner.handle(sessionCommand('b', 'start_session', 'alice-xterm-00000002'));
    await waitFor(() => results().length === 2);
    // 'a' was forgotten, so a repeat runs again (harmless: the runtime is idempotent by name).
    runner.handle(sessionCommand('a', 'start_session', 'alice-xterm-00000001'));
    await waitFor(() => results().length === 3);
    expect(runtime.calls).toEqual([
      'start:alice-xterm-00000001',
      'start:alice-xterm-00000002',
      'start:alice-xterm-00000001',
    ]);
  });
});
