import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  autostartEntry,
  autostartFile,
  type LoginItemOptions,
  setStartsAtLogin,
  startsAtLogin,
} from './login-item';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function options(platform: NodeJS.Platform = 'linux') {
  const configHome = await mkdtemp(join(tmpdir(), 'ss-login-'));
  dirs.push(configHome);
  const os = { enabled: false, args: [] as readonly string[] };
  const opts: LoginItemOptions = {
    platform,
    configHome,
    command: '/opt/Stream Space/streamspace',
    os: {
      get: () => os.enabled,
      set: (enabled, args) => {
        os.enabled = enabled;
        os.args = args;
      },
    },
  };
  return { opts, os, configHome };
}

describe('start at login', () => {
  it('writes and removes an XDG autostart entry on Linux, starting hidden in the tray', async () => {
    const { opts, configHome } = await options();
    expect(await startsAtLogin(opts)).toBe(false);
    await setStartsAtLogin(opts, true);
    expect(await startsAtLogin(opts)).toBe(true);
    const entry = await readFile(autostartFile(configHome), 'utf8');
    expect(entry).toContain('Exec="/opt/Stream Space/streamspace" --hidden\n');
    await setStartsAtLogin(opts, false);
    expect(await startsAtLogin(opts)).toBe(false);
    await setStartsAtLogin(opts, false);
  });

  it('counts an entry the desktop disabled as off', async () => {
    const { opts, configHome } = await options();
    await setStartsAtLogin(opts, true);
    await writeFile(autostartFile(configHome), `${autostartEntry('/usr/bin/streamspace')}Hidden=true\n`);
    expect(await startsAtLogin(opts)).toBe(false);
  });

  it("uses Electron's login items elsewhere", async () => {
    const { opts, os } = await options('darwin');
    await setStartsAtLogin(opts, true);
    expect(os).toEqual({ enabled: true, args: ['--hidden'] });
    expect(await startsAtLogin(opts)).toBe(true);
  });

  it('quotes what the desktop entry spec asks to be quoted', () => {
    expect(autostartEntry('/home/a$b/"x"/app')).toContain('Exec="/home/a\\$b/\\"x\\"/app" --hidden');
    expect(autostartEntry('/usr/bin/streamspace')).toContain('Exec=/usr/bin/streamspace --hidden');
  });
});
