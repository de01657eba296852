import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorBody, apiUrl, createApiClient, routes } from '../../protocol';
import { ADMIN_PASSWORD } from '../support/backend';
import { type BareBackend, startBareBackend } from '../support/bare-backend';

// The local stack checks its own host for each template's program: one whose command is nowhere
// on PATH is listed as not installed, with its package, and a launch of it is refused up front.

const MISSING = 'streamspace-surely-not-installed';

describe('the local stack catalog', { timeout: 120_000 }, () => {
  let b: BareBackend;
  let userDir: string;
  let url: string;
  let token: string;

  beforeAll(async () => {
    userDir = mkdtempSync(join(tmpdir(), 'ss-templates-'));
    writeFileSync(
      join(userDir, 'ghostapp.yaml'),
      [
        'name: ghostapp',
        'displayName: Ghost App',
        'category: Tools',
        'defaultResources: {memory: 256Mi, cpu: 250m}',
        `local: {command: [${MISSING}, --flag], aptPackage: ghost-app}`,
        '',
      ].join('\n'),
    );
    b = await startBareBackend({ STREAMSPACE_TEMPLATES_DIR: userDir }, { localStack: true });
    url = `http://127.0.0.1:${b.port}`;
    token = (
      await createApiClient({ baseUrl: url }).login({ body: { username: 'admin', password: ADMIN_PASSWORD } })
    ).accessToken;
  });
  afterAll(async () => {
    await b?.close();
    rmSync(userDir, { recursive: true, force: true });
  });

  it('marks a template whose program is missing as not installed, with its package', async () => {
    const client = createApiClient({ baseUrl: url, token: () => token });
    const { templates } = await client.listTemplates();
    const ghost = templates.find((t) => t.name === 'ghostapp');
    expect(ghost?.notInstalled).toEqual({
      program: MISSING,
      aptPackage: 'ghost-app',
      hint: 'Install with: sudo apt install ghost-app',
    });
    // xterm is installed here (scripts/install-system-deps.sh), so it is not marked.
    const xterm = templates.find((t) => t.name === 'xterm');
    expect(xterm).toBeDefined();
    expect(xterm?.notInstalled).toBeUndefined();
    expect((await client.getTemplate({ params: { name: 'ghostapp' } })).notInstalled?.aptPackage).toBe(
      'ghost-app',
    );
  });

  it('refuses to launch it with a 409 that names the package, and starts no session', async () => {
    const res = await fetch(apiUrl(url, routes.createSession.path), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ template: 'ghostapp' }),
    });
    expect(res.status).toBe(409);
    const body = ApiErrorBody.parse(await res.json());
    expect(body.error.code).toBe('conflict');
    expect(body.error.message).toContain('sudo apt install ghost-app');
    expect(body.error.details).toMatchObject({ program: MISSING, aptPackage: 'ghost-app' });
    const { sessions } = await createApiClient({ baseUrl: url, token: () => token }).listSessions();
    expect(sessions.filter((s) => s.template === 'ghostapp')).toEqual([]);
  });
});
