import { z } from 'zod';
import { SessionName, TemplateName, Username } from './names';
import { SessionState } from './session-state';
import { Resources, RuntimeName } from './templates';

/** Session object; names follow the original StreamSpace API. */
export const SessionDto = z.object({
  name: SessionName,
  namespace: z.string(),
  user: Username,
  template: TemplateName,
  state: SessionState,
  status: z.object({ phase: SessionState, message: z.string() }),
  resources: Resources,
  persistentHome: z.boolean(),
  agentId: z.string().nullable(),
  runtime: RuntimeName.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SessionDto = z.infer<typeof SessionDto>;

export const CreateSessionRequest = z.strictObject({
  template: TemplateName,
  resources: Resources.optional(),
  persistentHome: z.boolean().optional(),
});
export type CreateSessionRequest = z.infer<typeof CreateSessionRequest>;

export const SessionListQuery = z.strictObject({
  all: z.enum(['true', 'false']).optional(),
});

export const SessionList = z.object({ sessions: z.array(SessionDto) });
export type SessionList = z.infer<typeof SessionList>;

/** 202 answer to hibernate / wake / delete. */
export const CommandAccepted = z.object({ commandId: z.string(), session: SessionDto });
export type CommandAccepted = z.infer<typeof CommandAccepted>;

export const ViewerTicket = z.object({
  ticket: z.string(),
  expiresAt: z.string(),
  /** Lets noVNC answer the session's VncAuth; never put it in a URL or a log. */
  vncPassword: z.string(),
});
export type ViewerTicket = z.infer<typeof ViewerTicket>;

export const VncQuery = z.strictObject({ ticket: z.string().min(16).max(200) });

/**
 * `details` of a 403 quota_exceeded from POST /sessions, so a client can say the limit and keep
 * Launch disabled until one of the user's live sessions ends.
 */
export const QuotaExceededDetails = z.object({
  limit: z.number().int().min(0),
  live: z.number().int().min(0),
});
export type QuotaExceededDetails = z.infer<typeof QuotaExceededDetails>;

/**
 * The status message the control plane puts on a session it hibernates for idleness. Shared so the
 * desktop app can recognise it without copying the text: it notifies the user from it.
 */
export const IDLE_HIBERNATE_MESSAGE = 'hibernating: nobody used it for a while';
