import type { SessionDto, SessionState, TemplateDto, TokenPair } from '../../protocol';
import type { FetchLike } from '../auth-session';
import { session as makeSession } from './fixtures';

export interface FakeCall {
  method: string;
  path: string;
  body: unknown;
  authorization: string | null;
}

/**
 * Just enough of the control plane's REST API for main's tests: rotating refresh tokens, expiring
 * access tokens on an injected clock, and the session routes the tray uses.
 */
export class FakeControlPlane {
  readonly calls: FakeCall[] = [];
  readonly users = new Map<string, string>([['admin', 'admin-pw']]);
  templates: TemplateDto[] = [];
  sessions: SessionDto[] = [];
  offline = false;
  /** Delays every answer, to let concurrent callers pile up. */
  latencyMs = 0;
  tokenLifetimeMs = 15 * 60_000;
  private issued = 0;
  private readonly access = new Map<string, number>();
  private readonly refresh = new Set<string>();

  constructor(
    readonly baseUrl: string,
    private readonly now: () => number = Date.now,
  ) {}

  countCalls(method: string, path: string): number {
    return this.calls.filter((c) => c.method === method && c.path === path).length;
  }

  revokeAllRefreshTokens(): void {
    this.refresh.clear();
  }

  /** What a restarted server with new signing keys looks like to its clients. */
  revokeAllAccessTokens(): void {
    this.access.clear();
  }

  readonly fetch: FetchLike = async (url, init = {}) => {
    if (!url.startsWith(this.baseUrl)) throw new TypeError(`fetch failed: unexpected host in ${url}`);
    const method = init.method ?? 'GET';
    const path = url.slice(this.baseUrl.length);
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const headers = new Headers(init.headers);
    this.calls.push({ method, path, body, authorization: headers.get('authorization') });
    if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
    if (this.offline) throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    return this.route(method, path, body, headers.get('authorization'));
  };

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
    if (method === 'POST' && path === '/api/v1/auth/login') {
      if (b.username && this.users.get(b.username) === b.password) return json(200, this.issue(b.username));
      return error(401, 'unauthorized', 'Invalid username or password');
    }
    if (method === 'POST' && path === '/api/v1/auth/refresh') {
      const token = b.refreshToken ?? '';
      if (!this.refresh.delete(token)) return error(401, 'unauthorized', 'Refresh token is invalid');
      return json(200, this.issue('admin'));
    }
    if (method === 'POST' && path === '/api/v1/auth/logout') {
      this.refresh.delete(b.refreshToken ?? '');
      return new Response(null, { status: 204 });
    }
    const token = authorization?.replace(/^Bearer /, '') ?? '';
    const expiry = this.access.get(token);
    if (expiry === undefined || expiry <= this.now()) return error(401, 'unauthorized', 'Token expired');

    if (method === 'GET' && path === '/api/v1/templates') return json(200, { templates: this.templates });
    if (method === 'GET' && path === '/api/v1/sessions') return json(200, { sessions: this.sessions });
    if (method === 'POST' && path === '/api/v1/sessions') {
      if (!this.templates.some((t) => t.name === b.template))
        return error(404, 'not_found', 'No such template');
      const created = makeSession(b.template!, 'pending');
      this.sessions.push(created);
      return json(202, created);
    }
    const match = /^\/api\/v1\/sessions\/([^/]+)(?:\/(hibernate|wake))?$/.exec(path);
    const target = match && this.sessions.find((s) => s.name === decodeURIComponent(match[1]!));
    if (match && !target) return error(404, 'not_found', 'No such session');
    if (target && match) {
      const transitions: Record<string, [SessionState, SessionState]> = {
        'POST hibernate': ['running', 'hibernating'],
        'POST wake': ['hibernated', 'waking'],
      };
      const key = `${method} ${match[2] ?? ''}`;
      if (method === 'DELETE' && !match[2]) {
        target.state = 'terminating';
        return json(202, { commandId: 'c1', session: target });
      }
      const transition = transitions[key];
      if (transition) {
        if (target.state !== transition[0]) return error(409, 'conflict', `Session is ${target.state}`);
        target.state = transition[1];
        return json(202, { commandId: 'c1', session: target });
      }
    }
    return error(404, 'not_found', `No route ${method} ${path}`);
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function error(status: number, code: string, message: string): Response {
  return json(status, { error: { code, message } });
}
