import type { SessionState } from '../../../protocol';
import type { Relaunch } from './useRelaunch';
import type { ViewerView } from './viewer-connection';

interface ViewerOverlayProps {
  view: ViewerView;
  state: SessionState | undefined;
  /** Wake and Reconnect: a fresh connection, which wakes a hibernated session. */
  onConnect: () => void;
  relaunch: Relaunch;
}

/** What covers the screen while there is no live picture, with the one next step that helps. */
export function ViewerOverlay({ view, state, onConnect, relaunch }: ViewerOverlayProps) {
  const { status, message } = view;
  return (
    <div className="viewer-overlay" role="status" aria-live="polite" data-testid="viewer-overlay">
      {(status === 'connecting' || status === 'reconnecting') && (
        <>
          <span className="spinner" aria-hidden="true" />
          <p>{message}</p>
        </>
      )}
      {status === 'hibernated' && (
        <div className="overlay-line">
          <span className="overlay-title">{message}</span>
          <span aria-hidden="true">—</span>
          <button
            type="button"
            className="btn btn-primary"
            data-testid="viewer-wake"
            // A session still on its way to sleep cannot be woken until it is there.
            disabled={state !== 'hibernated'}
            onClick={onConnect}
          >
            Wake
          </button>
        </div>
      )}
      {(status === 'ended' || status === 'failed') && (
        <>
          <p className={status === 'failed' ? 'overlay-error' : 'overlay-title'}>{message}</p>
          <button
            type="button"
            className="btn btn-primary"
            data-testid="viewer-relaunch"
            disabled={relaunch.busy}
            onClick={relaunch.run}
          >
            {relaunch.busy ? 'Relaunching…' : 'Relaunch'}
          </button>
          {relaunch.note && <p className="muted">{relaunch.note}</p>}
        </>
      )}
      {(status === 'disconnected' || status === 'error') && (
        <>
          <p className={status === 'error' ? 'overlay-error' : undefined}>{message}</p>
          <button
            type="button"
            className="btn btn-primary"
            data-testid="viewer-reconnect"
            onClick={onConnect}
          >
            Reconnect
          </button>
        </>
      )}
    </div>
  );
}
