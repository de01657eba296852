import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawHttpClient } from './raw-http';

describe('RawHttpClient', () => {
  let server: Server;
  let url: URL;
  const big = Buffer.alloc(700 * 1024, 'x');

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/big') {
        res.setHeader('Content-Length', big.length);
        res.end(big);
      } else if (req.url === '/chunked') {
        res.write('no length');
        res.end();
      } else {
        const body = Buffer.from(JSON.stringify({ auth: req.headers.authorization ?? null }));
        res.writeHead(req.headers.authorization ? 200 : 401, { 'Content-Length': body.length });
        res.end(body);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the headers and reads status and body, many times on one connection', async () => {
    const client = new RawHttpClient(url);
    for (let i = 0; i < 3; i++) {
      const answer = await client.get('/', { Authorization: 'Bearer t' }, true);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body?.toString() ?? '')).toEqual({ auth: 'Bearer t' });
    }
    expect((await client.get('/', {})).status).toBe(401);
    client.close();
  });

  it('counts a body larger than its read buffer, and keeps it whole when asked', async () => {
    const client = new RawHttpClient(url);
    const counted = await client.get('/big', {});
    expect(counted).toEqual({ status: 200, bytes: big.length, body: undefined });
    const kept = await client.get('/big', {}, true);
    expect(kept.body?.equals(big)).toBe(true);
    client.close();
  });

  it('refuses an answer without a Content-Length', async () => {
    const client = new RawHttpClient(url);
    await expect(client.get('/chunked', {})).rejects.toThrow(/Content-Length/);
    client.close();
  });
});
