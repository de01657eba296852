import type { SessionState } from '../../../protocol';
import { isTransitional, stateLabel } from './session-actions';

export function StateBadge({ state }: { state: SessionState }) {
  return (
    <span className={`badge badge-${state}${isTransitional(state) ? ' badge-busy' : ''}`}>
      <span className="dot" aria-hidden="true" />
      {stateLabel[state]}
    </span>
  );
}
