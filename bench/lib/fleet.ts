import { CreatedAgent, SessionDto, TokenPair } from '../../protocol';
import { ApiClient } from './api';
import { SimAgent, type SimAgentOptions } from './sim-agent';

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

async function ok(res: Response, what: string): Promise<unknown> {
  if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Plain users made through the admin API, each signed in with its own client. */
export async function createUsers(admin: ApiClient, names: readonly string[]): Promise<ApiClient[]> {
  // scrypt makes each of these ~100 ms of CPU; a few at once keeps both cores busy without queueing.
  return inBatches(names, 4, async (username) => {
    const password = `${username}-bench-password`;
    await ok(await admin.call('/users', { body: { username, password, role: 'user' } }), 'create user');
    const client = new ApiClient(admin.baseUrl);
    TokenPair.parse(await client.login(username, password));
    return client;
  });
}

export async function createAgents(
  admin: ApiClient,
  names: readonly string[],
  maxSessions: number,
): Promise<Array<{ id: string; token: string }>> {
  return inBatches(names, 8, async (name) => {
    const created = CreatedAgent.parse(
      await ok(
        await admin.call('/agents', { body: { name, runtime: 'local', maxSessions } }),
        'create agent',
      ),
    );
    return { id: created.agent.id, token: created.token };
  });
}

export async function connectAgents(
  creds: ReadonlyArray<{ id: string; token: string }>,
  options: Omit<SimAgentOptions, 'agentId' | 'token'>,
): Promise<SimAgent[]> {
  return inBatches(creds, 16, async (c) => {
    const agent = new SimAgent({ ...options, agentId: c.id, token: c.token });
    await agent.connect();
    return agent;
  });
}

export async function launch(client: ApiClient, template: string): Promise<SessionDto> {
  return SessionDto.parse(await ok(await client.call('/sessions', { body: { template } }), 'launch'));
}
