import {
  CommandAccepted,
  type CreateSessionRequest,
  SessionDto,
  SessionList,
  TemplateList,
  UserDto,
  ViewerTicket,
} from '../../../protocol';
import type { HttpClient } from './http';
import { sessionPath } from './urls';

export type Api = ReturnType<typeof createApi>;

export function createApi(http: HttpClient) {
  return {
    me: () => http.request('GET', '/api/v1/me', UserDto),
    listTemplates: () => http.request('GET', '/api/v1/templates', TemplateList),
    listSessions: () => http.request('GET', '/api/v1/sessions', SessionList),
    createSession: (request: CreateSessionRequest) =>
      http.request('POST', '/api/v1/sessions', SessionDto, request),
    terminateSession: (name: string) => http.request('DELETE', sessionPath(name), CommandAccepted),
    hibernateSession: (name: string) =>
      http.request('POST', sessionPath(name, '/hibernate'), CommandAccepted),
    wakeSession: (name: string) => http.request('POST', sessionPath(name, '/wake'), CommandAccepted),
    viewerTicket: (name: string) => http.request('POST', sessionPath(name, '/viewer-ticket'), ViewerTicket),
  };
}
