import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiWebSocketUrl, createApiClient } from './api-client';
import { ApiError } from './lib/rest-client';
import { sampleSession } from './testing/fixtures';

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  contentType: string | undefined;
  body: string;
}

describe('createApiClient against a real HTTP server', () => {
  let server: Server;
  let base: string;
  const seen: Seen[] = [];
  let validToken = 'good';

  const session = sampleSession({ name: 'alice-xterm-0a1b2c3d' });

  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => resolve(body));
    });

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const body = await read(req);
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        auth: req.headers.authorization,
        contentType: req.headers['content-type'],
        body,
      });
      const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        res.end(JSON.stringify(value));
      };
      if (req.headers.authorization !== undefined && req.headers.authorization !== `Bearer ${validToken}`) {
        return json(401, { error: { code: 'unauthorized', message: 'expired' } });
      }
      if (req.url === '/base/api/v1/sessions?all=true') return json(200, { sessions: [session] });
      if (req.url === '/base/api/v1/sessions/alice-xterm-0a1b2c3d/hibernate')
        return json(202, { commandId: 'c1', session });
      if (req.url === '/base/api/v1/sessions' && req.method === 'POST')
        return json(403, { error: { code: 'quota_exceeded', message: 'You have 5 sessions.' } });
      if (req.url === '/base/api/v1/auth/login')
        return json(429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'Retry-After': '7' });
      if (req.url === '/base/api/v1/me') return json(200, { surprise: true });
      if (req.url === '/base/api/v1/auth/logout') {
        res.writeHead(204).end();
        return;
      }
      res.writeHead(502, { 'Content-Type': 'text/html' }).end('<html>bad gateway</html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/base/`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('builds the path, the query and the bearer header from the route table', async () => {
    const client = createApiClient({ baseUrl: base, token: () => 'good' });
    const list = await client.listSessions({ query: { all: 'true' } });
    expect(list.sessions[0]?.name).toBe(session.name);
    const accepted = await client.hibernateSession({ params: { name: session.name } });
    expect(accepted.commandId).toBe('c1');
    expect(seen.at(-1)).toMatchObject({ method: 'POST', auth: 'Bearer good' });
  });

  it('sends JSON bodies with their content type, and takes an empty 204', async () => {
    const client = createApiClient({ baseUrl: base });
    await expect(client.logout({ body: { refreshToken: 'r' } })).resolves.toBeUndefined();
    expect(seen.at(-1)).toMatchObject({
      contentType: 'application/json',
      body: '{"refreshToken":"r"}',
      auth: undefined,
    });
  });

  it("keeps the server's code and message, and Retry-After", async () => {
    const client = createApiClient({ baseUrl: base, token: () => 'good' });
    const quota = await client.createSession({ body: { template: 'xterm' } }).catch((e: unknown) => e);
    expect(quota).toBeInstanceOf(ApiError);
    expect(quota).toMatchObject({ status: 403, code: 'quota_exceeded', message: 'You have 5 sessions.' });
    const limited = await client.login({ body: { username: 'a', password: 'b' } }).catch((e: unknown) => e);
    expect(limited).toMatchObject({ status: 429, code: 'rate_limited', retryAfter: 7 });
  });

  it('makes a code from the status when the answer is not the API error shape', async () => {
    const client = createApiClient({ baseUrl: base, token: () => 'good' });
    const err = await client.getTemplate({ params: { name: 'xterm' } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 502, code: 'internal' });
  });

  it('refuses an answer that does not match the response schema', async () => {
    const client = createApiClient({ baseUrl: base, token: () => 'good' });
    await expect(client.me()).rejects.toMatchObject({ code: 'invalid_response' });
  });

  it('refreshes once on a 401 and retries, and signs out when the refresh gives nothing', async () => {
    let signedOut = 0;
    let refreshes = 0;
    const client = createApiClient({
      baseUrl: base,
      token: () => 'stale',
      refresh: async () => {
        refreshes++;
        return refreshes === 1 ? 'good' : null;
      },
      onSignedOut: () => {
        signedOut++;
      },
    });
    await expect(client.listSessions({ query: { all: 'true' } })).resolves.toBeDefined();
    await expect(client.listSessions({ query: { all: 'true' } })).rejects.toMatchObject({ status: 401 });
    expect(signedOut).toBe(1);
    validToken = 'good';
  });

  it('reports an unreachable server as a network error', async () => {
    const client = createApiClient({ baseUrl: 'http://127.0.0.1:1', token: () => 't' });
    await expect(client.me()).rejects.toMatchObject({ status: 0, code: 'network' });
  });

  it('builds WebSocket URLs with params and query', () => {
    expect(
      apiWebSocketUrl('https://h.example/base', 'vnc', { params: { name: 'a-b' }, query: { ticket: 't t' } }),
    ).toBe('wss://h.example/base/api/v1/sessions/a-b/vnc?ticket=t+t');
    expect(apiWebSocketUrl('http://127.0.0.1:8080', 'agentConnect')).toBe(
      'ws://127.0.0.1:8080/api/v1/agents/connect',
    );
  });
});
