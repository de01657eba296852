import { ProtocolAgent, type ProtocolAgentOptions } from '../../tests/support/protocol-agent';
import type { SignedIn } from './api';

/** Runs `work` over `items` with at most `limit` in flight, keeping results in order. */
export async function inBatches<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export async function createAgents(
  admin: SignedIn,
  names: readonly string[],
  maxSessions: number,
): Promise<Array<{ id: string; token: string }>> {
  return inBatches(names, 8, async (name) => {
    // Protocol-level stand-ins serving many users: shared, since a local-runtime agent serves its owner only.
    const created = await admin.api.createAgent({
      body: { name, runtime: 'local', maxSessions, owner: 'admin', shared: true },
    });
    return { id: created.agent.id, token: created.token };
  });
}

/** Protocol-level agents, hundreds to a process; a frame the protocol refuses is counted, not thrown. */
export async function connectAgents(
  baseUrl: string,
  creds: ReadonlyArray<{ id: string; token: string }>,
  options: ProtocolAgentOptions,
): Promise<ProtocolAgent[]> {
  return inBatches(creds, 16, async (c) => {
    const agent = new ProtocolAgent(baseUrl, c.id, c.token, { version: 'bench', strict: false, ...options });
    await agent.connect();
    return agent;
  });
}
