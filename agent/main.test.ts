import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { kubeConfigYamlFor, startFakeKube } from '../tests/fake-kube';
import { collectOutput } from '../tests/support/processes';
import { TestBackend } from './testing/test-backend';

const MAIN = join(import.meta.dirname, 'main.ts');

function runAgent(
  env: Record<string, string>,
  args: string[] = [],
): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
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

  it('prints its options for --help and exits 0', async () => {
    const { child, output } = runAgent({}, ['--help']);
    expect(await exitCode(child)).toBe(0);
    expect(output()).toContain('--kubeconfig PATH');
    expect(output()).toContain('STREAMSPACE_KUBE_NAMESPACE');
  });

  it('exits 2 for a runtime it does not have, or a kubeconfig that is not there', async () => {
    const env = { STREAMSPACE_URL: 'http://127.0.0.1:1', STREAMSPACE_AGENT_TOKEN: 'a.t' };
    const unknown = runAgent({ ...env, STREAMSPACE_RUNTIME: 'docker' });
    expect(await exitCode(unknown.child)).toBe(2);
    expect(unknown.output()).toContain('STREAMSPACE_RUNTIME: ');
    const missing = runAgent(env, ['--runtime', 'kubernetes', '--kubeconfig', '/nonexistent/kubeconfig']);
    expect(await exitCode(missing.child)).toBe(2);
    expect(missing.output()).toContain('kubeconfig /nonexistent/kubeconfig does not exist');
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

  it('runs the kubernetes runtime from flags and a token file', async () => {
    const backend = new TestBackend('kube-agent.kube-secret');
    await backend.listen();
    cleanups.push(() => backend.close());
    const kube = await startFakeKube();
    cleanups.push(() => kube.stop());
    const dir = await mkdtemp(join(tmpdir(), 'ss-cli-kube-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'kubeconfig'), kubeConfigYamlFor(kube));
    await writeFile(join(dir, 'token'), 'kube-agent.kube-secret\n', { mode: 0o600 });
    const { child, output } = runAgent({ STREAMSPACE_KUBE_NAMESPACE: 'from-env' }, [
      ...['--server', backend.baseUrl, '--token-file', join(dir, 'token'), '--runtime', 'kubernetes'],
      ...['--kubeconfig', join(dir, 'kubeconfig'), '--namespace', 'desktops', '--max-sessions', '2'],
    ]);
    cleanups.push(async () => child.kill('SIGKILL'));
    const hello = await backend.message('hello', () => true, 0);
    // No --agent-id: it comes from the token.
    expect(hello).toMatchObject({
      agentId: 'kube-agent',
      runtime: 'kubernetes',
      capacity: { maxSessions: 2 },
    });
    expect(kube.requests.some((r) => r.path.includes('/namespaces/desktops/'))).toBe(true);
    child.kill('SIGTERM');
    expect(await exitCode(child)).toBe(0);
    expect(output()).not.toContain('kube-secret');
  }, 20_000);
});
