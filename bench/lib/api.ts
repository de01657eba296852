import { CreatedAgent, SessionDto, TokenPair, ViewerTicket } from '../../protocol';

/** The few REST calls benchmarks need, parsed with the protocol's schemas. */
export class ApiClient {
  token = '';

  constructor(readonly baseUrl: string) {}

  async call(path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
    return fetch(`${this.baseUrl}/api/v1${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  }

  private async json(res: Response, what: string): Promise<unknown> {
    if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
    return res.json();
  }

  async login(username: string, password: string): Promise<TokenPair> {
    const pair = TokenPair.parse(
      await this.json(await this.call('/auth/login', { body: { username, password } }), 'login'),
    );
    this.token = pair.accessToken;
    return pair;
  }

  async launch(template: string): Promise<SessionDto> {
    return SessionDto.parse(await this.json(await this.call('/sessions', { body: { template } }), 'launch'));
  }

  async ticket(name: string): Promise<ViewerTicket> {
    return ViewerTicket.parse(
      await this.json(await this.call(`/sessions/${name}/viewer-ticket`, { method: 'POST' }), 'ticket'),
    );
  }

  async session(name: string): Promise<SessionDto> {
    return SessionDto.parse(await this.json(await this.call(`/sessions/${name}`), 'session'));
  }

  async terminate(name: string): Promise<void> {
    await this.json(await this.call(`/sessions/${name}`, { method: 'DELETE' }), 'terminate');
    const deadline = Date.now() + 30_000;
    while ((await this.session(name)).state !== 'terminated') {
      if (Date.now() > deadline) throw new Error(`${name} did not terminate`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async createAgent(name: string): Promise<CreatedAgent> {
    return CreatedAgent.parse(
      await this.json(
        await this.call('/agents', { body: { name, runtime: 'local', maxSessions: 100 } }),
        'create agent',
      ),
    );
  }

  /** Launches a template once an agent can take it (503 until one is online), then waits for running. */
  async launchRunning(template: string, timeoutMs = 30_000): Promise<SessionDto> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await this.call('/sessions', { body: { template } });
      if (res.status !== 503 || Date.now() > deadline) {
        let session = SessionDto.parse(await this.json(res, 'launch'));
        while (session.state !== 'running') {
          if (session.state === 'failed' || Date.now() > deadline)
            throw new Error(`${session.name} is ${session.state}: ${session.status.message}`);
          await new Promise((r) => setTimeout(r, 50));
          session = await this.session(session.name);
        }
        return session;
      }
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  vncUrl(name: string, ticket: string): string {
    return `${this.baseUrl.replace(/^http/, 'ws')}/api/v1/sessions/${name}/vnc?ticket=${encodeURIComponent(ticket)}`;
  }
}
