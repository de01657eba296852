import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiPath, routes } from '../../protocol';
import { type BareBackend, rawRequest, startBareBackend, upgradeHeaders } from '../support/bare-backend';

const MISDIRECTED = {
  error: { code: 'misdirected_request', message: 'this server does not answer for that host name' },
};

async function healthz(b: BareBackend, host: string) {
  return rawRequest(b.port, { path: apiPath(routes.healthz), headers: { Host: host } });
}

async function eventsUpgrade(b: BareBackend, host: string) {
  return rawRequest(b.port, { path: apiPath('/events'), headers: upgradeHeaders(host) });
}

describe('host check on loopback (the default)', () => {
  let b: BareBackend;
  beforeAll(async () => {
    b = await startBareBackend();
  });
  afterAll(async () => b?.close());

  it('answers loopback names, with or without the port', async () => {
    for (const host of [`127.0.0.1:${b.port}`, `localhost:${b.port}`, `[::1]:${b.port}`, 'localhost']) {
      expect((await healthz(b, host)).status, host).toBe(200);
    }
  });

  it('answers a foreign Host, as a DNS-rebinding page sends, with 421 and a JSON error', async () => {
    for (const host of [`evil.example:${b.port}`, 'localhost.evil.example', `10.0.0.5:${b.port}`]) {
      const res = await healthz(b, host);
      expect(res.status, host).toBe(421);
      expect(JSON.parse(res.body)).toEqual(MISDIRECTED);
    }
    // The renderer's pages too, not only the API.
    expect((await rawRequest(b.port, { path: '/', headers: { Host: 'evil.example' } })).status).toBe(421);
  });

  it('refuses browser sockets (/events, /vnc) from a foreign Origin with 403, and takes our own', async () => {
    const host = `127.0.0.1:${b.port}`;
    const withOrigin = (path: string, origin: string) =>
      rawRequest(b.port, { path, headers: { ...upgradeHeaders(host), Origin: origin } });
    for (const path of [
      apiPath('/events'),
      `${apiPath('/sessions/admin-xterm-0123abcd/vnc')}?ticket=0123456789abcdef01`,
    ]) {
      expect((await withOrigin(path, 'https://evil.example')).status, path).toBe(403);
    }
    expect((await withOrigin(apiPath('/events'), `http://${host}`)).status).toBe(101);
  });

  it('refuses a WebSocket upgrade to /events with a foreign Host, and takes one with ours', async () => {
    const refused = await eventsUpgrade(b, `evil.example:${b.port}`);
    expect(refused.status).toBe(421);
    expect(JSON.parse(refused.body)).toEqual(MISDIRECTED);
    expect((await eventsUpgrade(b, `127.0.0.1:${b.port}`)).status).toBe(101);
  });

  it('does not show database error text on /readyz, only in the log', async () => {
    const secret = 'connect ECONNREFUSED 10.1.2.3:5432 (user streamspace)';
    const original = b.cp.database.ping;
    b.cp.database.ping = () => Promise.reject(new Error(secret));
    try {
      const res = await rawRequest(b.port, {
        path: apiPath(routes.readyz),
        headers: { Host: `127.0.0.1:${b.port}` },
      });
      expect(res.status).toBe(503);
      expect(JSON.parse(res.body)).toEqual({ error: { code: 'internal', message: 'database unavailable' } });
      expect(res.body).not.toContain('ECONNREFUSED');
      expect(b.logs.join('')).toContain(secret);
    } finally {
      b.cp.database.ping = original;
    }
  });
});

describe('host check beyond loopback', () => {
  let named: BareBackend;
  let open: BareBackend;
  beforeAll(async () => {
    named = await startBareBackend(
      { STREAMSPACE_PUBLIC_URL: 'https://desk.example.com' },
      { host: '0.0.0.0' },
    );
    open = await startBareBackend({}, { host: '0.0.0.0' });
  });
  afterAll(async () => {
    await named?.close();
    await open?.close();
  });

  it('with STREAMSPACE_PUBLIC_URL answers its host, loopback names and address literals only', async () => {
    for (const host of [
      'desk.example.com',
      'desk.example.com:443',
      `localhost:${named.port}`,
      '10.0.0.5:8080',
    ]) {
      expect((await healthz(named, host)).status, host).toBe(200);
    }
    expect((await healthz(named, 'evil.example')).status).toBe(421);
    expect((await eventsUpgrade(named, 'evil.example')).status).toBe(421);
    expect((await eventsUpgrade(named, 'desk.example.com')).status).toBe(101);
    expect(named.logs.join('')).not.toContain('DNS-rebinding protection is off');
  });

  it('without it answers any host, and warns at start that rebinding protection is off', async () => {
    expect((await healthz(open, 'anything.example')).status).toBe(200);
    expect((await eventsUpgrade(open, 'anything.example')).status).toBe(101);
    const warning = open.logs.map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(warning).toContainEqual(
      expect.objectContaining({ level: 40, msg: expect.stringContaining('DNS-rebinding protection is off') }),
    );
  });
});
