import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectOutput } from '../tests/support/processes';
import { TestBackend } from './testing/test-backend';

const MAIN = join(import.meta.dirname, 'main.ts');

function runAgent(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { child, output: collectOutput(child) };
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = await once(child, 'exit');
  return code as number | null;
}

describe('agent CLI', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('exits 2 with the problems on a bad configuration, without echoing the token', async () => {
    const { child, output } = runAgent({ STREAMSPACE_URL: 'nope', STREAMSPACE_AGENT_TOKEN: 'sekrit-token' });
    expect(await exitCode(child)).toBe(2);
    expect(output()).toContain('invalid configuration');
    expect(output()).toContain('STREAMSPACE_URL');
    expect(output()).toContain('STREAMSPACE_AGENT_ID: is required');
    expect(output()).not.toContain('sekrit-token');
  });

  it('exits 2 for a runtime it does not have', async () => {
    const { child, output } = runAgent({
      STREAMSPACE_URL: 'http://127.0.0.1:1',
      STREAMSPACE_AGENT_TOKEN: 't',
      STREAMSPACE_AGENT_ID: 'a',
      STREAMSPACE_RUNTIME: 'kubernetes',
    });
    expect(await exitCode(child)).toBe(2);
    expect(output()).toContain('STREAMSPACE_RUNTIME: only "local" is available');
  });

  it('connects, says hello, and shuts down on SIGTERM', async () => {
    const backend = new TestBackend('cli-token');
    await backend.listen();
    cleanups.push(() => backend.close());
    const stateDir = await mkdtemp(join(tmpdir(), 'ss-cli-'));
    cleanups.push(() => rm(stateDir, { recursive: true, force: true }));
    const { child, output } = runAgent({
      STREAMSPACE_URL: backend.baseUrl,
      STREAMSPACE_AGENT_TOKEN: 'cli-token',
      STREAMSPACE_AGENT_ID: 'cli-agent',
      STREAMSPACE_AGENT_STATE_DIR: stateDir,
      STREAMSPACE_MAX_SESSIONS: '3',
    });
    cleanups.push(async () => child.kill('SIGKILL'));
    const hello = await backend.message('hello', () => true, 0);
    expect(hello).toMatchObject({
      agentId: 'cli-agent',
      runtime: 'local',
      capacity: { maxSessions: 3 },
      sessions: [],
    });
    expect((await stat(join(stateDir, 'sessions'))).isDirectory()).toBe(true);
    const closed = once(backend.control.ws, 'close');
    child.kill('SIGTERM');
    expect(await exitCode(child)).toBe(0);
    expect((await closed)[0]).toBe(1000);
    expect(output()).not.toContain('cli-token');
  }, 20_000);
});
