import { z } from 'zod';
import { SessionDto } from './sessions';

/** First frame a client sends on /api/v1/events, since browsers cannot set headers on a WebSocket. */
export const EventsAuth = z.strictObject({ type: z.literal('auth'), token: z.string().min(1).max(4096) });

export const AgentSummary = z.object({
  id: z.string(),
  name: z.string(),
  runtime: z.string().nullable(),
  status: z.enum(['online', 'offline']),
  activeSessions: z.number().int(),
  maxSessions: z.number().int(),
});
export type AgentSummary = z.infer<typeof AgentSummary>;

export const ServerEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('session'), session: SessionDto }),
  z.object({ type: z.literal('agent'), agent: AgentSummary }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type ServerEvent = z.infer<typeof ServerEvent>;
