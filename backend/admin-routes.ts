import { Router } from 'express';
import { z } from 'zod';
import { AuditQuery, CreateAgentRequest, CreateUserRequest, UpdateUserRequest } from '../protocol';
import type { AgentHub } from './agents/hub';
import { type AgentRegistry, toAgentSummary } from './agents/registry';
import { type AuthService, toUserDto } from './auth/service';
import { authenticate, currentUser, requireAdmin } from './http/authenticate';
import { notFound } from './http/errors';
import { parse } from './http/validate';
import type { AuditLog } from './ops/audit';

const Id = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9-]+$/);

export function adminRoutes(deps: {
  auth: AuthService;
  agents: AgentRegistry;
  hub: AgentHub;
  audit: AuditLog;
}): Router {
  const { auth, agents, hub, audit } = deps;
  const r = Router();
  r.use(['/agents', '/users', '/audit'], authenticate(auth), requireAdmin);

  r.get('/agents', async (_req, res) => {
    const rows = await agents.list();
    res.json({ agents: rows.map((a) => toAgentSummary(a, hub.reportedActive(a.id) ?? a.activeSessions)) });
  });
  r.post('/agents', async (req, res) => {
    const body = parse(CreateAgentRequest, req.body, 'agent request');
    const { agent, token } = await agents.create(body.name, body.runtime, body.maxSessions);
    await audit.record({
      actor: currentUser(req).username,
      action: 'agent.create',
      targetType: 'agent',
      target: agent.id,
      detail: { name: agent.name },
    });
    res.status(201).json({ agent: toAgentSummary(agent), token });
  });
  r.delete('/agents/:id', async (req, res) => {
    const id = parse(Id, req.params.id, 'agent id');
    const agent = await agents.revoke(id);
    hub.disconnect(agent.id, 'agent revoked');
    await audit.record({
      actor: currentUser(req).username,
      action: 'agent.revoke',
      targetType: 'agent',
      target: agent.id,
    });
    res.json({ agent: toAgentSummary(agent) });
  });

  r.get('/users', async (_req, res) => {
    res.json({ users: (await auth.listUsers()).map(toUserDto) });
  });
  r.post('/users', async (req, res) => {
    const body = parse(CreateUserRequest, req.body, 'user request');
    const user = await auth.createUser(body.username, body.password, body.role);
    await audit.record({
      actor: currentUser(req).username,
      action: 'user.create',
      targetType: 'user',
      target: user.username,
      detail: { role: user.role },
    });
    res.status(201).json(toUserDto(user));
  });
  r.patch('/users/:id', async (req, res) => {
    const id = parse(Id, req.params.id, 'user id');
    const body = parse(UpdateUserRequest, req.body, 'user update');
    const existing = await auth.findUser(id);
    if (!existing) throw notFound('no such user');
    const user = await auth.updateUser(existing.id, body);
    await audit.record({
      actor: currentUser(req).username,
      action: 'user.update',
      targetType: 'user',
      target: user.username,
      detail: { role: body.role, passwordChanged: body.password !== undefined },
    });
    res.json(toUserDto(user));
  });

  r.get('/audit', async (req, res) => {
    const q = parse(AuditQuery, req.query, 'query');
    res.json({ entries: await audit.list(q.limit, q.before) });
  });
  return r;
}
