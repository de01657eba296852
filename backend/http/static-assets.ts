import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, gzip, constants as zlibConstants } from 'node:zlib';
import type { RequestHandler } from 'express';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

export type Encoding = 'br' | 'gzip' | 'identity';

/**
 * Vite names what it builds `<name>-<hash>.<ext>` under assets/: such a file never changes under its
 * name, so it may be cached for good. Everything else (index.html above all) names the current
 * build and must be revalidated, or an upgrade leaves a page pointing at assets that are gone.
 */
const HASHED_ASSET = /^\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;
export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

export function cacheControlFor(urlPath: string): string {
  return HASHED_ASSET.test(urlPath) ? IMMUTABLE : REVALIDATE;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.svg', '.json', '.map', '.txt', '.wasm']);
/** Below this, the encoding's framing costs about what it saves. */
const MIN_COMPRESS_BYTES = 512;

/** The first offered encoding the client accepts (q > 0): brotli first, since it is smaller for the same text. */
export function chooseEncoding(
  acceptEncoding: string | undefined,
  offered: readonly Exclude<Encoding, 'identity'>[] = ['br', 'gzip'],
): Encoding {
  if (!acceptEncoding) return 'identity';
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    const weight = q === undefined ? 1 : Number(q);
    accepted.set(name, Number.isFinite(weight) ? weight : 0);
  }
  const wildcard = accepted.get('*');
  const weight = (name: string) => accepted.get(name) ?? wildcard ?? 0;
  return offered.find((encoding) => weight(encoding) > 0) ?? 'identity';
}

interface Entry {
  mtimeMs: number;
  size: number;
  raw: Buffer;
  etag: string;
  compressible: boolean;
  encoded: Partial<Record<Exclude<Encoding, 'identity'>, Promise<Buffer>>>;
  /** Brotli at its best level takes a few hundred ms for the largest chunk; gzip serves meanwhile. */
  brotliReady: boolean;
}

function encode(raw: Buffer, encoding: Exclude<Encoding, 'identity'>): Promise<Buffer> {
  if (encoding === 'gzip') return gzipAsync(raw, { level: 9 });
  return brotliAsync(raw, {
    params: {
      [zlibConstants.BROTLI_PARAM_QUALITY]: 11,
      [zlibConstants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
}

/** `/a/b.js` inside `root`, or null for anything that would leave it or is no plain path. */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  if (decoded.split('/').some((segment) => segment === '..' || segment.startsWith('.'))) return null;
  const base = resolve(root);
  const file = resolve(base, `.${decoded}`);
  return file.startsWith(base + sep) ? file : null;
}

/**
 * The built renderer, compressed. The whole renderer is a few hundred KB, so each file is read and
 * compressed once (on first request, and again only if it changes on disk) and kept in memory:
 * brotli at its best level is too slow to run per request but costs nothing cached, and no build
 * step has to write precompressed copies.
 */
export function staticAssets(root: string): RequestHandler {
  const cache = new Map<string, Entry>();

  async function load(file: string): Promise<Entry | null> {
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      // An upgrade removes the old build's files; their bytes need not stay in memory.
      cache.delete(file);
      return null;
    }
    const known = cache.get(file);
    if (known && known.mtimeMs === info.mtimeMs && known.size === info.size) return known;
    const raw = await readFile(file);
    const ext = extname(file).toLowerCase();
    const entry: Entry = {
      mtimeMs: info.mtimeMs,
      size: info.size,
      raw,
      etag: createHash('sha256').update(raw).digest('base64url').slice(0, 27),
      compressible: COMPRESSIBLE.has(ext) && raw.length >= MIN_COMPRESS_BYTES,
      encoded: {},
      brotliReady: false,
    };
    cache.set(file, entry);
    return entry;
  }

  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const urlPath = req.path === '/' ? '/index.html' : req.path;
    const file = resolveInside(root, urlPath);
    if (!file) return next();
    void (async () => {
      const entry = await load(file);
      if (!entry) return next();
      const header = req.headers['accept-encoding'];
      let encoding = entry.compressible ? chooseEncoding(header) : 'identity';
      if (encoding === 'br' && !entry.brotliReady) {
        if (!entry.encoded.br) {
          const br = encode(entry.raw, 'br');
          entry.encoded.br = br;
          br.then(
            () => {
              entry.brotliReady = true;
            },
            () => undefined,
          );
        }
        // Until brotli is done, a client that also takes gzip gets gzip rather than waiting.
        if (chooseEncoding(header, ['gzip']) === 'gzip') encoding = 'gzip';
      }
      let body = entry.raw;
      if (encoding !== 'identity') {
        const pending = entry.encoded[encoding] ?? encode(entry.raw, encoding);
        entry.encoded[encoding] = pending;
        body = await pending;
      }
      const etag = `"${entry.etag}${encoding === 'identity' ? '' : `-${encoding}`}"`;
      res.set({
        'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Cache-Control': cacheControlFor(urlPath),
        ETag: etag,
      });
      if (entry.compressible) res.vary('Accept-Encoding');
      if (encoding !== 'identity') res.set('Content-Encoding', encoding);
      if (req.headers['if-none-match'] === etag) {
        res.status(304).end();
        return;
      }
      res.set('Content-Length', String(body.length));
      if (req.method === 'HEAD') res.end();
      else res.end(body);
    })().catch(next);
  };
}
