import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient, SessionDto } from '../../protocol';
import { eventually } from '../support/eventually';
import { type InProcessStack, startInProcessStack } from '../support/in-process-stack';
import { xvncFor } from '../support/processes';
import { endSessions } from '../support/session-api';

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
  let local: InProcessStack;
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
    local = await startInProcessStack({
      prefix: 'ss-app-exit-',
      password: PASSWORD,
      maxSessions: 3,
      env: { STREAMSPACE_MAX_SESSIONS_PER_USER: '1' },
      async setup(dataDir) {
        const templates = join(dataDir, 'templates');
        await mkdir(templates, { recursive: true });
        // The sleep lets the session reach running first; 'instant' quits before its display answers.
        await writeFile(join(templates, 'quits.yaml'), shellTemplate('quits', 'sleep 2; exit 0'));
        await writeFile(join(templates, 'instant.yaml'), shellTemplate('instant', 'exit 0'));
        await writeFile(
          join(templates, 'crashes.yaml'),
          shellTemplate('crashes', 'sleep 2; echo broken >&2; exit 3'),
        );
        return { STREAMSPACE_TEMPLATES_DIR: templates };
      },
    });
    admin = local.admin;
  });

  afterAll(async () => {
    await endSessions(admin, launched, 0);
    await local?.close();
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
