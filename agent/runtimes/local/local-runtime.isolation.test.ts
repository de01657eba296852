import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionSpec } from '../../../protocol';
import { ByteReader } from '../../testing/rfb-client';
import { sessionSpec } from '../../testing/session-spec';
import { killProcessesMentioning, processesMentioning } from '../../testing/strays';
import { tcpListenersOf } from '../../testing/tcp-listeners';
import { sessionPaths } from './layout';
import { LocalRuntime } from './local-runtime';
import { readStateFile } from './state-file';
import { MAX_SOCKET_PATH_BYTES } from './unix-socket';

const logger = pino({ level: 'silent' });
const SECRETS = {
  STREAMSPACE_AGENT_TOKEN: 'agent-token-secret',
  STREAMSPACE_ADMIN_PASSWORD: 'admin-pw-secret',
};

function spec(name: string, overrides: Partial<SessionSpec> = {}): SessionSpec {
  // {home} on the app's command line lets test cleanup find it by the state dir.
  return sessionSpec(name, { local: { command: ['xclock', '-title', '{home}'], env: {} }, ...overrides });
}

async function environ(pid: number): Promise<string[]> {
  return (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0').filter(Boolean);
}

describe('LocalRuntime isolation (real Xvnc)', () => {
  let stateDir: string;
  let runtimes: LocalRuntime[];

  function runtime(dir = stateDir): LocalRuntime {
    const created = new LocalRuntime({
      stateDir: dir,
      logger,
      stopGraceMs: 2_000,
      pollIntervalMs: 200,
      startTimeoutMs: 15_000,
      env: { ...process.env, ...SECRETS },
    });
    runtimes.push(created);
    return created;
  }

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'ss-local-iso-'));
    runtimes = [];
  });

  afterEach(async () => {
    for (const r of runtimes) await r.close();
    await killProcessesMentioning(stateDir);
    await rm(stateDir, { recursive: true, force: true });
  });

  it("keeps the agent's secrets out of every session process's environment", async () => {
    const local = runtime();
    const name = 'alice-xclock-1111aaaa';
    await local.start(spec(name));
    const read = await readStateFile(sessionPaths(stateDir, name).stateFile);
    if (!read.ok) throw new Error(read.message);
    for (const pid of [read.data.xvnc.pid, read.data.app!.pid]) {
      const env = await environ(pid);
      expect(env.some((line) => line.startsWith('PATH='))).toBe(true);
      for (const line of env) {
        expect(line).not.toMatch(/^STREAMSPACE_/);
        for (const secret of Object.values(SECRETS)) expect(line).not.toContain(secret);
      }
    }
    expect(await local.stop(name)).toBe('terminated');
  });

  it('serves a session whose socket path is too long for a socket address', async () => {
    const deep = join(stateDir, 'a-state-dir-deep-inside-a-home-folder'.repeat(2));
    await mkdir(deep, { recursive: true });
    const local = runtime(deep);
    const name = 'alice-a-rather-long-template-name-for-this-test-2222bbbb';
    expect(await local.start(spec(name))).toBe('running');
    const paths = sessionPaths(deep, name);
    expect(Buffer.byteLength(paths.vncSocket)).toBeGreaterThan(MAX_SOCKET_PATH_BYTES);
    const stream = await local.openStream(name);
    expect((await new ByteReader(stream).read(12)).toString()).toBe('RFB 003.008\n');
    stream.destroy();
    const read = await readStateFile(paths.stateFile);
    if (!read.ok) throw new Error(read.message);
    expect(await tcpListenersOf([read.data.xvnc.pid])).toEqual([]);
    expect(await local.stop(name)).toBe('terminated');
  });

  it('ends, rather than adopts, a session an older agent started on a TCP port', async () => {
    const first = runtime();
    const name = 'alice-xclock-3333cccc';
    await first.start(spec(name));
    await first.close();
    // Rewrite its record the way an agent before Unix sockets wrote it.
    const paths = sessionPaths(stateDir, name);
    const read = await readStateFile(paths.stateFile);
    if (!read.ok) throw new Error(read.message);
    const old = { ...read.data, version: 1, port: 40_123 };
    await writeFile(paths.stateFile, JSON.stringify(old));

    const second = runtime();
    expect(await second.list()).toEqual([]);
    expect(await processesMentioning(stateDir)).toEqual([]);
    await expect(stat(paths.dir)).rejects.toThrow(/ENOENT/);
  });
});
