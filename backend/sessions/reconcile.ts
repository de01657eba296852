import type { Logger } from 'pino';
import type { ObservedState } from '../../protocol';
import type { CommandQueue } from '../agents/commands';
import type { AgentRow } from '../db/schema';
import type { SessionStore } from './store';

export interface ReconcileDeps {
  store: SessionStore;
  commands: Pick<CommandQueue, 'hasOpenStart' | 'enqueue' | 'stopUnknown'>;
  logger: Logger;
}

/**
 * On an agent's hello: sessions the database has on it but the agent does not run fail (or end,
 * if they were being stopped); sessions the agent runs that the database does not know are stopped.
 */
export async function reconcileAgent(
  deps: ReconcileDeps,
  agent: AgentRow,
  reported: ReadonlyArray<{ name: string; state: ObservedState }>,
): Promise<void> {
  const reportedByName = new Map(reported.map((s) => [s.name, s.state]));
  for (const row of await deps.store.liveOnAgent(agent.id)) {
    const theirs = reportedByName.get(row.name);
    if (theirs === undefined || theirs === 'terminated') {
      if (row.state === 'terminating') {
        await deps.store.transition(row.name, 'terminated', 'stopped');
        continue;
      }
      // Not started yet: the queued start command will still create it.
      if (row.state === 'pending' || (await deps.commands.hasOpenStart(row.name))) continue;
      await deps.store.transition(row.name, 'failed', 'the agent no longer runs this session');
      continue;
    }
    if (theirs === 'failed')
      await deps.store.transition(row.name, 'failed', 'the agent reports the session failed');
    else if (theirs === 'running' && row.state === 'hibernating') continue;
    else if (theirs === 'hibernated' && row.state === 'running') {
      await deps.store.transition(row.name, 'hibernating', 'found hibernated');
      await deps.store.transition(row.name, 'hibernated', 'found hibernated');
    }
  }
  for (const [name, state] of reportedByName) {
    if (state === 'terminated' || state === 'failed') continue;
    const row = await deps.store.get(name);
    if (row && row.agentId === agent.id && row.state !== 'terminated' && row.state !== 'failed') continue;
    deps.logger.warn(
      { agentId: agent.id, session: name },
      'agent runs a session the database does not know; stopping it',
    );
    if (row && row.agentId === agent.id) {
      await deps.commands.enqueue(row, agent.id, 'stop_session');
    } else {
      deps.commands.stopUnknown(agent.id, name);
    }
  }
}
