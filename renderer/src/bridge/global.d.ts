import type { DesktopBridge } from '../../../protocol';

declare global {
  interface Window {
    /** Present in Electron, where the preload exposes it under BRIDGE_GLOBAL. */
    streamspace?: DesktopBridge;
  }
}
