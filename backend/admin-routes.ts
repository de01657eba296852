import type { Logger } from 'pino';
import { routes, SHARED_AGENT_WARNING } from '../protocol';
import type { AgentConnections } from './agents/connections';
import { type AgentRegistry, isSharedLocal, toAgentSummary } from './agents/registry';
import { type AuthService, toUserDto } from './auth/service';
import { HttpError, notFound } from './http/errors';
import type { routeRegistrar } from './http/register';
import type { AuditLog, AuditRecord } from './ops/audit';

export function adminRoutes(
  register: ReturnType<typeof routeRegistrar>,
  deps: {
    auth: AuthService;
    agents: AgentRegistry;
    hub: Pick<AgentConnections, 'reportedActive' | 'disconnect'>;
    audit: AuditLog;
    logger: Logger;
  },
): void {
  const { auth, agents, hub, audit, logger } = deps;
  /** Said in the log whenever an admin opens a local-runtime agent to all, so nobody misses it. */
  const warnIfShared = (agent: Parameters<typeof isSharedLocal>[0] & { id: string; name: string }) => {
    if (isSharedLocal(agent)) {
      logger.warn(
        { agentId: agent.id, agent: agent.name },
        `agent ${agent.name} is shared: ${SHARED_AGENT_WARNING}`,
      );
    }
  };
  /** What an admin did to an agent or a user; the action's first word names the kind of target. */
  const record = (
    actor: string,
    action: `${'agent' | 'user'}.${string}`,
    target: string,
    detail?: AuditRecord['detail'],
  ) =>
    audit.record({
      actor,
      action,
      targetType: action.startsWith('agent.') ? 'agent' : 'user',
      target,
      detail,
    });

  register(routes.listAgents, async () => {
    const rows = await agents.list();
    return {
      agents: rows.map((a) => ({
        ...toAgentSummary(a, hub.reportedActive(a.id) ?? a.activeSessions),
        lastHeartbeatAt: a.lastSeenAt?.toISOString() ?? null,
      })),
    };
  });
  register(routes.createAgent, async ({ user, body }) => {
    const { agent, token } = await agents.create(body);
    record(user.username, 'agent.create', agent.id, {
      name: agent.name,
      owner: agent.ownerUsername,
      shared: agent.shared,
    });
    warnIfShared(agent);
    return { agent: toAgentSummary(agent), token };
  });
  register(routes.updateAgent, async ({ user, params, body }) => {
    const agent = await agents.setAccess(params.id, body);
    record(user.username, 'agent.update', agent.id, {
      owner: agent.ownerUsername,
      shared: agent.shared,
    });
    warnIfShared(agent);
    return { agent: toAgentSummary(agent, hub.reportedActive(agent.id) ?? agent.activeSessions) };
  });
  register(routes.revokeAgent, async ({ user, params }) => {
    const agent = await agents.revoke(params.id);
    hub.disconnect(agent.id, 'agent revoked');
    record(user.username, 'agent.revoke', agent.id);
    return { agent: toAgentSummary(agent) };
  });

  register(routes.listUsers, async () => ({ users: (await auth.listUsers()).map(toUserDto) }));
  register(routes.createUser, async ({ user: actor, body }) => {
    const user = await auth.createUser(body.username, body.password, body.role);
    record(actor.username, 'user.create', user.username, { role: user.role });
    return toUserDto(user);
  });
  register(routes.updateUser, async ({ user: actor, params, body }) => {
    const existing = await auth.findUser(params.id);
    if (!existing) throw notFound('no such user');
    // An admin who disabled themselves could not sign in to undo it.
    if (body.disabled && existing.id === actor.id) {
      throw new HttpError(409, 'conflict', 'You cannot disable your own account.');
    }
    const user = await auth.updateUser(existing.id, body);
    record(actor.username, 'user.update', user.username, {
      role: body.role,
      passwordChanged: body.password !== undefined,
      disabled: body.disabled,
    });
    return toUserDto(user);
  });

  register(routes.audit, async ({ query }) => {
    const { limit, before, ...filter } = query ?? { limit: 100 };
    return { entries: await audit.list(limit, before, filter) };
  });
}
