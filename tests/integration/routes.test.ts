import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_PREFIX,
  ApiErrorBody,
  apiUrl,
  apiWebSocketUrl,
  prepare,
  type RestRoute,
  type RouteInput,
  type RouteName,
  type Routes,
  routes,
  wsRoutes,
} from '../../protocol';
import { startTestBackend, type TestBackend } from '../support/backend';
import { upgradeStatus } from '../support/ws';

const SESSION = { params: { name: 'admin-xterm-0000abcd' } };
const ID = { params: { id: '00000000-0000-4000-8000-000000000000' } };

/**
 * A valid input for each route that needs one, so that what answers is the route's guard and not
 * its validation. Typed against the table: a route that gains a param or a body fails to compile here.
 */
const inputs: { [K in RouteName]: RouteInput<Routes[K]> } = {
  healthz: {},
  readyz: {},
  metrics: {},
  login: { body: { username: 'nobody', password: 'not-the-password' } },
  refresh: { body: { refreshToken: 'not-a-refresh-token' } },
  logout: { body: { refreshToken: 'not-a-refresh-token' } },
  me: {},
  listTemplates: {},
  getTemplate: { params: { name: 'xterm' } },
  listSessions: {},
  createSession: { body: { template: 'xterm' } },
  getSession: SESSION,
  terminateSession: SESSION,
  hibernateSession: SESSION,
  wakeSession: SESSION,
  viewerTicket: SESSION,
  reportActivity: SESSION,
  listFiles: SESSION,
  uploadFile: { params: { name: 'admin-xterm-0000abcd', path: 'Downloads/a.txt' } },
  downloadFile: { params: { name: 'admin-xterm-0000abcd', path: 'Downloads/a.txt' } },
  sessionThumbnail: SESSION,
  listAgents: {},
  createAgent: { body: { name: 'route-agent', runtime: 'local', maxSessions: 1, owner: 'admin' } },
  revokeAgent: ID,
  updateAgent: { ...ID, body: { shared: true } },
  listUsers: {},
  createUser: { body: { username: 'route-user', password: 'route-password-1', role: 'user' } },
  updateUser: { ...ID, body: { role: 'admin' } },
  audit: {},
};

const table = Object.entries(routes) as Array<[RouteName, RestRoute]>;

describe('the route table is what the backend serves', () => {
  let b: TestBackend;

  /** Sends a route's request exactly as the typed client would build it, with no token. */
  const call = (name: RouteName, route: RestRoute) => {
    const req = prepare(API_PREFIX, b.url, route, inputs[name]);
    return fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
  };

  beforeAll(async () => {
    b = await startTestBackend('pglite');
  });
  afterAll(async () => b?.close());

  it('answers an unknown API path with 404 and the error shape, so a route that is not there shows', async () => {
    const res = await fetch(apiUrl(b.url, '/no-such-route'));
    expect(res.status).toBe(404);
    expect(ApiErrorBody.parse(await res.json()).error.code).toBe('not_found');
  });

  it.each(table.filter(([, r]) => r.auth !== 'public'))(
    'guards %s: 401 and the error shape without a token',
    async (name, route) => {
      const res = await call(name, route);
      expect(res.status, `${route.method} ${route.path}`).toBe(401);
      const body = ApiErrorBody.parse(await res.json());
      expect(body.error.code).toBe('unauthorized');
      expect(body.error.message.length).toBeGreaterThan(0);
    },
  );

  it.each(table.filter(([, r]) => r.auth === 'public'))('serves public %s', async (name, route) => {
    const res = await call(name, route);
    await res.body?.cancel();
    expect(res.status, `${route.method} ${route.path}`).not.toBe(404);
  });

  it('serves every WebSocket route, refusing an upgrade without credentials but never with 404', async () => {
    const statuses: Record<string, number> = {};
    for (const name of Object.keys(wsRoutes) as Array<keyof typeof wsRoutes>) {
      const url =
        name === 'vnc'
          ? apiWebSocketUrl(b.url, name, SESSION)
          : name === 'agentTunnel'
            ? apiWebSocketUrl(b.url, name, { params: { tunnelId: 'no-such-tunnel' } })
            : apiWebSocketUrl(b.url, name);
      statuses[name] = await upgradeStatus(url);
    }
    // The events socket authenticates with its first frame, so its upgrade itself succeeds.
    expect(statuses).toEqual({ events: 101, vnc: 400, agentConnect: 401, agentTunnel: 401 });
  });
});
