import { mkdir, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../tests/support/eventually';
import { scratchDir } from '../../tests/support/scratch-dir';
import { createHttpApp, RENDERER_CSP } from './app';
import { chooseEncoding, IMMUTABLE, REVALIDATE, resolveInside } from './static-assets';

const INDEX = `<!doctype html><html><head><script type="module" src="./assets/index-AbCd1234.js"></script></head><body>${'<p>StreamSpace</p>'.repeat(60)}</body></html>`;
const SCRIPT = `export const greeting = ${JSON.stringify('hello '.repeat(2000))};\n`;

describe('chooseEncoding', () => {
  it('prefers brotli, then gzip, and honours q=0', () => {
    expect(chooseEncoding('gzip, deflate, br')).toBe('br');
    expect(chooseEncoding('gzip, br;q=0')).toBe('gzip');
    expect(chooseEncoding('deflate')).toBe('identity');
    expect(chooseEncoding('*')).toBe('br');
    expect(chooseEncoding('*, br;q=0')).toBe('gzip');
    expect(chooseEncoding(undefined)).toBe('identity');
    expect(chooseEncoding('GZIP;Q=0.5')).toBe('gzip');
    expect(chooseEncoding('gzip, br', ['gzip'])).toBe('gzip');
    expect(chooseEncoding('br', ['gzip'])).toBe('identity');
  });
});

describe('resolveInside', () => {
  it('refuses anything that leaves the directory or names a dotfile', () => {
    expect(resolveInside('/srv/r', '/assets/a.js')).toBe('/srv/r/assets/a.js');
    for (const bad of [
      '/../etc/passwd',
      '/%2e%2e/x',
      '/a/%2e%2e/%2e%2e/x',
      '/.env',
      '/a%00b',
      '/%E0%A4%A',
      '/a\\b',
    ]) {
      expect(resolveInside('/srv/r', bad), bad).toBeNull();
    }
  });
});

describe('the renderer over HTTP', () => {
  const dir = scratchDir('ss-static-', {
    once: true,
    setup: async (d) => {
      await mkdir(join(d, 'assets'));
      await writeFile(join(d, 'index.html'), INDEX);
      await writeFile(join(d, 'assets', 'index-AbCd1234.js'), SCRIPT);
      await writeFile(join(d, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
      await writeFile(join(d, '.secret'), 'nope');
    },
  });
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const app = createHttpApp({
      routers: [],
      allowedOrigins: [],
      trustedProxies: 0,
      hosts: { mode: () => 'open', isAllowedHost: () => true, announce: () => undefined },
      rendererDir: dir(),
      logger: pino({ level: 'silent' }),
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((ok) => server.once('listening', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  /** fetch() would decode the body itself; node's http client hands over the bytes as sent. */
  async function get(path: string, headers: Record<string, string> = {}) {
    const { request } = await import('node:http');
    return new Promise<{
      status: number;
      headers: Record<string, string | string[] | undefined>;
      body: Buffer;
    }>((ok, fail) => {
      const req = request(`${base}${path}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      });
      req.on('error', fail);
      req.end();
    });
  }

  it('serves index.html revalidated on every load, brotli-compressed, with the CSP', async () => {
    // The very first answer may be gzip while brotli is still being made; brotli follows.
    const first = await get('/', { 'Accept-Encoding': 'gzip, br' });
    expect(['gzip', 'br']).toContain(first.headers['content-encoding']);
    const decode = first.headers['content-encoding'] === 'br' ? brotliDecompressSync : gunzipSync;
    expect(decode(first.body).toString()).toBe(INDEX);
    await eventually(
      async () => (await get('/', { 'Accept-Encoding': 'br' })).headers['content-encoding'] === 'br',
    );
    for (const path of ['/', '/index.html']) {
      const res = await get(path, { 'Accept-Encoding': 'gzip, br' });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe(REVALIDATE);
      expect(res.headers['content-encoding']).toBe('br');
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers.vary).toMatch(/Accept-Encoding/);
      expect(res.headers['content-security-policy']).toBe(RENDERER_CSP);
      expect(Number(res.headers['content-length'])).toBe(res.body.length);
      expect(res.body.length).toBeLessThan(INDEX.length);
      expect(brotliDecompressSync(res.body).toString()).toBe(INDEX);
    }
  });

  it('serves a hashed asset as immutable, gzip to a client without brotli', async () => {
    const res = await get('/assets/index-AbCd1234.js', { 'Accept-Encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe(IMMUTABLE);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
    expect(res.headers['content-security-policy']).toBe(RENDERER_CSP);
    expect(gunzipSync(res.body).toString()).toBe(SCRIPT);
  });

  it('sends the file as is to a client that accepts no encoding, and answers a matching ETag with 304', async () => {
    const plain = await get('/assets/index-AbCd1234.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(SCRIPT);
    const etag = String(plain.headers.etag);
    const again = await get('/assets/index-AbCd1234.js', { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    // Another encoding is another representation, with its own tag.
    const gz = await get('/assets/index-AbCd1234.js', { 'Accept-Encoding': 'gzip', 'If-None-Match': etag });
    expect(gz.status).toBe(200);
  });

  it('leaves a small file uncompressed and unhashed names revalidated', async () => {
    const res = await get('/favicon.svg', { 'Accept-Encoding': 'br, gzip' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['cache-control']).toBe(REVALIDATE);
  });

  it('answers 404 for a missing file, a dotfile and a traversal', async () => {
    for (const path of ['/assets/missing-AbCd1234.js', '/.secret', '/assets/%2e%2e/%2e%2e/etc/passwd']) {
      expect((await get(path)).status, path).toBe(404);
    }
  });
});
