import { randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { type AgentSummary, type RuntimeName, SHARED_AGENT_WARNING } from '../../protocol';
import { constantTimeEqual, hashSecret, randomToken } from '../auth/secrets';
import type { Db } from '../db/client';
import { InvalidatingCache } from '../db/invalidating-cache';
import { type AgentRow, agents, type UserRow, users } from '../db/schema';
import { badRequest, HttpError } from '../http/errors';

export function toAgentSummary(row: AgentRow, activeSessions = row.activeSessions): AgentSummary {
  return {
    id: row.id,
    name: row.name,
    runtime: row.runtime,
    status: row.status,
    activeSessions,
    maxSessions: row.maxSessions,
    owner: row.ownerUsername,
    shared: row.shared,
    warning: isSharedLocal(row) ? SHARED_AGENT_WARNING : null,
  };
}

/** A local-runtime agent an admin opened to every user: they share its Unix account. */
export function isSharedLocal(agent: Pick<AgentRow, 'runtime' | 'shared'>): boolean {
  return agent.runtime === 'local' && agent.shared;
}

/**
 * Whether `user`'s sessions may go to this agent. A local-runtime agent runs every session as its
 * own Unix account, so anyone with a shell in one (an xterm) could read the others' files and
 * pose as the agent: it serves its owner only, unless an admin shared it. Pods keep users apart.
 */
export function mayServe(
  agent: Pick<AgentRow, 'runtime' | 'shared' | 'ownerUserId'>,
  user: Pick<UserRow, 'id'>,
): boolean {
  return agent.runtime !== 'local' || agent.shared || agent.ownerUserId === user.id;
}

/** Agent tokens are `<agentId>.<secret>`: the id finds the row, the secret is compared hashed in constant time. */
export function splitAgentToken(token: string): { id: string; secret: string } | null {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot === token.length - 1 || token.length > 512) return null;
  return { id: token.slice(0, dot), secret: token.slice(dot + 1) };
}

/** What placement needs of an agent; none of it changes with heartbeats. */
export type AgentCandidate = Pick<
  AgentRow,
  'id' | 'name' | 'runtime' | 'maxSessions' | 'ownerUserId' | 'shared'
>;

export interface NewAgent {
  name: string;
  runtime: RuntimeName;
  maxSessions: number;
  /** Username of the user a local-runtime agent serves; kubernetes agents have none. */
  owner?: string | undefined;
  shared?: boolean;
}

/** Who a local-runtime agent serves: hand it to `owner`, and/or open it to all or close it again. */
export interface AgentAccess {
  owner?: string | undefined;
  shared?: boolean | undefined;
}

const ONLINE = 'online';
const LOCAL_ONLY = 'apply only to local-runtime agents; kubernetes pods keep users apart';

/** Fields whose change adds an agent to, or takes it from, the candidates, or changes its room. */
const PLACEMENT_FIELDS = ['status', 'maxSessions', 'ownerUserId', 'shared'] as const;

export class AgentRegistry {
  /**
   * Online, unrevoked agents, for placement. Reading hundreds of agent rows on every launch cost
   * tens of milliseconds on PGlite; they change only on connect, disconnect and revocation, all of
   * which are written here and drop the cache. A second replica on the same PostgreSQL would not
   * see this one's writes, so it would have to hear of them (LISTEN/NOTIFY) before keeping it.
   */
  private readonly candidates = new InvalidatingCache<AgentCandidate[]>();

  constructor(private readonly db: Db) {}

  async create(input: NewAgent): Promise<{ agent: AgentRow; token: string }> {
    const { name, runtime, maxSessions } = input;
    const owner = await this.ownerFor(runtime, input.owner);
    if (runtime !== 'local' && input.shared) throw badRequest(LOCAL_ONLY);
    const id = randomUUID();
    const secret = randomToken();
    const inserted = await this.written(
      this.db
        .insert(agents)
        .values({
          id,
          name,
          runtime,
          maxSessions,
          tokenHash: hashSecret(secret),
          ownerUserId: owner?.id ?? null,
          ownerUsername: owner?.username ?? null,
          shared: input.shared ?? false,
        })
        .onConflictDoNothing()
        .returning(),
    );
    const agent = inserted[0];
    if (!agent) throw new HttpError(409, 'conflict', `an agent named ${name} already exists`);
    return { agent, token: `${id}.${secret}` };
  }

  /**
   * The in-process agent of the local stack gets a fresh token on every start, so no long-lived
   * secret for it is kept anywhere. With the local runtime it belongs to `owner`, the local admin,
   * on every start; whether an admin shared it is kept.
   */
  async ensureLocal(
    runtime: RuntimeName,
    maxSessions: number,
    owner: string,
  ): Promise<{ agent: AgentRow; token: string }> {
    const existing = (await this.db.select().from(agents).where(eq(agents.name, 'local')).limit(1))[0];
    const ownerName = runtime === 'local' ? owner : undefined;
    if (!existing) return this.create({ name: 'local', runtime, maxSessions, owner: ownerName });
    const user = await this.ownerFor(runtime, ownerName);
    const secret = randomToken();
    const updated = await this.written(
      this.db
        .update(agents)
        .set({
          tokenHash: hashSecret(secret),
          runtime,
          maxSessions,
          revokedAt: null,
          ownerUserId: user?.id ?? null,
          ownerUsername: user?.username ?? null,
          shared: runtime === 'local' && existing.shared,
        })
        .where(eq(agents.id, existing.id))
        .returning(),
    );
    return { agent: updated[0] ?? existing, token: `${existing.id}.${secret}` };
  }

  /** Changes who a local-runtime agent serves; a kubernetes agent has nothing to change. */
  async setAccess(id: string, access: AgentAccess): Promise<AgentRow> {
    const existing = await this.get(id);
    if (!existing) throw new HttpError(404, 'not_found', 'no such agent');
    if (existing.runtime !== 'local') throw badRequest(`owner and shared ${LOCAL_ONLY}`);
    const owner = access.owner === undefined ? undefined : await this.ownerFor('local', access.owner);
    if (!owner && access.shared === undefined) return existing;
    const rows = await this.written(
      this.db
        .update(agents)
        .set({
          ...(owner ? { ownerUserId: owner.id, ownerUsername: owner.username } : {}),
          ...(access.shared === undefined ? {} : { shared: access.shared }),
        })
        .where(eq(agents.id, id))
        .returning(),
    );
    const row = rows[0];
    if (!row) throw new HttpError(404, 'not_found', 'no such agent');
    return row;
  }

  /** The user a new local-runtime agent belongs to; none for kubernetes, whose pods isolate users. */
  private async ownerFor(runtime: RuntimeName, username: string | undefined): Promise<UserRow | null> {
    if (runtime !== 'local') {
      if (username !== undefined) throw badRequest(`owner ${LOCAL_ONLY}`);
      return null;
    }
    if (username === undefined) {
      throw badRequest('a local-runtime agent needs an owner: its sessions all run as one Unix account');
    }
    const user = (await this.db.select().from(users).where(eq(users.username, username)).limit(1))[0];
    if (!user) throw badRequest(`no user named ${username} to own the agent`);
    return user;
  }

  async authenticate(token: string): Promise<AgentRow | null> {
    const parts = splitAgentToken(token);
    if (!parts) return null;
    const row = (await this.db.select().from(agents).where(eq(agents.id, parts.id)).limit(1))[0];
    const expected = row?.tokenHash ?? hashSecret('no-such-agent');
    const ok = constantTimeEqual(hashSecret(parts.secret), expected);
    if (!row || !ok || row.revokedAt) return null;
    return row;
  }

  async get(id: string): Promise<AgentRow | undefined> {
    return (await this.db.select().from(agents).where(eq(agents.id, id)).limit(1))[0];
  }

  async list(): Promise<AgentRow[]> {
    return this.db.select().from(agents).orderBy(agents.name);
  }

  async online(runtimes: readonly RuntimeName[]): Promise<AgentCandidate[]> {
    const rows = await this.candidates.get(ONLINE, () =>
      this.db
        .select({
          id: agents.id,
          name: agents.name,
          runtime: agents.runtime,
          maxSessions: agents.maxSessions,
          ownerUserId: agents.ownerUserId,
          shared: agents.shared,
        })
        .from(agents)
        .where(and(eq(agents.status, 'online'), isNull(agents.revokedAt))),
    );
    return rows.filter((r) => runtimes.includes(r.runtime));
  }

  async revoke(id: string): Promise<AgentRow> {
    const rows = await this.written(
      this.db
        .update(agents)
        .set({ revokedAt: new Date(), status: 'offline' })
        .where(eq(agents.id, id))
        .returning(),
    );
    const row = rows[0];
    if (!row) throw new HttpError(404, 'not_found', 'no such agent');
    return row;
  }

  async setStatus(
    id: string,
    patch: Partial<
      Pick<AgentRow, 'status' | 'activeSessions' | 'load' | 'version' | 'lastSeenAt' | 'maxSessions'>
    >,
  ): Promise<AgentRow | undefined> {
    const write = this.db.update(agents).set(patch).where(eq(agents.id, id)).returning();
    // Heartbeats write here often and touch nothing placement reads, so they keep the cache.
    const rows = PLACEMENT_FIELDS.some((f) => f in patch) ? await this.written(write) : await write;
    return rows[0];
  }

  /** On start nobody is connected yet, whatever the last process wrote. */
  async markAllOffline(): Promise<void> {
    await this.written(this.db.update(agents).set({ status: 'offline' }));
  }

  /**
   * Runs a write to agent rows between two drops of the candidates. The first makes the change
   * count from the moment it is asked for, as a fresh read did: the hub forgets a closed socket
   * before its offline status is written, and a launch in between must not be placed from memory.
   * The second drops whatever was read while the write was in flight, also when it throws.
   */
  private async written<T>(write: PromiseLike<T>): Promise<T> {
    this.candidates.invalidate([ONLINE]);
    try {
      return await write;
    } finally {
      this.candidates.invalidate([ONLINE]);
    }
  }
}

/** Fewest live sessions first, ties by name, never past maxSessions. Pure, so placement is easy to test. */
export function pickAgent<A extends AgentCandidate>(
  candidates: readonly A[],
  liveCounts: ReadonlyMap<string, number>,
): A | null {
  let best: A | null = null;
  let bestCount = Number.POSITIVE_INFINITY;
  for (const a of candidates) {
    const n = liveCounts.get(a.id) ?? 0;
    if (n >= a.maxSessions) continue;
    if (n < bestCount || (n === bestCount && best && a.name < best.name)) {
      best = a;
      bestCount = n;
    }
  }
  return best;
}
