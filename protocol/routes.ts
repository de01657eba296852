import { z } from 'zod';
import {
  AgentList,
  AuditList,
  AuditQuery,
  CreateAgentRequest,
  CreatedAgent,
  UpdateAgentRequest,
} from './admin';
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
import { FileEntry, FileList, FileListQuery, FileParams } from './files';
import { type HttpMethod, none, rest, ws } from './lib/route';
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
import { ThumbnailImage } from './thumbnails';

/** Every REST and WebSocket route is under this prefix. */
export const API_PREFIX = '/api/v1';

const NameParams = z.strictObject({ name: SessionName });
const TemplateParams = z.strictObject({ name: TemplateName });
/** Agent, user and tunnel ids: UUIDs, or a fixed id such as the local agent's. */
const Id = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9-]+$/);
const IdParams = z.strictObject({ id: Id });
const TunnelParams = z.strictObject({ tunnelId: Id });

export const Health = z.object({ status: z.literal('ok') });
export const Readiness = z.object({
  status: z.literal('ready'),
  database: z.literal('ok'),
  agentsOnline: z.number().int(),
});

const AUTH = ['unauthorized'] as const;
const OWNED = ['unauthorized', 'forbidden', 'not_found'] as const;
const ADMIN = ['unauthorized', 'forbidden'] as const;

/** Hibernate, wake and terminate: a command for the session's agent, accepted before it is carried out. */
function sessionCommandRoute(method: HttpMethod, path: string) {
  return rest({
    method,
    path,
    auth: 'user',
    params: NameParams,
    response: CommandAccepted,
    status: 202,
    errors: [...OWNED, 'conflict', 'no_agent'],
  });
}

/** An admin adds an agent or a user: 201 with what was made, or a conflict over a name in use. */
function adminCreateRoute<B extends z.ZodType, R extends z.ZodType>(path: string, body: B, response: R) {
  return rest({
    method: 'POST',
    path,
    auth: 'admin',
    body,
    response,
    status: 201,
    errors: [...ADMIN, 'conflict'],
  });
}

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
    // conflict: on the local stack, the template's program is not installed on this computer.
    errors: ['unauthorized', 'not_found', 'conflict', 'quota_exceeded', 'no_agent'],
  }),
  getSession: rest({
    method: 'GET',
    path: '/sessions/:name',
    auth: 'user',
    params: NameParams,
    response: SessionDto,
    errors: OWNED,
  }),
  terminateSession: sessionCommandRoute('DELETE', '/sessions/:name'),
  hibernateSession: sessionCommandRoute('POST', '/sessions/:name/hibernate'),
  wakeSession: sessionCommandRoute('POST', '/sessions/:name/wake'),
  viewerTicket: rest({
    method: 'POST',
    path: '/sessions/:name/viewer-ticket',
    auth: 'user',
    params: NameParams,
    response: ViewerTicket,
    errors: [...OWNED, 'conflict'],
  }),
  /**
   * The owner is using the session (a key, a click, a pointer move in its viewer): it is not idle.
   * The viewer sends this at most every IDLE_ACTIVITY_INTERVAL_MS, and at once while warned.
   */
  reportActivity: rest({
    method: 'POST',
    path: '/sessions/:name/activity',
    auth: 'user',
    params: NameParams,
    response: none,
    errors: OWNED,
  }),
  /**
   * A small JPEG of a running session's screen, at most THUMBNAIL_MAX_BYTES and
   * THUMBNAIL_MAX_AGE_MS old; owner only (404 to anyone else who may not view it), 409 when the
   * session is not running.
   */
  sessionThumbnail: rest({
    method: 'GET',
    path: '/sessions/:name/thumbnail',
    auth: 'user',
    params: NameParams,
    response: ThumbnailImage,
    responseType: 'bytes',
    errors: [...OWNED, 'conflict', 'no_agent'],
  }),
  // A session's files, relative to its home folder; the owner only, as for its screen.
  listFiles: rest({
    method: 'GET',
    path: '/sessions/:name/files',
    auth: 'user',
    params: NameParams,
    query: FileListQuery.optional(),
    response: FileList,
    errors: [...OWNED, 'conflict', 'no_agent'],
  }),
  /** The raw body is the file (application/octet-stream), streamed to the agent; not JSON. */
  uploadFile: rest({
    method: 'PUT',
    path: '/sessions/:name/files/:path',
    auth: 'user',
    params: FileParams,
    response: FileEntry,
    status: 201,
    errors: [...OWNED, 'conflict', 'no_agent', 'payload_too_large', 'unsupported_media_type'],
  }),
  /** The file's bytes, streamed (application/octet-stream); the typed client returns them whole. */
  downloadFile: rest({
    method: 'GET',
    path: '/sessions/:name/files/:path',
    auth: 'user',
    params: FileParams,
    response: z.instanceof(Uint8Array),
    responseType: 'bytes',
    errors: [...OWNED, 'conflict', 'no_agent'],
  }),

  // Administration: what there is, then what changes it
  listAgents: rest({ method: 'GET', path: '/agents', auth: 'admin', response: AgentList, errors: ADMIN }),
  listUsers: rest({ method: 'GET', path: '/users', auth: 'admin', response: UserList, errors: ADMIN }),
  audit: rest({
    method: 'GET',
    path: '/audit',
    auth: 'admin',
    query: AuditQuery.optional(),
    response: AuditList,
    errors: ADMIN,
  }),
  createAgent: adminCreateRoute('/agents', CreateAgentRequest, CreatedAgent),
  createUser: adminCreateRoute('/users', CreateUserRequest, UserDto),
  revokeAgent: rest({
    method: 'DELETE',
    path: '/agents/:id',
    auth: 'admin',
    params: IdParams,
    response: z.object({ agent: AgentSummary }),
    errors: [...ADMIN, 'not_found'],
  }),
  /** Owner and sharing of a local-runtime agent; 400 for a kubernetes one, which has neither. */
  updateAgent: rest({
    method: 'PATCH',
    path: '/agents/:id',
    auth: 'admin',
    params: IdParams,
    body: UpdateAgentRequest,
    response: z.object({ agent: AgentSummary }),
    errors: [...ADMIN, 'not_found'],
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
