import { type RefObject, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useServices } from '../app/services-context';
import { useSessions } from '../sessions/sessions-store';
import { loadRfb } from '../vnc/load-rfb';
import { localClipboard } from './clipboard/local-clipboard';
import { createViewerInput, type ViewerInput } from './clipboard/viewer-input';
import type { ViewerControls } from './toolbar/viewer-controls';
import {
  type CreateRfb,
  createViewerConnection,
  type ViewerConnection,
  type ViewerView,
} from './viewer-connection';

export type { ViewerView } from './viewer-connection';

const loadCreateRfb = async (
  input: ViewerInput,
  controls?: Pick<ViewerControls, 'attach'>,
): Promise<CreateRfb> => {
  const Rfb = await loadRfb();
  return (target, urlOrChannel, options) => {
    const rfb = new Rfb(target, urlOrChannel, options);
    // Keys as keysyms, text without key events, and the clipboard both ways (see ViewerInput).
    input.attach(rfb, target);
    // Scaling, view-only and picture quality from the toolbar (toolbar/viewer-controls.ts).
    controls?.attach(rfb);
    return rfb;
  };
};

/** Binds a viewer connection to the screen element, the live sessions store and React state. */
export function useVncViewer(
  name: string,
  screenRef: RefObject<HTMLDivElement | null>,
  controls?: Pick<ViewerControls, 'attach'>,
) {
  const { api, bridge } = useServices();
  const [view, setView] = useState<ViewerView>({ status: 'connecting', message: 'Connecting…' });
  const connectionRef = useRef<ViewerConnection | null>(null);
  const input = useMemo(
    () => createViewerInput({ local: localClipboard(bridge), window, document }),
    [bridge],
  );

  useEffect(() => {
    const connection = createViewerConnection({
      name,
      api,
      baseUrl: async () => (await bridge.getServer()).baseUrl,
      loadRfb: () => loadCreateRfb(input, controls),
      target: () => screenRef.current,
      session: () => useSessions.getState().byName[name]?.session,
      onSession: (session) => useSessions.getState().upsert(session),
      onView: setView,
      openSocket: (url) => new WebSocket(url),
    });
    connectionRef.current = connection;
    connection.connect();
    const unsubscribe = useSessions.subscribe((state, previous) => {
      if (state.byName[name] !== previous.byName[name]) connection.sessionChanged();
    });
    return () => {
      unsubscribe();
      connection.dispose();
      if (connectionRef.current === connection) connectionRef.current = null;
    };
  }, [name, api, bridge, screenRef, input, controls]);

  // Reconnect and Wake are one thing: a fresh ticket and socket, which wakes a hibernated session.
  const connect = useCallback(() => connectionRef.current?.connect(), []);
  const disconnect = useCallback(() => connectionRef.current?.disconnect(), []);
  return { view, connect, disconnect, input };
}
