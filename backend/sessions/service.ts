import type { Logger } from 'pino';
import {
  ACTION_TARGET,
  type CommandAccepted,
  type CommandAction,
  type CreateSessionRequest,
  canPerform,
  IDLE_HIBERNATE_MESSAGE,
  type ObservedState,
  type QuotaExceededDetails,
  type SessionAction,
  type SessionDto,
  type ViewerTicket,
} from '../../protocol';
import type { CommandQueue } from '../agents/commands';
import type { SessionFacts } from '../agents/frame-router';
import { type AgentRegistry, mayServe, pickAgent } from '../agents/registry';
import type { SignIn } from '../auth/revocations';
import type { AgentRow, SessionRow, UserRow } from '../db/schema';
import { conflict, forbidden, HttpError, noAgent, notFound } from '../http/errors';
import type { AuditLog } from '../ops/audit';
import { runtimesOf, type TemplateCatalog } from '../templates/catalog';
import { canView } from '../vnc/access';
import type { TicketBook } from '../vnc/tickets';
import { sessionName, vncPassword } from './naming';
import { reconcileAgent } from './reconcile';
import type { SerialisedList } from './serialised-list';
import { type SessionStore, toSessionDto } from './store';

export interface SessionPolicy {
  namespace: string;
  maxSessionsPerUser: number;
  /** 0 turns idle hibernation off. */
  idleHibernateMs: number;
}

type RequestedAction = Exclude<SessionAction, 'open'>;

/** The agent command each requested action becomes; which states allow it is the protocol's policy. */
const COMMAND_OF: Record<RequestedAction, CommandAction> = {
  hibernate: 'hibernate_session',
  wake: 'wake_session',
  terminate: 'stop_session',
};

/** The backend owns session state: users ask, agents report facts, and this decides. */
export class SessionService implements SessionFacts {
  constructor(
    private readonly store: SessionStore,
    private readonly commands: CommandQueue,
    private readonly agents: AgentRegistry,
    private readonly catalog: TemplateCatalog,
    private readonly tickets: TicketBook,
    private readonly audit: AuditLog,
    private readonly policy: SessionPolicy,
    private readonly logger: Logger,
    /** The user a viewer ticket was issued to, for the audit trail of the wake it causes. */
    private readonly users: (userId: string) => Promise<UserRow | null | undefined>,
  ) {}

  async create(user: UserRow, request: CreateSessionRequest): Promise<SessionDto> {
    const template = this.catalog.get(request.template);
    if (!template) throw notFound(`no template named ${request.template}`);
    this.catalog.assertInstalled(template);
    const counts = await this.store.liveCounts(user.id);
    const live = counts.ofUser;
    if (live >= this.policy.maxSessionsPerUser) {
      throw new HttpError(
        403,
        'quota_exceeded',
        `you already have ${live} sessions, the most allowed; terminate one to start another`,
        { limit: this.policy.maxSessionsPerUser, live } satisfies QuotaExceededDetails,
      );
    }
    const runtimes = runtimesOf(template);
    const online = await this.agents.online(runtimes);
    const candidates = online.filter((a) => mayServe(a, user));
    const agent = pickAgent(candidates, counts.byAgent);
    if (!agent) {
      if (online.length === 0)
        throw noAgent(
          `no agent that can run ${template.name} (${runtimes.join(', ') || 'no runtime'}) is online`,
        );
      if (candidates.length === 0) {
        throw noAgent(
          `no agent can run ${template.name} for you: the agents online that could are local-runtime ` +
            'agents of other users, and a local-runtime agent runs its sessions as one Unix account, so it serves only its owner unless an admin shares it',
        );
      }
      throw noAgent('every agent that can run this template is at capacity');
    }
    const resources = request.resources ?? template.defaultResources;
    const latest = await this.commands.launch(
      {
        name: sessionName(user.username, template.name),
        namespace: this.policy.namespace,
        userId: user.id,
        username: user.username,
        template: template.name,
        state: 'pending',
        message: 'waiting for the agent',
        memory: resources.memory,
        cpu: resources.cpu,
        persistentHome: request.persistentHome ?? false,
        agentId: agent.id,
        runtime: agent.runtime,
        vncPassword: vncPassword(),
      },
      agent.id,
    );
    // Queued, not awaited: written once this answer is on its way (see AuditLog).
    this.audit.record({
      actor: user.username,
      action: 'session.create',
      targetType: 'session',
      target: latest.name,
      detail: { template: template.name, agentId: agent.id },
    });
    return toSessionDto(latest);
  }

  /** The caller's sessions, or everyone's for an admin, as an encoded SessionList. */
  async list(user: UserRow, all: boolean): Promise<SerialisedList> {
    if (all && user.role !== 'admin') throw forbidden('only admins may list every session');
    return this.store.listSerialised(all ? {} : { userId: user.id });
  }

  /** The session if `user` may act on it: its owner, or an admin. */
  async owned(user: UserRow, name: string): Promise<SessionRow> {
    const row = await this.store.get(name);
    if (!row) throw notFound(`no session named ${name}`);
    if (row.userId !== user.id && user.role !== 'admin')
      throw forbidden('this session belongs to someone else');
    return row;
  }

  async request(user: UserRow, name: string, kind: RequestedAction): Promise<CommandAccepted> {
    const row = await this.owned(user, name);
    if (!canPerform(row.state, kind)) {
      throw conflict(`cannot ${kind} a session that is ${row.state}`);
    }
    const moved = await this.store.transition(
      row.name,
      ACTION_TARGET[kind],
      `${kind} requested by ${user.username}`,
    );
    if (!moved)
      throw conflict(`the session changed state meanwhile; it is now ${(await this.store.get(name))?.state}`);
    this.audit.record({
      actor: user.username,
      action: `session.${kind}`,
      targetType: 'session',
      target: name,
    });
    const agent = row.agentId ? await this.agents.get(row.agentId) : undefined;
    if (kind === 'terminate' && (!agent || agent.revokedAt)) {
      // Nobody is left to stop it; there is nothing running to leave behind.
      const done = await this.store.transition(row.name, 'terminated', 'its agent is gone');
      return { commandId: '', session: toSessionDto(done ?? moved) };
    }
    if (!agent) throw noAgent('the agent of this session is gone');
    const command = await this.commands.enqueue(moved, agent.id, COMMAND_OF[kind]);
    return { commandId: command.id, session: toSessionDto((await this.store.get(name)) ?? moved) };
  }

  /** A ticket for the viewer. Opening a hibernated session wakes it, once the viewer connects. */
  async viewerTicket(user: UserRow, name: string, signIn: SignIn): Promise<ViewerTicket> {
    const row = await this.owned(user, name);
    if (!canView(user, row)) throw forbidden('only the owner of a session may view it');
    if (!canPerform(row.state, 'open')) throw conflict(`cannot view a session that is ${row.state}`);
    const { ticket, expiresAt } = this.tickets.issue({ userId: user.id, sessionName: row.name, signIn });
    return { ticket, expiresAt: expiresAt.toISOString(), vncPassword: row.vncPassword };
  }

  /**
   * Brings a session a viewer has connected to up to running: wakes it if it is hibernated, then
   * waits on the store's transitions (no polling) until it runs, ends or `timeoutMs` passes. Null
   * when it runs; otherwise why the viewer cannot have it.
   */
  async readyForViewer(
    userId: string,
    name: string,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<string | null> {
    const row = await this.store.get(name);
    if (!row) return 'session is gone';
    if (row.state === 'hibernated') {
      const user = await this.users(userId);
      if (!user) return 'the session owner is gone';
      await this.request(user, name, 'wake').catch((err: unknown) => {
        // Someone else woke it meanwhile: the wait below sees the outcome either way.
        if (!(err instanceof HttpError && err.status === 409)) throw err;
      });
    }
    const settled = await this.store.waitFor(
      name,
      (s) => s.state === 'running' || !canPerform(s.state, 'open'),
      timeoutMs,
      signal,
    );
    if (!settled) return 'session is gone';
    if (settled === 'timeout') {
      const now = await this.store.get(name);
      return `session did not start in time (${now?.state ?? 'gone'})`;
    }
    return settled.state === 'running' ? null : `session is ${settled.state}`;
  }

  /** The owner used the session: its idle spell starts again. Only the owner's input counts. */
  async activity(user: UserRow, name: string): Promise<void> {
    const row = await this.owned(user, name);
    if (!canView(user, row)) throw forbidden('only the owner of a session may use it');
    await this.markInUse(row.name);
  }

  /** The session is in use now (a viewer connecting or leaving, or input): its idle spell starts again. */
  async markInUse(name: string): Promise<void> {
    await this.store.touchViewed(name, new Date());
  }

  /**
   * Hibernates running sessions nobody has used for the idle period: no viewer opened, closed or
   * reporting input since. An open viewer nobody types into or points at idles too, after the
   * warning it shows a minute before.
   */
  async hibernateIdle(now = Date.now()): Promise<string[]> {
    if (this.policy.idleHibernateMs <= 0) return [];
    const hibernated: string[] = [];
    for (const row of await this.store.runningIdleSince(new Date(now - this.policy.idleHibernateMs))) {
      if (row.state !== 'running' || !row.agentId) continue;
      const since = Math.max(row.lastViewedAt?.getTime() ?? 0, row.updatedAt.getTime());
      if (now - since < this.policy.idleHibernateMs) continue;
      const moved = await this.store.transition(row.name, 'hibernating', IDLE_HIBERNATE_MESSAGE);
      if (!moved) continue;
      this.audit.record({
        actor: 'system',
        action: 'session.idle_hibernate',
        targetType: 'session',
        target: row.name,
      });
      await this.commands.enqueue(moved, row.agentId, 'hibernate_session');
      hibernated.push(row.name);
    }
    return hibernated;
  }

  async status(agentId: string, name: string, observed: ObservedState, message: string): Promise<void> {
    const row = await this.store.get(name);
    // Agents speak only for their own sessions.
    if (!row || row.agentId !== agentId) return;
    switch (observed) {
      case 'running':
        if (['pending', 'starting', 'waking'].includes(row.state))
          await this.store.transition(name, 'running', message);
        return;
      case 'hibernated':
        if (row.state === 'hibernating') await this.store.transition(name, 'hibernated', message);
        return;
      case 'failed':
        if (row.state !== 'terminated' && row.state !== 'terminating')
          await this.store.transition(name, 'failed', message || 'the session failed');
        return;
      case 'terminated':
        await this.ended(row, message || 'the app exited');
        return;
      case 'starting':
        // Repeated while a pod is scheduled, pulls its image and starts: the launch's progress.
        if (row.state === 'pending' || row.state === 'starting')
          await this.store.transition(name, 'starting', message);
        else if (row.state === 'waking') await this.store.transition(name, 'waking', message);
        return;
    }
  }

  /** The session is gone on the agent's side: record terminated, passing through terminating. */
  private async ended(row: SessionRow, message: string): Promise<void> {
    if (row.state === 'terminated') return;
    if (row.state !== 'terminating' && row.state !== 'failed') {
      await this.store.transition(row.name, 'terminating', message);
    }
    await this.store.transition(row.name, 'terminated', message);
  }

  /** What an agent says it runs, on its hello, against what the database says. */
  reconcile(agent: AgentRow, reported: ReadonlyArray<{ name: string; state: ObservedState }>): Promise<void> {
    return reconcileAgent(
      { store: this.store, commands: this.commands, logger: this.logger },
      agent,
      reported,
    );
  }
}
