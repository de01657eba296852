import { useEffect, useRef, useState } from 'react';
import { canPerform } from '../../../protocol';
import { StateBadge } from '../sessions/StateBadge';
import { useSessions } from '../sessions/sessions-store';
import { TerminateButton } from '../sessions/TerminateButton';
import { Logo } from '../ui/Logo';
import { ConnectionStatus } from './ConnectionStatus';
import { useRelaunch } from './useRelaunch';
import { useViewerStats } from './useViewerStats';
import { useViewerTitle } from './useViewerTitle';
import { useVncViewer } from './useVncViewer';
import { ViewerOverlay } from './ViewerOverlay';

export function ViewerScreen({ name }: { name: string }) {
  const screenRef = useRef<HTMLDivElement>(null);
  const { view, connect } = useVncViewer(name, screenRef);
  const session = useSessions((s) => s.byName[name]?.session);
  const title = useViewerTitle(name, session?.template);
  const stats = useViewerStats(view.status, screenRef);
  const relaunch = useRelaunch(session);

  return (
    <div className={`viewer viewer-${view.status}`}>
      <div className="viewer-bar">
        <div className="viewer-id">
          <Logo size={18} />
          <span className="viewer-name" data-testid="viewer-title" title={name}>
            {title}
          </span>
          {session && <StateBadge state={session.state} />}
        </div>
        <div className="viewer-conn">
          <ConnectionStatus status={view.status} stats={stats} />
          {session && canPerform(session.state, 'terminate') && (
            <TerminateButton session={session} title={title} className="btn btn-small btn-ghost-dark" />
          )}
          <FullscreenButton />
        </div>
      </div>
      <div className="viewer-stage">
        <div className="viewer-screen" data-testid="viewer-screen" ref={screenRef} />
        {view.status !== 'connected' && (
          <ViewerOverlay view={view} state={session?.state} onConnect={connect} relaunch={relaunch} />
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
