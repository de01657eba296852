import type { SessionDto } from '../../../protocol';
import type { SessionsState } from './sessions-reducers';

export interface LaunchOutcome {
  session: SessionDto;
  outcome: 'ready' | 'failed';
}

/** Which of the sessions this tab launched have reached a state worth telling the user about. */
export function launchOutcomes(launched: readonly string[], state: SessionsState): LaunchOutcome[] {
  const outcomes: LaunchOutcome[] = [];
  for (const name of launched) {
    const session = state.byName[name]?.session;
    if (!session) continue;
    if (session.state === 'running') outcomes.push({ session, outcome: 'ready' });
    else if (session.state === 'failed' || session.state === 'terminated')
      outcomes.push({ session, outcome: 'failed' });
  }
  return outcomes;
}

/** One toast per launch: "Starting…" is replaced by its outcome and cleared once the user acts. */
export const launchToastKey = (sessionName: string) => `launch-${sessionName}`;
