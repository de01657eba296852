import type RFB from '@novnc/novnc';
import { type RefObject, useCallback, useEffect, useRef, useState } from 'react';
import { describeError } from '../api/errors';
import { vncUrl } from '../api/urls';
import { api, bridge } from '../app/services';
import { useSessions } from '../sessions/sessions-store';
import { loadRfb } from '../vnc/load-rfb';
import { disconnectMessage, type ViewerStatus, waitingMessage } from './readiness';
import { untilReady } from './until-ready';

export interface ViewerView {
  status: ViewerStatus;
  message: string;
}

const sessionState = (name: string) => useSessions.getState().byName[name]?.session.state;

/**
 * Connects noVNC to a session: a fresh single-use ticket per attempt, the VNC password handed
 * straight to noVNC (never stored, logged or put in a URL).
 */
export function useVncViewer(name: string, screenRef: RefObject<HTMLDivElement | null>) {
  const [view, setView] = useState<ViewerView>({ status: 'connecting', message: 'Connecting…' });
  const attemptRef = useRef<AbortController | null>(null);
  const rfbRef = useRef<RFB | null>(null);
  const statusRef = useRef<ViewerStatus>('connecting');

  const closeRfb = useCallback(() => {
    const rfb = rfbRef.current;
    rfbRef.current = null;
    rfb?.disconnect();
  }, []);

  const connect = useCallback(() => {
    attemptRef.current?.abort();
    closeRfb();
    const attempt = new AbortController();
    attemptRef.current = attempt;
    const { signal } = attempt;
    const show = (status: ViewerStatus, message: string) => {
      if (signal.aborted) return;
      statusRef.current = status;
      setView({ status, message });
    };

    async function run(): Promise<void> {
      show('connecting', 'Requesting access…');
      let ticket = await api.viewerTicket(name);
      const outcome = await untilReady(name, signal, (state) => show('connecting', waitingMessage(state)));
      if (outcome === 'aborted') return;
      if (outcome === 'ended') return show('error', 'The session has ended.');
      if (outcome === 'failed') {
        const reason = useSessions.getState().byName[name]?.session.status.message;
        return show('error', reason ? `The session failed: ${reason}` : 'The session failed.');
      }
      // The first ticket is short-lived and may have expired while the session started.
      if (outcome === 'waited') ticket = await api.viewerTicket(name);
      const [Rfb, server] = await Promise.all([loadRfb(), bridge.getServer()]);
      const target = screenRef.current;
      if (signal.aborted || !target) return;

      show('connecting', 'Connecting…');
      const rfb = new Rfb(target, vncUrl(server.baseUrl, name, ticket.ticket), {
        credentials: { password: ticket.vncPassword },
      });
      rfbRef.current = rfb;
      rfb.scaleViewport = true;
      rfb.resizeSession = true;
      rfb.focusOnClick = true;
      let failed = false;
      const fail = (message: string) => {
        failed = true;
        show('error', message);
      };

      rfb.addEventListener('connect', () => {
        show('connected', '');
        rfb.focus();
      });
      rfb.addEventListener('disconnect', (event) => {
        if (rfbRef.current === rfb) rfbRef.current = null;
        if (!failed) show('disconnected', disconnectMessage(sessionState(name), event.detail.clean));
      });
      rfb.addEventListener('credentialsrequired', (event) => {
        fail(
          `The session asked for credentials this viewer does not have (${event.detail.types.join(', ')}).`,
        );
        rfb.disconnect();
      });
      rfb.addEventListener('securityfailure', (event) => {
        const reason = event.detail.reason ? `: ${event.detail.reason}` : '';
        fail(`The session refused the connection${reason}. Reconnect to try with a new ticket.`);
      });
    }

    run().catch((error: unknown) => show('error', describeError(error)));
  }, [name, screenRef, closeRfb]);

  useEffect(() => {
    connect();
    return () => {
      attemptRef.current?.abort();
      closeRfb();
    };
  }, [connect, closeRfb]);

  // A session woken elsewhere (tray, dashboard) comes back without the user having to click.
  const state = useSessions((s) => s.byName[name]?.session.state);
  const previousState = useRef(state);
  useEffect(() => {
    const previous = previousState.current;
    previousState.current = state;
    if (
      state === 'running' &&
      previous !== undefined &&
      previous !== 'running' &&
      statusRef.current === 'disconnected'
    ) {
      connect();
    }
  }, [state, connect]);

  return { view, reconnect: connect };
}
