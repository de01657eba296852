import type { z } from 'zod';
import { CommandAccepted, SessionDto, SessionList, type TemplateDto, TemplateList } from '../protocol';
import type { FetchLike } from './auth-session';
import { CodedError, errorFromResponse, unreachable } from './errors';

export interface BackendClientOptions {
  fetch: FetchLike;
  baseUrl: string;
  /** A valid access token, or null when signed out. */
  token: () => Promise<string | null>;
  requestTimeoutMs?: number;
}

/** The few control-plane calls the tray makes itself; everything else is the renderer's business. */
export class BackendClient {
  constructor(private readonly options: BackendClientOptions) {}

  async listTemplates(): Promise<TemplateDto[]> {
    return (await this.request('GET', '/api/v1/templates', TemplateList, 'Listing templates')).templates;
  }

  async listSessions(): Promise<SessionDto[]> {
    return (await this.request('GET', '/api/v1/sessions', SessionList, 'Listing sessions')).sessions;
  }

  createSession(template: string): Promise<SessionDto> {
    return this.request('POST', '/api/v1/sessions', SessionDto, `Launching ${template}`, { template });
  }

  hibernate(name: string): Promise<CommandAccepted> {
    return this.request(
      'POST',
      `/api/v1/sessions/${encodeURIComponent(name)}/hibernate`,
      CommandAccepted,
      'Hibernate',
    );
  }

  wake(name: string): Promise<CommandAccepted> {
    return this.request('POST', `/api/v1/sessions/${encodeURIComponent(name)}/wake`, CommandAccepted, 'Wake');
  }

  terminate(name: string): Promise<CommandAccepted> {
    return this.request(
      'DELETE',
      `/api/v1/sessions/${encodeURIComponent(name)}`,
      CommandAccepted,
      'Terminate',
    );
  }

  private async request<T extends z.ZodType>(
    method: string,
    path: string,
    schema: T,
    what: string,
    body?: unknown,
  ): Promise<z.infer<T>> {
    const token = await this.options.token();
    if (!token) throw new CodedError('unauthorized', 'Not signed in', 401);
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.options.fetch(`${this.options.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 15_000),
      });
    } catch (error) {
      throw unreachable(this.options.baseUrl, error);
    }
    if (!response.ok) throw await errorFromResponse(response, what);
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new CodedError('internal', `${what}: unexpected answer from the server`);
    return parsed.data;
  }
}
