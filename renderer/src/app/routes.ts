import { SessionName } from '../../../protocol';

export const ADMIN_TABS = ['agents', 'users', 'audit'] as const;
export type AdminTab = (typeof ADMIN_TABS)[number];

export type Route =
  | { name: 'main' }
  | { name: 'settings' }
  | { name: 'admin'; tab: AdminTab }
  | { name: 'viewer'; session: string }
  | { name: 'not-found'; hash: string };

/** Hash routes work the same from file://, app:// and the server, which plain paths would not. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '').replace(/\/+$/, '');
  if (path === '') return { name: 'main' };
  if (path === 'settings') return { name: 'settings' };
  const admin = /^admin(?:\/(agents|users|audit))?$/.exec(path);
  if (admin) return { name: 'admin', tab: ADMIN_TABS.find((t) => t === admin[1]) ?? 'agents' };
  const viewer = /^viewer\/([^/?]+)$/.exec(path);
  if (viewer?.[1]) {
    let session: string;
    try {
      session = decodeURIComponent(viewer[1]);
    } catch {
      return { name: 'not-found', hash };
    }
    return SessionName.safeParse(session).success ? { name: 'viewer', session } : { name: 'not-found', hash };
  }
  return { name: 'not-found', hash };
}

export function viewerHash(session: string): string {
  return `#/viewer/${encodeURIComponent(session)}`;
}

export const MAIN_HASH = '#/';
export const SETTINGS_HASH = '#/settings';
export const adminHash = (tab: AdminTab = 'agents') => `#/admin/${tab}`;
