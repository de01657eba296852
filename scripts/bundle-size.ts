import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The budget for the renderer's first load: JS only, gzipped as the server sends it. */
export const FIRST_LOAD_BUDGET_BYTES = 120 * 1000;

export interface ChunkSize {
  /** Relative to the renderer directory, as index.html names it. */
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface FirstLoad {
  chunks: ChunkSize[];
  bytes: number;
  gzipBytes: number;
}

/** The scripts index.html loads or preloads: the entry and what Vite knows it imports statically. */
export function entryScripts(html: string): string[] {
  const found: string[] = [];
  for (const tag of html.match(/<(?:script|link)\b[^>]*>/gi) ?? []) {
    const isModule = /^<script\b/i.test(tag) && /\btype=["']?module["']?/i.test(tag);
    const isPreload = /^<link\b/i.test(tag) && /\brel=["']?modulepreload["']?/i.test(tag);
    if (!isModule && !isPreload) continue;
    const url = /\b(?:src|href)=["']([^"']+)["']/i.exec(tag)?.[1];
    if (url && !/^[a-z]+:|^\/\//i.test(url)) found.push(posix.normalize(url.replace(/^\//, '')));
  }
  return found;
}

/**
 * Static imports and re-exports of other chunks (`import{a}from"./x.js"`, `import"./y.js"`), not
 * `import("./z.js")`, which loads on demand. Vite already lists these as modulepreloads; following
 * them too means a chunk it forgot to preload still counts.
 */
export function staticImports(code: string): string[] {
  const found = new Set<string>();
  const pattern = /\b(?:import|export)\s*(?:[\w$*{}\s,]*?\bfrom\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g;
  for (const m of code.matchAll(pattern)) if (m[1]) found.add(m[1]);
  return [...found];
}

/** Every JS file the first page load fetches, with its raw and gzipped size. */
export async function firstLoadJs(rendererDir: string): Promise<FirstLoad> {
  const html = await readFile(join(rendererDir, 'index.html'), 'utf8');
  const queue = entryScripts(html);
  const seen = new Set<string>();
  const chunks: ChunkSize[] = [];
  while (queue.length > 0) {
    const file = queue.shift();
    if (file === undefined || seen.has(file)) continue;
    seen.add(file);
    const code = await readFile(join(rendererDir, file));
    chunks.push({ file, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length });
    for (const imported of staticImports(code.toString('utf8'))) {
      queue.push(posix.normalize(posix.join(posix.dirname(file), imported)));
    }
  }
  return {
    chunks,
    bytes: chunks.reduce((n, c) => n + c.bytes, 0),
    gzipBytes: chunks.reduce((n, c) => n + c.gzipBytes, 0),
  };
}

export const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

export function describeFirstLoad(load: FirstLoad): string {
  const lines = load.chunks.map((c) => `  ${c.file}  ${kb(c.bytes)} raw, ${kb(c.gzipBytes)} gzipped`);
  return [
    `first-load JS: ${kb(load.gzipBytes)} gzipped (${kb(load.bytes)} raw) of a ${kb(FIRST_LOAD_BUDGET_BYTES)} budget`,
    ...lines,
  ].join('\n');
}

export const DEFAULT_RENDERER_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'out', 'renderer');

async function main(): Promise<void> {
  const dir = process.argv[2] ? resolve(process.argv[2]) : DEFAULT_RENDERER_DIR;
  if (!existsSync(join(dir, 'index.html'))) {
    console.error(`no built renderer at ${dir}: run npm run build first`);
    process.exit(2);
  }
  const load = await firstLoadJs(dir);
  console.log(describeFirstLoad(load));
  if (load.gzipBytes > FIRST_LOAD_BUDGET_BYTES) process.exit(1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
