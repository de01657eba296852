import type { BRIDGE_GLOBAL, DesktopBridge } from '../../../protocol';
import { browserTabSync } from './tab-sync';
import { createWebBridge } from './web';

// Window declares the bridge under this literal; typing it so stops compiling if BRIDGE_GLOBAL changes.
const GLOBAL_NAME: typeof BRIDGE_GLOBAL = 'streamspace';

/** The preload's bridge in Electron, else the web implementation (headless mode, tests). Call once. */
export function createBridge(): DesktopBridge {
  const exposed = window[GLOBAL_NAME];
  return (
    exposed ??
    createWebBridge({
      origin: window.location.origin,
      fetch: (input, init) => window.fetch(input, init),
      storage: window.sessionStorage,
      // No 'noopener': the new tab must inherit sessionStorage, and with it the sign-in.
      openTab: (url) => {
        window.open(url, '_blank');
      },
      now: () => Date.now(),
      tabSync: browserTabSync(),
    })
  );
}
