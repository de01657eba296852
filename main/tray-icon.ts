import { join } from 'node:path';
import type { ConnectionStatus } from './tray-menu';

/** What the icon can show; the tooltip and the menu header carry the detail. */
export const TRAY_ICON_STATES = ['connected', 'connecting', 'error'] as const;
export type TrayIconState = (typeof TRAY_ICON_STATES)[number];

/**
 * Signed out shows as an error: nothing works until the user acts, and "connecting" would promise
 * progress that is not happening.
 */
export function trayIconState(connection: ConnectionStatus): TrayIconState {
  switch (connection) {
    case 'connected':
      return 'connected';
    case 'starting':
      return 'connecting';
    case 'error':
    case 'signed_out':
      return 'error';
  }
}

/**
 * Linux panels ask for 16 (GNOME's AppIndicator), 22 (KDE, freedesktop's default), 24 (XFCE, MATE)
 * or more; each size also has an @2x file, which nativeImage picks up on HiDPI screens.
 */
export const LINUX_TRAY_SIZES = [16, 22, 24, 32, 48] as const;
export type LinuxTraySize = (typeof LINUX_TRAY_SIZES)[number];
export const DEFAULT_LINUX_TRAY_SIZE: LinuxTraySize = 22;
/** 100 % to 300 % scaling of the 16 px notification-area icon; Windows picks the entry itself. */
export const WINDOWS_TRAY_SIZES = [16, 20, 24, 32, 40, 48] as const;
/** macOS menu-bar icons are 16 pt, with @2x beside them. */
export const MAC_TRAY_SIZE = 16;

const capitalised = (state: TrayIconState) => state[0]!.toUpperCase() + state.slice(1);

/**
 * Paths relative to resources/icons, shared with scripts/generate-icons.ts so the generator writes
 * exactly the files this module asks for. A name ending in `Template` makes macOS treat the image as a
 * template (black plus alpha, tinted for light and dark menu bars).
 */
export const trayIconNames = {
  mac: (state: TrayIconState, scale: 1 | 2 = 1) =>
    `tray/mac/tray${capitalised(state)}Template${scale === 2 ? '@2x' : ''}.png`,
  windows: (state: TrayIconState) => `tray/win/tray-${state}.ico`,
  linux: (state: TrayIconState, size: LinuxTraySize, scale: 1 | 2 = 1) =>
    `tray/linux/tray-${state}-${size}${scale === 2 ? '@2x' : ''}.png`,
};

export interface TrayIconFile {
  path: string;
  /** macOS only; the name says it too, but setTemplateImage makes it explicit. */
  template: boolean;
}

/** Linux colour PNGs, macOS template images, Windows .ico; other Unixes run the same panels as Linux. */
export function trayIconFile(
  platform: NodeJS.Platform,
  state: TrayIconState,
  iconsDir: string,
  linuxSize: LinuxTraySize = DEFAULT_LINUX_TRAY_SIZE,
): TrayIconFile {
  if (platform === 'darwin') return { path: join(iconsDir, trayIconNames.mac(state)), template: true };
  if (platform === 'win32') return { path: join(iconsDir, trayIconNames.windows(state)), template: false };
  return { path: join(iconsDir, trayIconNames.linux(state, linuxSize)), template: false };
}

/**
 * Packaged, the tray icons are extraResources, real files outside the asar archive, in a folder that
 * mirrors the repository's resources/; unpackaged, they are read from the source tree.
 */
export function iconsDirectory(where: {
  isPackaged: boolean;
  appPath: string;
  resourcesPath: string;
}): string {
  return join(where.isPackaged ? where.resourcesPath : where.appPath, 'resources', 'icons');
}
