import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import {
  API_PREFIX,
  apiPath,
  EventsAuth,
  type RouteName,
  routes,
  type ServerEvent,
  type SessionDto,
  type SessionState,
  type TemplateDto,
  type TokenPair,
  wsRoutes,
} from '../../protocol';
import type { FetchLike } from '../auth-session';
import { session as makeSession } from './fixtures';

export interface FakeCall {
  method: string;
  path: string;
  body: unknown;
  authorization: string | null;
}

/** The route table's paths as matchers, so the fake answers exactly the URLs the typed client builds. */
const matchers = Object.entries(routes).map(([name, route]) => ({
  name: name as RouteName,
  method: route.method as string,
  pattern: new RegExp(`^${API_PREFIX}${route.path.replace(/:[A-Za-z]+/g, '([^/]+)')}$`),
}));

function matchRoute(method: string, path: string): { name: RouteName; param?: string } | null {
  for (const m of matchers) {
    const found = method === m.method ? m.pattern.exec(path) : null;
    if (found) return { name: m.name, param: found[1] && decodeURIComponent(found[1]) };
  }
  return null;
}

/**
 * Just enough of the control plane for main's tests: rotating refresh tokens, expiring access
 * tokens on an injected clock, the session routes the tray uses, and (after `listen`) a real
 * /events WebSocket that pushes session changes.
 */
export class FakeControlPlane {
  readonly calls: FakeCall[] = [];
  readonly users = new Map<string, string>([['admin', 'admin-pw']]);
  templates: TemplateDto[] = [];
  sessions: SessionDto[] = [];
  /** Delays every answer, to let concurrent callers pile up. */
  latencyMs = 0;
  tokenLifetimeMs = 15 * 60_000;
  /** Event sockets that passed the auth frame, counted over the fake's life. */
  eventConnections = 0;
  private offlineNow = false;
  private issued = 0;
  private readonly access = new Map<string, number>();
  private readonly refresh = new Set<string>();
  private readonly subscribers = new Set<WebSocket>();
  private http: Server | null = null;
  private wss: WebSocketServer | null = null;

  constructor(
    public baseUrl = 'http://127.0.0.1:0',
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts the /events WebSocket on a free loopback port; the base URL becomes that port's. */
  async listen(): Promise<string> {
    const http = createServer((_req, res) => res.writeHead(404).end());
    const wss = new WebSocketServer({ noServer: true });
    const eventsPath = API_PREFIX + wsRoutes.events.path;
    http.on('upgrade', (req, socket, head) => {
      if (this.offlineNow || req.url !== eventsPath) {
        socket.destroy();
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.acceptEvents(ws));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    this.http = http;
    this.wss = wss;
    this.baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async close(): Promise<void> {
    this.dropEventSockets();
    this.wss?.close();
    await new Promise<void>((resolve) => (this.http ? this.http.close(() => resolve()) : resolve()));
  }

  get offline(): boolean {
    return this.offlineNow;
  }

  /** An unreachable server: fetch fails, event sockets drop and new ones are refused. */
  set offline(value: boolean) {
    this.offlineNow = value;
    if (value) this.dropEventSockets();
  }

  countCalls(method: string, path: string): number {
    return this.calls.filter((c) => c.method === method && c.path === path).length;
  }

  /** The server-relative path of a parameterless route of the table. */
  pathOf(name: RouteName): string {
    return apiPath(routes[name]);
  }

  /** Calls of one route of the table, by name. */
  countRoute(name: RouteName): number {
    return this.countCalls(routes[name].method, apiPath(routes[name]));
  }

  revokeAllRefreshTokens(): void {
    this.refresh.clear();
  }

  /** What a restarted server with new signing keys looks like to its clients: sockets drop too. */
  revokeAllAccessTokens(): void {
    this.access.clear();
    this.dropEventSockets();
  }

  dropEventSockets(): void {
    for (const ws of this.subscribers) ws.terminate();
    this.subscribers.clear();
  }

  /** Changes a session the way the agent would, and pushes the change. */
  update(name: string, patch: Partial<SessionDto>): SessionDto {
    const target = this.sessions.find((s) => s.name === name);
    if (!target) throw new Error(`no session ${name}`);
    Object.assign(target, patch);
    this.publish(target);
    return target;
  }

  push(event: ServerEvent): void {
    const frame = JSON.stringify(event);
    for (const ws of this.subscribers) ws.send(frame);
  }

  readonly fetch: FetchLike = async (url, init = {}) => {
    if (!url.startsWith(`${this.baseUrl}/`)) throw new TypeError(`fetch failed: unexpected host in ${url}`);
    const method = init.method ?? 'GET';
    const path = url.slice(this.baseUrl.length);
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const headers = new Headers(init.headers);
    this.calls.push({ method, path, body, authorization: headers.get('authorization') });
    if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
    if (this.offlineNow) throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    return this.route(method, path, body, headers.get('authorization'));
  };

  private publish(session: SessionDto): void {
    this.push({ type: 'session', session: { ...session } });
  }

  private validAccess(token: string): boolean {
    const expiry = this.access.get(token);
    return expiry !== undefined && expiry > this.now();
  }

  private acceptEvents(ws: WebSocket): void {
    ws.on('error', () => ws.terminate());
    ws.on('close', () => this.subscribers.delete(ws));
    ws.once('message', (data) => {
      let token = '';
      try {
        const frame = EventsAuth.safeParse(JSON.parse(String(data)));
        token = frame.success ? frame.data.token : '';
      } catch {
        ws.close(4400, 'invalid auth frame');
        return;
      }
      if (!this.validAccess(token)) {
        ws.send(JSON.stringify({ type: 'error', code: 'unauthorized', message: 'invalid or expired token' }));
        ws.close(4401, 'unauthorized');
        return;
      }
      this.subscribers.add(ws);
      this.eventConnections += 1;
      ws.send(JSON.stringify({ type: 'ready' }));
    });
  }

  private issue(username: string): TokenPair {
    this.issued += 1;
    const accessToken = `access-${this.issued}`;
    const refreshToken = `refresh-${this.issued}`;
    const expiresAt = this.now() + this.tokenLifetimeMs;
    this.access.set(accessToken, expiresAt);
    this.refresh.add(refreshToken);
    return {
      accessToken,
      refreshToken,
      expiresAt: new Date(expiresAt).toISOString(),
      user: { id: `id-${username}`, username, role: 'admin', createdAt: '2025-01-01T00:00:00.000Z' },
    };
  }

  private route(method: string, path: string, body: unknown, authorization: string | null): Response {
    const b = (body ?? {}) as Record<string, string>;
    const match = matchRoute(method, path);
    if (!match) return error(404, 'not_found', `No route ${method} ${path}`);
    if (match.name === 'login') {
      if (b.username && this.users.get(b.username) === b.password) return json(200, this.issue(b.username));
      return error(401, 'unauthorized', 'Invalid username or password');
    }
    if (match.name === 'refresh') {
      const token = b.refreshToken ?? '';
      if (!this.refresh.delete(token)) return error(401, 'unauthorized', 'Refresh token is invalid');
      return json(200, this.issue('admin'));
    }
    if (match.name === 'logout') {
      this.refresh.delete(b.refreshToken ?? '');
      return new Response(null, { status: 204 });
    }
    if (!this.validAccess(authorization?.replace(/^Bearer /, '') ?? '')) {
      return error(401, 'unauthorized', 'Token expired');
    }

    if (match.name === 'listTemplates') return json(200, { templates: this.templates });
    if (match.name === 'listSessions') return json(200, { sessions: this.sessions });
    if (match.name === 'createSession') {
      if (!this.templates.some((t) => t.name === b.template))
        return error(404, 'not_found', 'No such template');
      const created = makeSession(b.template!, 'pending');
      this.sessions.push(created);
      this.publish(created);
      return json(202, created);
    }
    const transitions: Partial<Record<RouteName, [SessionState | null, SessionState]>> = {
      hibernateSession: ['running', 'hibernating'],
      wakeSession: ['hibernated', 'waking'],
      terminateSession: [null, 'terminating'],
    };
    const transition = transitions[match.name];
    if (!transition) return error(404, 'not_found', `No route ${method} ${path}`);
    const target = this.sessions.find((s) => s.name === match.param);
    if (!target) return error(404, 'not_found', 'No such session');
    if (transition[0] && target.state !== transition[0]) {
      return error(409, 'conflict', `Session is ${target.state}`);
    }
    target.state = transition[1];
    this.publish(target);
    return json(202, { commandId: 'c1', session: target });
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function error(status: number, code: string, message: string): Response {
  return json(status, { error: { code, message } });
}
