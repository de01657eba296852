import { SessionName } from '../../../protocol';

export type Route =
  | { name: 'main' }
  | { name: 'settings' }
  | { name: 'viewer'; session: string }
  | { name: 'not-found'; hash: string };

/** Hash routes work the same from file://, app:// and the server, which plain paths would not. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '').replace(/\/+$/, '');
  if (path === '') return { name: 'main' };
  if (path === 'settings') return { name: 'settings' };
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
