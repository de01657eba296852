import { describe, expect, it } from 'vitest';
import { BackendClient } from './backend-client';
import { FakeControlPlane } from './testing/fake-control-plane';
import { session, template } from './testing/fixtures';

const BASE = 'http://127.0.0.1:4200';

async function setup() {
  const server = new FakeControlPlane(BASE);
  const pair = await (
    await server.fetch(`${BASE}/api/v1/auth/login`, {
      method: 'POST',
      body: JSON.stringify({ username: 'admin', password: 'admin-pw' }),
    })
  ).json();
  let token: string | null = (pair as { accessToken: string }).accessToken;
  const client = new BackendClient({ fetch: server.fetch, baseUrl: BASE, token: async () => token });
  return {
    server,
    client,
    signOut: () => {
      token = null;
    },
  };
}

describe('BackendClient', () => {
  it('lists templates and sessions with the bearer token', async () => {
    const { server, client } = await setup();
    server.templates = [template('firefox')];
    server.sessions = [session('firefox', 'running')];
    expect(await client.listTemplates()).toEqual(server.templates);
    expect(await client.listSessions()).toEqual(server.sessions);
    expect(server.calls.at(-1)).toMatchObject({
      method: 'GET',
      path: '/api/v1/sessions',
      authorization: 'Bearer access-1',
    });
  });

  it('launches, hibernates, wakes and terminates', async () => {
    const { server, client } = await setup();
    server.templates = [template('firefox')];
    const created = await client.createSession('firefox');
    expect(created).toMatchObject({ template: 'firefox', state: 'pending' });
    expect(server.calls.at(-1)).toMatchObject({
      method: 'POST',
      path: '/api/v1/sessions',
      body: { template: 'firefox' },
    });
    server.sessions[0]!.state = 'running';
    expect((await client.hibernate(created.name)).session.state).toBe('hibernating');
    server.sessions[0]!.state = 'hibernated';
    expect((await client.wake(created.name)).session.state).toBe('waking');
    expect((await client.terminate(created.name)).session.state).toBe('terminating');
    expect(server.calls.at(-1)).toMatchObject({ method: 'DELETE', path: `/api/v1/sessions/${created.name}` });
  });

  it('turns error answers into coded errors', async () => {
    const { server, client } = await setup();
    server.sessions = [session('firefox', 'hibernated')];
    await expect(client.hibernate(server.sessions[0]!.name)).rejects.toMatchObject({
      code: 'conflict',
      message: 'Session is hibernated',
      status: 409,
    });
    await expect(client.createSession('nope')).rejects.toMatchObject({ code: 'not_found' });
    server.offline = true;
    await expect(client.listSessions()).rejects.toMatchObject({ code: 'unreachable' });
  });

  it('does not call the server without a token', async () => {
    const { server, client, signOut } = await setup();
    signOut();
    const before = server.calls.length;
    await expect(client.listSessions()).rejects.toMatchObject({ code: 'unauthorized' });
    expect(server.calls.length).toBe(before);
  });

  it('refuses answers that break the contract', async () => {
    const client = new BackendClient({
      fetch: async () => new Response(JSON.stringify({ sessions: [{ name: 'x' }] }), { status: 200 }),
      baseUrl: BASE,
      token: async () => 't',
    });
    await expect(client.listSessions()).rejects.toMatchObject({ code: 'internal' });
  });
});
