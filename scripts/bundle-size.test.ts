import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../tests/support/scratch-dir';
import {
  DEFAULT_RENDERER_DIR,
  describeFirstLoad,
  entryScripts,
  FIRST_LOAD_BUDGET_BYTES,
  firstLoadJs,
  staticImports,
} from './bundle-size';

describe('entryScripts', () => {
  it('takes module scripts and modulepreloads, not styles, icons or other sites', () => {
    const html = `<script type="module" crossorigin src="./assets/index-A1.js"></script>
      <link rel="modulepreload" crossorigin href="./assets/store-B2.js">
      <link rel="stylesheet" href="./assets/index-C3.css"><link rel="icon" href="./favicon.svg">
      <script src="https://cdn.example/x.js" type="module"></script>`;
    expect(entryScripts(html)).toEqual(['assets/index-A1.js', 'assets/store-B2.js']);
  });
});

describe('staticImports', () => {
  it('follows static imports and re-exports, never dynamic ones', () => {
    const code = `import{a as b}from"./store-B2.js";import"./side.js";export{c}from"../up.js";const v=()=>import("./viewer-D4.js");`;
    expect(staticImports(code)).toEqual(['./store-B2.js', './side.js', '../up.js']);
  });
});

describe('firstLoadJs', () => {
  const dir = scratchDir('ss-bundle-', {
    setup: async (d) => {
      await mkdir(join(d, 'assets'));
      await writeFile(join(d, 'index.html'), '<script type="module" src="./assets/index-A1.js"></script>');
      await writeFile(join(d, 'assets', 'index-A1.js'), 'import{x}from"./dep-B2.js";import("./lazy-C3.js");');
      await writeFile(join(d, 'assets', 'dep-B2.js'), `export const x=${JSON.stringify('y'.repeat(5000))};`);
      await writeFile(join(d, 'assets', 'lazy-C3.js'), 'z'.repeat(100_000));
    },
  });

  it('counts the entry and its static imports, gzipped, and leaves lazy chunks out', async () => {
    const load = await firstLoadJs(dir());
    expect(load.chunks.map((c) => c.file)).toEqual(['assets/index-A1.js', 'assets/dep-B2.js']);
    const dep = `export const x=${JSON.stringify('y'.repeat(5000))};`;
    expect(load.chunks[1]?.gzipBytes).toBe(gzipSync(dep, { level: 9 }).length);
    expect(load.gzipBytes).toBe((load.chunks[0]?.gzipBytes ?? 0) + (load.chunks[1]?.gzipBytes ?? 0));
    expect(describeFirstLoad(load)).toMatch(/^first-load JS: \d+\.\d KB gzipped/);
  });
});

describe('the built renderer', () => {
  it(`loads at most ${FIRST_LOAD_BUDGET_BYTES / 1000} KB of gzipped JS first, with the viewer and admin split out`, async () => {
    // `npm test` builds before vitest; run alone, build the renderer first.
    if (!existsSync(join(DEFAULT_RENDERER_DIR, 'index.html'))) {
      execFileSync('npm', ['run', 'build:app'], { stdio: 'ignore' });
    }
    const load = await firstLoadJs(DEFAULT_RENDERER_DIR);
    const files = load.chunks.map((c) => c.file).join(' ');
    expect(files).not.toMatch(/ViewerScreen|AdminScreen|rfb/);
    // Split out, not merely renamed away: their chunks exist beside the first load.
    const assets = readdirSync(join(DEFAULT_RENDERER_DIR, 'assets'));
    for (const lazy of ['ViewerScreen', 'AdminScreen']) {
      expect(
        assets.some((f) => f.startsWith(`${lazy}-`) && f.endsWith('.js')),
        lazy,
      ).toBe(true);
    }
    expect(load.gzipBytes, describeFirstLoad(load)).toBeLessThanOrEqual(FIRST_LOAD_BUDGET_BYTES);
  }, 300_000);
});
