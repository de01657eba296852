import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readIco } from '../scripts/icons/containers';
import { decodePng, pngSize } from '../scripts/icons/png';
import {
  iconsDirectory,
  LINUX_TRAY_SIZES,
  TRAY_ICON_STATES,
  trayIconFile,
  trayIconState,
  WINDOWS_TRAY_SIZES,
} from './tray-icon';

const icons = fileURLToPath(new URL('../resources/icons/', import.meta.url));

describe('trayIconState', () => {
  it('shows connected, connecting, or error; signing in is something the user must do', () => {
    expect(trayIconState('connected')).toBe('connected');
    expect(trayIconState('starting')).toBe('connecting');
    expect(trayIconState('error')).toBe('error');
    expect(trayIconState('signed_out')).toBe('error');
  });
});

describe('trayIconFile', () => {
  it('picks a colour PNG on Linux, a template image on macOS and an .ico on Windows', () => {
    expect(trayIconFile('linux', 'connecting', '/r')).toEqual({
      path: '/r/tray/linux/tray-connecting-22.png',
      template: false,
    });
    expect(trayIconFile('freebsd', 'error', '/r', 16).path).toBe('/r/tray/linux/tray-error-16.png');
    expect(trayIconFile('darwin', 'connected', '/r')).toEqual({
      path: '/r/tray/mac/trayConnectedTemplate.png',
      template: true,
    });
    expect(trayIconFile('win32', 'error', '/r')).toEqual({
      path: join('/r', 'tray/win/tray-error.ico'),
      template: false,
    });
  });

  it('names a different file for each state', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const paths = TRAY_ICON_STATES.map((state) => trayIconFile(platform, state, icons).path);
      expect(new Set(paths).size).toBe(TRAY_ICON_STATES.length);
    }
  });
});

describe('the tray icon files in resources/icons', () => {
  it('exist for every state: Linux in colour at each size and @2x', () => {
    for (const state of TRAY_ICON_STATES) {
      for (const size of LINUX_TRAY_SIZES) {
        const path = trayIconFile('linux', state, icons, size).path;
        expect(pngSize(readFileSync(path))).toEqual({ width: size, height: size });
        expect(pngSize(readFileSync(path.replace(/\.png$/, '@2x.png'))).width).toBe(size * 2);
        const { pixels } = decodePng(readFileSync(path));
        const coloured = pixels.some((v, i) => i % 4 < 3 && v > 0 && pixels[i - (i % 4) + 3]! > 0);
        expect(coloured, `${path} has colour`).toBe(true);
      }
    }
  });

  it('macOS templates are black plus alpha, at 16 px and @2x', () => {
    for (const state of TRAY_ICON_STATES) {
      const path = trayIconFile('darwin', state, icons).path;
      for (const [file, size] of [
        [path, 16],
        [path.replace(/\.png$/, '@2x.png'), 32],
      ] as const) {
        const { width, pixels } = decodePng(readFileSync(file));
        expect(width).toBe(size);
        expect(pixels.every((v, i) => i % 4 === 3 || v === 0)).toBe(true);
        expect(pixels.some((v, i) => i % 4 === 3 && v === 255)).toBe(true);
      }
    }
  });

  it('Windows .ico files hold every scaling of the 16 px icon', () => {
    for (const state of TRAY_ICON_STATES) {
      const entries = readIco(readFileSync(trayIconFile('win32', state, icons).path));
      expect(entries.map((e) => e.width)).toEqual([...WINDOWS_TRAY_SIZES]);
    }
  });
});

describe('iconsDirectory', () => {
  it('reads extraResources when packaged and the source tree otherwise', () => {
    const where = { appPath: '/src/app', resourcesPath: '/opt/StreamSpace/resources' };
    expect(iconsDirectory({ ...where, isPackaged: true })).toBe('/opt/StreamSpace/resources/resources/icons');
    expect(iconsDirectory({ ...where, isPackaged: false })).toBe('/src/app/resources/icons');
    expect(
      existsSync(
        join(iconsDirectory({ ...where, appPath: join(icons, '..', '..'), isPackaged: false }), 'tray'),
      ),
    ).toBe(true);
  });
});
