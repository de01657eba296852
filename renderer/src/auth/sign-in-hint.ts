import type { ServerInfo } from '../../../protocol';

/**
 * Who to sign in as, where the app can know it: the local stack creates one account, admin. In
 * headless mode (`npm run serve`) its password was printed on a terminal, or else written to a
 * file in the data folder (backend/admin-password.ts); in the desktop app it is in the keychain,
 * and the app normally signs in by itself. A remote server's users are its own business.
 * No route tells a client the data folder, and a public one should not, so the hint names it.
 */
export function signInHint(mode: ServerInfo['mode']): string | null {
  switch (mode) {
    case 'headless':
      return 'Sign in as admin — the password was printed when the stack started, or is in admin-password.txt in its data folder (STREAMSPACE_DATA_DIR).';
    case 'local':
      return 'Sign in as admin — this app created that account for its local stack and keeps the password in your system keychain.';
    case 'remote':
      return null;
  }
}
