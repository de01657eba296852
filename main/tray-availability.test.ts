import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNameHasOwner, STATUS_NOTIFIER_WATCHER, trayAvailable } from './tray-availability';

const onPath = (binary: string) =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, binary)));

describe('trayAvailable', () => {
  it('takes a tray for granted on macOS and Windows', async () => {
    const run = async () => {
      throw new Error('not asked');
    };
    expect(await trayAvailable({ platform: 'darwin', env: {}, run })).toBe(true);
    expect(await trayAvailable({ platform: 'win32', env: {}, run })).toBe(true);
  });

  it('asks the session bus whether a StatusNotifier host runs on Linux', async () => {
    const asked: string[][] = [];
    const answer = (owned: boolean) => async (_file: string, args: readonly string[]) => {
      asked.push([...args]);
      return `method return time=1 sender=org.freedesktop.DBus\n   boolean ${owned}\n`;
    };
    expect(
      await trayAvailable({ platform: 'linux', env: { XDG_CURRENT_DESKTOP: 'KDE' }, run: answer(false) }),
    ).toBe(false);
    expect(
      await trayAvailable({ platform: 'linux', env: { XDG_CURRENT_DESKTOP: 'GNOME' }, run: answer(true) }),
    ).toBe(true);
    expect(asked[0]?.at(-1)).toBe(`string:${STATUS_NOTIFIER_WATCHER}`);
  });

  it('guesses from the desktop when the bus cannot be asked', async () => {
    const run = async () => {
      throw new Error('spawn dbus-send ENOENT');
    };
    expect(
      await trayAvailable({ platform: 'linux', env: { XDG_CURRENT_DESKTOP: 'ubuntu:GNOME' }, run }),
    ).toBe(false);
    expect(await trayAvailable({ platform: 'linux', env: { XDG_CURRENT_DESKTOP: 'XFCE' }, run })).toBe(true);
  });

  it('reads dbus-send replies', () => {
    expect(parseNameHasOwner('   boolean true\n')).toBe(true);
    expect(parseNameHasOwner('   boolean false\n')).toBe(false);
    expect(parseNameHasOwner('Error org.freedesktop.DBus.Error.ServiceUnknown')).toBeNull();
  });

  it.skipIf(!onPath('dbus-run-session') || !onPath('dbus-send'))(
    'finds no tray on a real session bus without a StatusNotifier host',
    async () => {
      // A fresh bus: nothing owns the watcher name there, as on stock GNOME.
      const script = `import(${JSON.stringify(new URL('./tray-availability.ts', import.meta.url).href)}).then(async (m) => console.log(await m.trayAvailable({ platform: 'linux', env: {} })))`;
      const stdout = await new Promise<string>((resolve, reject) =>
        execFile(
          'dbus-run-session',
          ['--', process.execPath, '--import', 'tsx', '-e', script],
          { timeout: 20_000 },
          (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
        ),
      );
      expect(stdout.trim()).toBe('false');
    },
    30_000,
  );
});
