import { type RefObject, useCallback, useEffect, useRef, useState } from 'react';
import { useServices } from '../app/services-context';
import { useSessions } from '../sessions/sessions-store';
import { loadRfb } from '../vnc/load-rfb';
import {
  type CreateRfb,
  createViewerConnection,
  type ViewerConnection,
  type ViewerView,
} from './viewer-connection';

export type { ViewerView } from './viewer-connection';

const loadCreateRfb = async (): Promise<CreateRfb> => {
  const Rfb = await loadRfb();
  return (target, urlOrChannel, options) => new Rfb(target, urlOrChannel, options);
};

/** Binds a viewer connection to the screen element, the live sessions store and React state. */
export function useVncViewer(name: string, screenRef: RefObject<HTMLDivElement | null>) {
  const { api, bridge } = useServices();
  const [view, setView] = useState<ViewerView>({ status: 'connecting', message: 'Connecting…' });
  const connectionRef = useRef<ViewerConnection | null>(null);

  useEffect(() => {
    const connection = createViewerConnection({
      name,
      api,
      baseUrl: async () => (await bridge.getServer()).baseUrl,
      loadRfb: loadCreateRfb,
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
  }, [name, api, bridge, screenRef]);

  // Reconnect and Wake are one thing: a fresh ticket and socket, which wakes a hibernated session.
  const connect = useCallback(() => connectionRef.current?.connect(), []);
  return { view, connect };
}
