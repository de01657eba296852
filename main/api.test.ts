import { describe, expect, it } from 'vitest';
import { apiPath, routes } from '../protocol';
import { signedInClient } from './api';
import { AuthSession } from './auth-session';
import { memoryCredentialStore } from './credentials';
import { coded } from './errors';
import { FakeControlPlane } from './testing/fake-control-plane';
import { session, template } from './testing/fixtures';

const BASE = 'http://127.0.0.1:4200';

async function setup() {
  const server = new FakeControlPlane(BASE);
  const auth = new AuthSession({
    fetch: server.fetch,
    baseUrl: BASE,
    profile: { id: 'work', mode: 'remote' },
    credentials: memoryCredentialStore(),
  });
  await auth.login({ username: 'admin', password: 'admin-pw' });
  const client = signedInClient({ baseUrl: BASE, fetch: server.fetch, auth });
  return { server, client, auth };
}

describe('signedInClient', () => {
  it('lists templates and sessions with the bearer token', async () => {
    const { server, client } = await setup();
    server.templates = [template('firefox')];
    server.sessions = [session('firefox', 'running')];
    expect((await client.listTemplates()).templates).toEqual(server.templates);
    expect((await client.listSessions()).sessions).toEqual(server.sessions);
    expect(server.calls.at(-1)).toMatchObject({
      method: 'GET',
      path: apiPath(routes.listSessions),
      authorization: 'Bearer access-1',
    });
  });

  it('launches, hibernates, wakes and terminates', async () => {
    const { server, client } = await setup();
    server.templates = [template('firefox')];
    const created = await client.createSession({ body: { template: 'firefox' } });
    expect(created).toMatchObject({ template: 'firefox', state: 'pending' });
    expect(server.calls.at(-1)).toMatchObject({
      method: 'POST',
      path: apiPath(routes.createSession),
      body: { template: 'firefox' },
    });
    const params = { name: created.name };
    server.sessions[0]!.state = 'running';
    expect((await client.hibernateSession({ params })).session.state).toBe('hibernating');
    server.sessions[0]!.state = 'hibernated';
    expect((await client.wakeSession({ params })).session.state).toBe('waking');
    expect((await client.terminateSession({ params })).session.state).toBe('terminating');
    expect(server.calls.at(-1)).toMatchObject({
      method: 'DELETE',
      path: apiPath(routes.terminateSession, params),
    });
  });

  it('turns error answers into coded errors', async () => {
    const { server, client } = await setup();
    server.sessions = [session('firefox', 'hibernated')];
    const params = { name: server.sessions[0]!.name };
    await expect(coded('Hibernate', () => client.hibernateSession({ params }))).rejects.toMatchObject({
      code: 'conflict',
      message: 'Session is hibernated',
      status: 409,
    });
    await expect(
      coded('Launch', () => client.createSession({ body: { template: 'nope' } })),
    ).rejects.toMatchObject({ code: 'not_found' });
    server.offline = true;
    await expect(coded('List', () => client.listSessions())).rejects.toMatchObject({
      code: 'unreachable',
      message: expect.stringContaining(`Cannot reach ${BASE}`),
    });
  });

  it('refreshes a refused token once and retries the call', async () => {
    const { server, client } = await setup();
    server.revokeAllAccessTokens();
    expect((await client.listSessions()).sessions).toEqual([]);
    expect(server.countRoute('refresh')).toBe(1);
    expect(server.calls.at(-1)?.authorization).toBe('Bearer access-2');
  });

  it('fails as unauthorized when the sign-in is gone', async () => {
    const { server, client, auth } = await setup();
    await auth.logout();
    await expect(coded('List', () => client.listSessions())).rejects.toMatchObject({ code: 'unauthorized' });
    expect(server.calls.at(-1)?.authorization).toBeNull();
  });

  it('refuses answers that break the contract', async () => {
    const { auth } = await setup();
    const client = signedInClient({
      baseUrl: BASE,
      fetch: async () => new Response(JSON.stringify({ sessions: [{ name: 'x' }] }), { status: 200 }),
      auth,
    });
    await expect(coded('Listing sessions', () => client.listSessions())).rejects.toMatchObject({
      code: 'internal',
      message: 'Listing sessions: unexpected answer from the server',
    });
  });
});
