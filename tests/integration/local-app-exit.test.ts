import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../backend/config';
import { createLogger } from '../../backend/logger';
import { appPaths, findAppRoot } from '../../backend/paths';
import { type ApiClient, createApiClient, type SessionDto } from '../../protocol';
import { type LocalStack, startLocalStack } from '../../stack/local-stack';
import { eventually } from '../support/eventually';
import { xvncFor } from '../support/processes';

const PASSWORD = 'app-exit-admin-password';

/** A template whose app runs `script` in sh, then exits the way the script says. */
function shellTemplate(name: string, script: string): string {
  return [
    `name: ${name}`,
    `displayName: ${name}`,
    'category: Tests',
    'defaultResources: { memory: 64Mi, cpu: 100m }',
    'local:',
    `  command: [sh, -c, ${JSON.stringify(script)}]`,
    '',
  ].join('\n');
}

/**
 * The local stack in this process with the real local runtime, at a quota of one session: an app
 * that quits with code 0 ends its session and frees the slot; one that exits non-zero fails.
 */
describe('an app that exits by itself (real stack, real Xvnc, quota 1)', () => {
  let dataDir: string;
  let stack: LocalStack;
  let admin: ApiClient;
  const launched: string[] = [];

  const get = (name: string) => admin.getSession({ params: { name } });
  const settled = (name: string) =>
    eventually(
      async () => {
        const session = await get(name);
        return session.state === 'terminated' || session.state === 'failed' ? session : null;
      },
      30_000,
      `${name} to end`,
    );
  async function launch(template: string): Promise<SessionDto> {
    const session = await admin.createSession({ body: { template } });
    launched.push(session.name);
    return session;
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ss-app-exit-'));
    const templates = join(dataDir, 'templates');
    await mkdir(templates, { recursive: true });
    // The sleep lets the session reach running first; 'instant' quits before its display answers.
    await writeFile(join(templates, 'quits.yaml'), shellTemplate('quits', 'sleep 2; exit 0'));
    await writeFile(join(templates, 'instant.yaml'), shellTemplate('instant', 'exit 0'));
    await writeFile(
      join(templates, 'crashes.yaml'),
      shellTemplate('crashes', 'sleep 2; echo broken >&2; exit 3'),
    );
    const config = configFromEnv(
      {
        STREAMSPACE_DATA_DIR: dataDir,
        STREAMSPACE_TEMPLATES_DIR: templates,
        STREAMSPACE_ADMIN_PASSWORD: PASSWORD,
        STREAMSPACE_MAX_SESSIONS_PER_USER: '1',
        LOG_LEVEL: 'silent',
      },
      appPaths(findAppRoot(fileURLToPath(new URL('.', import.meta.url)))),
    );
    stack = await startLocalStack(config, createLogger('silent'), {
      port: 0,
      host: '127.0.0.1',
      runtime: { name: 'local' },
      maxSessions: 3,
    });
    const { accessToken } = await createApiClient({ baseUrl: stack.url }).login({
      body: { username: 'admin', password: PASSWORD },
    });
    admin = createApiClient({ baseUrl: stack.url, token: () => accessToken });
  });

  afterAll(async () => {
    for (const name of launched) {
      await admin?.terminateSession({ params: { name } }).catch(() => {});
      for (const pid of xvncFor(name)) process.kill(pid, 'SIGKILL');
    }
    await stack?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('ends the session on a clean exit, cleans it up, and frees the quota slot', {
    timeout: 90_000,
  }, async () => {
    const first = await launch('quits');
    await eventually(async () => xvncFor(first.name).length === 1, 20_000, 'its Xvnc');
    const ended = await settled(first.name);
    expect(ended.state).toBe('terminated');
    expect(ended.status.message).toBe('the app quit');
    await eventually(async () => xvncFor(first.name).length === 0, 10_000, 'its Xvnc to go');

    // At a quota of one, the ended session no longer counts: launching again is allowed.
    const again = await launch('instant');
    const quick = await settled(again.name);
    expect(quick.state).toBe('terminated');
    expect(xvncFor(again.name)).toEqual([]);
  });

  it('fails the session on a non-zero exit, saying the code, and frees the slot too', {
    timeout: 90_000,
  }, async () => {
    const crashed = await settled((await launch('crashes')).name);
    expect(crashed.state).toBe('failed');
    expect(crashed.status.message).toContain('the app exited with code 3');
    expect(crashed.status.message).toContain('broken');
    expect(xvncFor(crashed.name)).toEqual([]);

    const next = await launch('quits');
    expect((await settled(next.name)).state).toBe('terminated');
  });
});
