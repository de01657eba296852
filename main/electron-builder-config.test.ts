import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEEP_LINK_SCHEME } from './app-protocol';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

interface FileSet {
  from: string;
  to: string;
  filter?: string[];
}
interface BuilderConfig {
  files: string[];
  extraResources: FileSet[];
  asarUnpack: string[];
  protocols: Array<{ name: string; schemes: string[] }>;
  electronFuses: Record<string, boolean>;
  linux: { icon: string; target: string[] };
  deb: { depends: string[] };
  mac: { icon: string };
  win: { icon: string };
  nsis: { installerIcon: string; uninstallerIcon: string };
  [key: string]: unknown;
}

// electron-builder's own helpers, so the test judges the file the way `npm run dist` would.
const builderRequire = createRequire(require.resolve('app-builder-lib'));
const { minimatch } = builderRequire('minimatch') as {
  minimatch(path: string, pattern: string, options?: { dot?: boolean }): boolean;
};
const { convertIcon } = require('app-builder-lib/out/util/iconConverter') as {
  convertIcon(options: {
    sources: string[];
    fallbackSources: string[];
    roots: string[];
    format: 'set' | 'ico' | 'icns';
    outDir: string;
  }): Promise<{ icons: Array<{ file: string; size: number }>; isFallback: boolean }>;
};
const { default: FpmTarget } = require('app-builder-lib/out/targets/FpmTarget') as {
  default: { prototype: { getDefaultDepends(target: string): string[] } };
};

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * Files below `dir`, as paths relative to it with forward slashes, that `pattern` selects. Only the
 * pattern's literal leading folders are walked: the project root holds node_modules.
 */
function matching(dir: string, pattern: string): string[] {
  const segments = pattern.split('/');
  const literal = segments.findIndex((s) => /[*?[{]/.test(s));
  const base = literal === -1 ? segments.slice(0, -1) : segments.slice(0, literal);
  return filesUnder(join(dir, ...base))
    .map((path) => relative(dir, path).split('\\').join('/'))
    .filter((path) => minimatch(path, pattern, { dot: true }));
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema", async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      validateConfiguration(config: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(
      validateConfiguration({ ...config, linux: { nonsense: 1 } }, new DebugLogger(false)),
    ).rejects.toThrow();
  });

  it('names the app and builds AppImage and deb, dmg, and nsis', () => {
    expect(config).toMatchObject({
      appId: 'io.streamspace.desktop',
      productName: 'StreamSpace',
      linux: { target: ['AppImage', 'deb'], category: 'Network' },
      mac: { target: ['dmg'] },
      win: { target: ['nsis'] },
    });
  });

  it('flips the fuses off that would let someone run the binary as Node or inject code', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
    });
  });

  it('registers the deep-link scheme the app parses', () => {
    expect(config.protocols.flatMap((p) => p.schemes)).toEqual([DEEP_LINK_SCHEME]);
  });

  it("makes the deb depend on TigerVNC and keeps electron-builder's default dependencies", () => {
    const defaults = FpmTarget.prototype.getDefaultDepends.call({}, 'deb');
    expect(defaults.length).toBeGreaterThan(0);
    expect(config.deb.depends).toEqual([...defaults, 'tigervnc-standalone-server', 'tigervnc-tools']);
  });

  it('ships the templates, migrations, manifests, session images and tray icons as real files', () => {
    expect(config.extraResources.map((r) => r.from)).toEqual([
      'resources/templates',
      'backend/db/migrations',
      'resources/kubernetes',
      'resources/images',
      'resources/icons/tray',
    ]);
    // The same relative paths packaged: backend/paths.ts finds the root by resources/templates.
    for (const set of config.extraResources) expect(set.to).toBe(set.from);
    for (const set of config.extraResources) {
      const dir = join(root, set.from);
      expect(statSync(dir).isDirectory(), set.from).toBe(true);
      expect(filesUnder(dir).length, set.from).toBeGreaterThan(0);
      for (const pattern of set.filter ?? []) {
        expect(matching(dir, pattern).length, `${set.from}: ${pattern}`).toBeGreaterThan(0);
      }
    }
    const images = config.extraResources.find((r) => r.from === 'resources/images')!;
    const shipped = filesUnder(join(root, 'resources/images'))
      .map((p) => relative(join(root, 'resources/images'), p))
      .filter((p) => images.filter!.some((pattern) => minimatch(p, pattern)));
    expect(shipped).toEqual(expect.arrayContaining(['base/Dockerfile', 'firefox/Dockerfile']));
    expect(shipped.some((p) => p.startsWith('agent/'))).toBe(false);
  });

  it('unpacks the keyring addon and the PGlite files, and each pattern finds something', () => {
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining([
        'node_modules/@napi-rs/keyring-*/**',
        'node_modules/@electric-sql/pglite/dist/*.wasm',
        'node_modules/@electric-sql/pglite/dist/*.data',
      ]),
    );
    const unpacked = config.asarUnpack.flatMap((pattern) => {
      const found = matching(root, pattern);
      expect(found.length, pattern).toBeGreaterThan(0);
      return found;
    });
    expect(unpacked).toEqual(
      expect.arrayContaining([
        'node_modules/@electric-sql/pglite/dist/pglite.wasm',
        'node_modules/@electric-sql/pglite/dist/pglite.data',
      ]),
    );
    expect(unpacked.some((p) => p.endsWith('.node'))).toBe(true);
  });

  it('points every platform at icons electron-builder accepts', async () => {
    const convert = (source: string, format: 'set' | 'ico' | 'icns') =>
      convertIcon({
        sources: [source],
        fallbackSources: [],
        roots: [root],
        format,
        outDir: join(root, 'dist', '.icon-test'),
      });
    const linux = await convert(config.linux.icon, 'set');
    expect(linux.isFallback).toBe(false);
    expect(linux.icons.map((i) => i.size)).toEqual([16, 24, 32, 48, 64, 128, 256, 512]);
    for (const icon of [config.win.icon, config.nsis.installerIcon, config.nsis.uninstallerIcon]) {
      await expect(convert(icon, 'ico')).resolves.toMatchObject({
        icons: [{ size: 256 }],
        isFallback: false,
      });
    }
    await expect(convert(config.mac.icon, 'icns')).resolves.toMatchObject({ isFallback: false });
    expect(readFileSync(join(root, config.mac.icon)).toString('ascii', 0, 4)).toBe('icns');
  });

  const built = existsSync(join(root, 'out', 'main', 'index.js'));
  describe.skipIf(!built)(
    `after npm run build${built ? '' : ' (skipped: out/ is absent; npm test builds it before vitest)'}`,
    () => {
      it('has a file for every pattern in files, and everything main/index.ts loads by path', () => {
        for (const pattern of config.files.filter((p) => !p.startsWith('!'))) {
          expect(matching(root, pattern).length, pattern).toBeGreaterThan(0);
        }
        const app = matching(root, 'out/**').filter(
          (p) => !config.files.some((x) => x.startsWith('!') && minimatch(p, x.slice(1))),
        );
        expect(app).toEqual(
          expect.arrayContaining([
            'out/main/index.js',
            'out/preload/index.cjs',
            'out/renderer/index.html',
            'out/server/serve.js',
          ]),
        );
        expect(app.some((p) => p.endsWith('.map'))).toBe(false);
      });
    },
  );
});
