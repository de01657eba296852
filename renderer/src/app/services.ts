import type { ApiClient, DesktopBridge, Fetch } from '../../../protocol';
import { createRendererApi } from '../api/client';

/** What the renderer talks to outside itself; provided once by the composition root (main.tsx). */
export interface Services {
  bridge: DesktopBridge;
  api: ApiClient;
}

export const SIGNED_OUT_NOTICE = 'Your sign-in has expired. Please sign in again.';

export interface ServicesDeps {
  bridge: DesktopBridge;
  fetch: Fetch;
  /** The API gave up on the sign-in; the bridge has already been told to log out. */
  onSignedOut: () => void;
}

export function createServices({ bridge, fetch, onSignedOut }: ServicesDeps): Services {
  return { bridge, api: createRendererApi({ bridge, fetch, onSignedOut }) };
}
