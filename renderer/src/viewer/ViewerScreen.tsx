import { useEffect, useRef, useState } from 'react';
import { StateBadge } from '../sessions/StateBadge';
import { useSessions } from '../sessions/sessions-store';
import { Logo } from '../ui/Logo';
import type { ViewerStatus } from './readiness';
import { useVncViewer } from './useVncViewer';

const statusText: Record<ViewerStatus, string> = {
  connecting: 'Connecting',
  connected: 'Connected',
  disconnected: 'Disconnected',
  error: 'Error',
};

export function ViewerScreen({ name }: { name: string }) {
  const screenRef = useRef<HTMLDivElement>(null);
  const { view, reconnect } = useVncViewer(name, screenRef);
  const state = useSessions((s) => s.byName[name]?.session.state);
  const canReconnect = view.status === 'disconnected' || view.status === 'error';

  useEffect(() => {
    document.title = name;
  }, [name]);

  return (
    <div className={`viewer viewer-${view.status}`}>
      <div className="viewer-bar">
        <div className="viewer-id">
          <Logo size={18} />
          <span className="viewer-name">{name}</span>
          {state && <StateBadge state={state} />}
        </div>
        <div className="viewer-conn">
          <span className={`conn conn-${view.status}`} data-testid="viewer-status" data-status={view.status}>
            <span className="dot" aria-hidden="true" />
            {statusText[view.status]}
          </span>
          {canReconnect && (
            <button
              type="button"
              className="btn btn-small btn-primary"
              data-testid="viewer-reconnect"
              onClick={reconnect}
            >
              Reconnect
            </button>
          )}
          <FullscreenButton />
        </div>
      </div>
      <div className="viewer-stage">
        <div className="viewer-screen" data-testid="viewer-screen" ref={screenRef} />
        {view.status !== 'connected' && (
          <div className="viewer-overlay" role="status" aria-live="polite">
            {view.status === 'connecting' && <span className="spinner" aria-hidden="true" />}
            <p className={view.status === 'error' ? 'overlay-error' : undefined}>{view.message}</p>
          </div>
        )}
      </div>
    </div>
  );
}

function FullscreenButton() {
  const [fullscreen, setFullscreen] = useState(() => document.fullscreenElement !== null);

  useEffect(() => {
    const update = () => setFullscreen(document.fullscreenElement !== null);
    document.addEventListener('fullscreenchange', update);
    return () => document.removeEventListener('fullscreenchange', update);
  }, []);

  if (!document.fullscreenEnabled) return null;
  const toggle = () => {
    const request = fullscreen ? document.exitFullscreen() : document.documentElement.requestFullscreen();
    request.catch(() => undefined);
  };
  return (
    <button type="button" className="btn btn-small btn-ghost-dark" onClick={toggle}>
      {fullscreen ? 'Exit full screen' : 'Full screen'}
    </button>
  );
}
