import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const require = createRequire(import.meta.url);
const root = new URL('..', import.meta.url);
const config = parse(readFileSync(new URL('electron-builder.yml', root), 'utf8')) as Record<string, unknown>;

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

  it('ships the build output, the templates, the migrations and an unpacked keyring addon', () => {
    expect(config).toMatchObject({ appId: 'io.streamspace.desktop', productName: 'StreamSpace' });
    // The stack finds its templates and migrations relative to the app root (backend/paths.ts).
    expect(config.files).toEqual(
      expect.arrayContaining(['out/**', 'resources/templates/**', 'backend/db/migrations/**']),
    );
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/@napi-rs/keyring-*/**']));
    expect(config).toMatchObject({
      linux: { target: ['AppImage', 'deb'], category: 'Network' },
      mac: { target: ['dmg'] },
      win: { target: ['nsis'] },
    });
  });
});
