import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionPaths, sessionsRoot } from '../../agent/runtimes/local/layout';
import { readStateFile } from '../../agent/runtimes/local/state-file';
import { tcpListenersOf } from '../../agent/testing/tcp-listeners';
import { configFromEnv } from '../../backend/config';
import { createLogger } from '../../backend/logger';
import { appPaths, findAppRoot } from '../../backend/paths';
import { type ApiClient, ApiErrorBody, apiUrl, createApiClient, SHARED_AGENT_WARNING } from '../../protocol';
import { type LocalStack, startLocalStack } from '../../stack/local-stack';
import { eventually } from '../support/eventually';
import { xvncFor } from '../support/processes';

const run = promisify(execFile);
const PASSWORD = 'isolation-admin-password';
const isRoot = process.getuid?.() === 0;

/**
 * The local stack in this process with the real local runtime (Xvnc, xterm), over HTTP: its agent
 * is single-user, and what a session leaves on disk is out of reach of other Unix accounts.
 */
describe('a local-runtime agent serves one user (real stack, real Xvnc)', () => {
  let dataDir: string;
  let stack: LocalStack;
  let admin: ApiClient;
  let adminToken: string;
  const logLines: string[] = [];
  const launched: string[] = [];

  const api = (path: string, token: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(apiUrl(stack.url, path), {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  const signIn = async (username: string, password: string) =>
    (await createApiClient({ baseUrl: stack.url }).login({ body: { username, password } })).accessToken;
  const running = (name: string) =>
    eventually(async () => (await admin.getSession({ params: { name } })).state === 'running', 20_000, name);
  async function launch(token: string): Promise<string> {
    const session = await createApiClient({ baseUrl: stack.url, token: () => token }).createSession({
      body: { template: 'xterm' },
    });
    launched.push(session.name);
    await running(session.name);
    return session.name;
  }
  async function terminate(name: string): Promise<void> {
    await admin.terminateSession({ params: { name } }).catch(() => {});
    await eventually(async () => xvncFor(name).length === 0, 10_000, `Xvnc of ${name} to exit`);
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ss-iso-stack-'));
    const config = configFromEnv(
      {
        STREAMSPACE_DATA_DIR: dataDir,
        STREAMSPACE_ADMIN_PASSWORD: PASSWORD,
        STREAMSPACE_MAX_SESSIONS_PER_USER: '5',
        LOG_LEVEL: 'info',
      },
      appPaths(findAppRoot(fileURLToPath(new URL('.', import.meta.url)))),
    );
    const logger = createLogger('info', { write: (line: string) => void logLines.push(line) });
    stack = await startLocalStack(config, logger, {
      port: 0,
      host: '127.0.0.1',
      runtime: { name: 'local' },
      maxSessions: 5,
    });
    adminToken = await signIn('admin', PASSWORD);
    admin = createApiClient({ baseUrl: stack.url, token: () => adminToken });
  });

  afterAll(async () => {
    // Closing the stack leaves sessions running on purpose; a test ends its own.
    for (const name of launched) await terminate(name).catch(() => {});
    for (const name of launched) for (const pid of xvncFor(name)) process.kill(pid, 'SIGKILL');
    await stack?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses other users until an admin shares the agent, and says what sharing means', async () => {
    await admin.createUser({ body: { username: 'bob', password: 'bob-password-1', role: 'user' } });
    const bob = await signIn('bob', 'bob-password-1');
    const refused = await api('/sessions', bob, { body: { template: 'xterm' } });
    expect(refused.status).toBe(503);
    const error = ApiErrorBody.parse(await refused.json()).error;
    expect(error.code).toBe('no_agent');
    expect(error.message).toMatch(/no agent can run xterm for you/);

    const [local] = (await admin.listAgents()).agents;
    expect(local).toMatchObject({
      name: 'local',
      runtime: 'local',
      owner: 'admin',
      shared: false,
      warning: null,
    });
    const shared = await admin.updateAgent({ params: { id: local!.id }, body: { shared: true } });
    expect(shared.agent).toMatchObject({ shared: true, warning: SHARED_AGENT_WARNING });
    expect(SHARED_AGENT_WARNING).toContain(
      "every user of this agent can read the others' sessions and act as the agent",
    );
    expect(logLines.join('')).toContain(SHARED_AGENT_WARNING);

    const name = await launch(bob);
    expect(name).toMatch(/^bob-xterm-/);
    // Xvnc of a running session holds no TCP listener, not even on loopback.
    const pids = xvncFor(name);
    expect(pids).toHaveLength(1);
    expect(await tcpListenersOf(pids)).toEqual([]);
    await terminate(name);

    await admin.updateAgent({ params: { id: local!.id }, body: { shared: false } });
    expect((await api('/sessions', bob, { body: { template: 'xterm' } })).status).toBe(503);
    expect((await api(`/agents/${local!.id}`, adminToken, { method: 'PATCH', body: {} })).status).toBe(400);
    expect(
      (await api(`/agents/no-such-agent`, adminToken, { method: 'PATCH', body: { shared: true } })).status,
    ).toBe(404);
  });

  it.skipIf(!isRoot)(
    'keeps the display, the VNC socket and the secrets from another Unix account',
    { timeout: 60_000 },
    async () => {
      const name = await launch(adminToken);
      const stateDir = join(dataDir, 'local-runtime');
      const paths = sessionPaths(stateDir, name);
      const read = await readStateFile(paths.stateFile);
      if (!read.ok) throw new Error(read.message);
      const { display, xvnc, app } = read.data;
      // Open every folder above the session's, so that its own 0700 is all that keeps them out.
      for (const dir of [dataDir, stateDir, sessionsRoot(stateDir)]) await chmod(dir, 0o755);

      const user = `ss-iso-${process.pid}`;
      await run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', user]);
      try {
        const as = (argv: string[], env: Record<string, string> = {}) =>
          run(
            'runuser',
            ['-u', user, '--', 'env', '-i', `PATH=${process.env.PATH}`, ...toPairs(env), ...argv],
            {
              timeout: 10_000,
            },
          );
        const connectScript = `require('net').connect({path:${JSON.stringify(paths.vncSocket)}})
          .on('connect',()=>{console.log('connected');process.exit(0)})
          .on('error',(e)=>{console.log(e.code);process.exit(3)})`;

        // The agent's own account gets in: the checks below look at something that works.
        const xauth = { XAUTHORITY: paths.xauthorityFile };
        await run('xwininfo', ['-root', '-display', `:${display}`], {
          env: { PATH: process.env.PATH, ...xauth },
        });
        expect((await run(process.execPath, ['-e', connectScript])).stdout.trim()).toBe('connected');

        // Another account reaches none of it.
        // The X socket itself is open to all (X11 has it so); without the cookie it lets nobody in.
        const noDisplay = { stderr: expect.stringMatching(/unable to open display/) };
        await expect(as(['xwininfo', '-root', '-display', `:${display}`])).rejects.toMatchObject(noDisplay);
        await expect(as(['xwininfo', '-root', '-display', `:${display}`], xauth)).rejects.toMatchObject(
          noDisplay,
        );
        await expect(as([process.execPath, '-e', connectScript])).rejects.toMatchObject({
          stdout: expect.stringMatching(/EACCES/),
        });
        for (const file of [paths.xauthorityFile, paths.passwordFile, paths.stateFile]) {
          await expect(as(['cat', file]), file).rejects.toThrow(/Permission denied/);
        }
        // The environments of the session's processes and of the agent (this process), where a
        // token could sit, are closed to other accounts.
        for (const pid of [xvnc.pid, app!.pid, process.pid]) {
          await expect(as(['cat', `/proc/${pid}/environ`]), String(pid)).rejects.toThrow(/Permission denied/);
        }
      } finally {
        await run('userdel', [user]).catch(() => {});
        await terminate(name);
      }
    },
  );
});

function toPairs(env: Record<string, string>): string[] {
  return Object.entries(env).map(([key, value]) => `${key}=${value}`);
}
