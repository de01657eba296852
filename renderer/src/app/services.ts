import { createApi } from '../api/endpoints';
import { createHttpClient } from '../api/http';
import { useAuth } from '../auth/auth-store';
import { getBridge } from '../bridge';

export const bridge = getBridge();

export const SIGNED_OUT_NOTICE = 'Your sign-in has expired. Please sign in again.';

export const api = createApi(
  createHttpClient({
    bridge,
    fetch: (input, init) => window.fetch(input, init),
    onSignedOut: () => useAuth.getState().signedOut(SIGNED_OUT_NOTICE),
  }),
);
