import type { ViewerStatus } from './readiness';
import type { ViewerStats } from './useViewerStats';

const statusText: Record<ViewerStatus, string> = {
  connecting: 'Connecting',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  hibernated: 'Hibernated',
  ended: 'Ended',
  failed: 'Failed',
  disconnected: 'Disconnected',
  error: 'Error',
};

const HOW_MEASURED =
  'Round trip: a small request to the server every 5 s. Frame rate: screen updates drawn per second (0 while nothing changes).';

/** The connection's state, and while connected its round trip and frame rate. */
export function ConnectionStatus({ status, stats }: { status: ViewerStatus; stats: ViewerStats }) {
  return (
    <span className={`conn conn-${status}`} data-testid="viewer-status" data-status={status}>
      <span className="dot" aria-hidden="true" />
      {statusText[status]}
      {status === 'connected' && (
        <span className="conn-stats" data-testid="viewer-stats" title={HOW_MEASURED}>
          <span data-testid="viewer-latency">
            {stats.latencyMs === null ? '– ms' : `${stats.latencyMs} ms`}
          </span>
          <span aria-hidden="true">·</span>
          <span data-testid="viewer-fps">{stats.fps === null ? '– fps' : `${stats.fps} fps`}</span>
        </span>
      )}
    </span>
  );
}
