import { z } from 'zod';
import { AgentList, AuditList, AuditQuery, CreateAgentRequest, CreatedAgent } from './admin';
import {
  CreateUserRequest,
  LoginRequest,
  RefreshRequest,
  TokenPair,
  UpdateUserRequest,
  UserDto,
  UserList,
} from './auth';
import { AgentSummary } from './events';
import { none, rest, ws } from './lib/route';
import { SessionName, TemplateName } from './names';
import {
  CommandAccepted,
  CreateSessionRequest,
  SessionDto,
  SessionList,
  SessionListQuery,
  ViewerTicket,
  VncQuery,
} from './sessions';
import { TemplateDto, TemplateList, TemplateQuery } from './templates';

/** Every REST and WebSocket route is under this prefix. */
export const API_PREFIX = '/api/v1';

const NameParams = z.strictObject({ name: SessionName });
const TemplateParams = z.strictObject({ name: TemplateName });
/** Agent and user ids: UUIDs, or the local agent's fixed id. */
const IdParams = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9-]+$/),
});
const TunnelParams = z.strictObject({
  tunnelId: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9-]+$/),
});

export const Health = z.object({ status: z.literal('ok') });
export const Readiness = z.object({
  status: z.literal('ready'),
  database: z.literal('ok'),
  agentsOnline: z.number().int(),
});

const AUTH = ['unauthorized'] as const;
const OWNED = ['unauthorized', 'forbidden', 'not_found'] as const;
const ADMIN = ['unauthorized', 'forbidden'] as const;

/**
 * The control plane's contract: each route once, with everything both sides need. The backend
 * registers its handlers from this table and every client is built from it, so a path, a schema
 * or a status lives in exactly one place.
 */
export const routes = {
  // Operations
  healthz: rest({ method: 'GET', path: '/healthz', auth: 'public', response: Health, errors: [] }),
  readyz: rest({ method: 'GET', path: '/readyz', auth: 'public', response: Readiness, errors: ['internal'] }),
  metrics: rest({
    method: 'GET',
    path: '/metrics',
    auth: 'public',
    response: z.string(),
    responseType: 'text',
    errors: [],
  }),

  // Sign-in
  login: rest({
    method: 'POST',
    path: '/auth/login',
    auth: 'public',
    body: LoginRequest,
    response: TokenPair,
    errors: ['unauthorized', 'rate_limited'],
  }),
  refresh: rest({
    method: 'POST',
    path: '/auth/refresh',
    auth: 'public',
    body: RefreshRequest,
    response: TokenPair,
    errors: ['unauthorized'],
  }),
  logout: rest({
    method: 'POST',
    path: '/auth/logout',
    auth: 'public',
    body: RefreshRequest,
    response: none,
    errors: [],
  }),
  me: rest({ method: 'GET', path: '/me', auth: 'user', response: UserDto, errors: AUTH }),

  // Catalog
  listTemplates: rest({
    method: 'GET',
    path: '/templates',
    auth: 'user',
    query: TemplateQuery.optional(),
    response: TemplateList,
    errors: AUTH,
  }),
  getTemplate: rest({
    method: 'GET',
    path: '/templates/:name',
    auth: 'user',
    params: TemplateParams,
    response: TemplateDto,
    errors: ['unauthorized', 'not_found'],
  }),

  // Sessions
  listSessions: rest({
    method: 'GET',
    path: '/sessions',
    auth: 'user',
    query: SessionListQuery.optional(),
    response: SessionList,
    errors: ['unauthorized', 'forbidden'],
  }),
  createSession: rest({
    method: 'POST',
    path: '/sessions',
    auth: 'user',
    body: CreateSessionRequest,
    response: SessionDto,
    status: 202,
    errors: ['unauthorized', 'not_found', 'quota_exceeded', 'no_agent'],
  }),
  getSession: rest({
    method: 'GET',
    path: '/sessions/:name',
    auth: 'user',
    params: NameParams,
    response: SessionDto,
    errors: OWNED,
  }),
  terminateSession: rest({
    method: 'DELETE',
    path: '/sessions/:name',
    auth: 'user',
    params: NameParams,
    response: CommandAccepted,
    status: 202,
    errors: [...OWNED, 'conflict', 'no_agent'],
  }),
  hibernateSession: rest({
    method: 'POST',
    path: '/sessions/:name/hibernate',
    auth: 'user',
    params: NameParams,
    response: CommandAccepted,
    status: 202,
    errors: [...OWNED, 'conflict', 'no_agent'],
  }),
  wakeSession: rest({
    method: 'POST',
    path: '/sessions/:name/wake',
    auth: 'user',
    params: NameParams,
    response: CommandAccepted,
    status: 202,
    errors: [...OWNED, 'conflict', 'no_agent'],
  }),
  viewerTicket: rest({
    method: 'POST',
    path: '/sessions/:name/viewer-ticket',
    auth: 'user',
    params: NameParams,
    response: ViewerTicket,
    errors: [...OWNED, 'conflict'],
  }),

  // Administration
  listAgents: rest({ method: 'GET', path: '/agents', auth: 'admin', response: AgentList, errors: ADMIN }),
  createAgent: rest({
    method: 'POST',
    path: '/agents',
    auth: 'admin',
    body: CreateAgentRequest,
    response: CreatedAgent,
    status: 201,
    errors: [...ADMIN, 'conflict'],
  }),
  revokeAgent: rest({
    method: 'DELETE',
    path: '/agents/:id',
    auth: 'admin',
    params: IdParams,
    response: z.object({ agent: AgentSummary }),
    errors: [...ADMIN, 'not_found'],
  }),
  listUsers: rest({ method: 'GET', path: '/users', auth: 'admin', response: UserList, errors: ADMIN }),
  createUser: rest({
    method: 'POST',
    path: '/users',
    auth: 'admin',
    body: CreateUserRequest,
    response: UserDto,
    status: 201,
    errors: [...ADMIN, 'conflict'],
  }),
  updateUser: rest({
    method: 'PATCH',
    path: '/users/:id',
    auth: 'admin',
    params: IdParams,
    body: UpdateUserRequest,
    response: UserDto,
    errors: [...ADMIN, 'not_found', 'conflict'],
  }),
  audit: rest({
    method: 'GET',
    path: '/audit',
    auth: 'admin',
    query: AuditQuery.optional(),
    response: AuditList,
    errors: ADMIN,
  }),
} as const;

/** WebSocket routes: the same table's other half. */
export const wsRoutes = {
  /** Session and agent changes; authenticates with its first frame (EventsAuth). */
  events: ws({ path: '/events', auth: 'user', errors: ['forbidden'] }),
  /** The binary RFB stream of a session, for the holder of a viewer ticket. */
  vnc: ws({
    path: '/sessions/:name/vnc',
    auth: 'ticket',
    params: NameParams,
    query: VncQuery,
    errors: ['invalid_request', 'unauthorized', 'forbidden', 'not_found', 'conflict'],
  }),
  /** An agent's control socket. */
  agentConnect: ws({ path: '/agents/connect', auth: 'agent', errors: ['unauthorized'] }),
  /** An agent's dial-back for one viewer's stream. */
  agentTunnel: ws({
    path: '/agents/tunnels/:tunnelId',
    auth: 'agent',
    params: TunnelParams,
    errors: ['unauthorized', 'not_found'],
  }),
} as const;

export type Routes = typeof routes;
export type RouteName = keyof Routes;
export type WsRoutes = typeof wsRoutes;
