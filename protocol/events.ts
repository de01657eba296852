import { z } from 'zod';
import { SessionDto } from './sessions';

/** First frame a client sends on /api/v1/events, since browsers cannot set headers on a WebSocket. */
export const EventsAuth = z.strictObject({ type: z.literal('auth'), token: z.string().min(1).max(4096) });

/**
 * Close code of an events or viewer socket whose sign-in is over (signed out, expired, password
 * changed) or whose rights changed (role changed); the close reason says which. Reconnect only
 * with a freshly refreshed token, and stop when there is none.
 */
export const SIGNED_OUT_CLOSE_CODE = 4401;

export const AgentSummary = z.object({
  id: z.string(),
  name: z.string(),
  runtime: z.string().nullable(),
  status: z.enum(['online', 'offline']),
  activeSessions: z.number().int(),
  maxSessions: z.number().int(),
  /** The one user a local-runtime agent serves; null on kubernetes agents, whose pods keep users apart. */
  owner: z.string().nullable().default(null),
  /** An admin opened a local-runtime agent to every user. */
  shared: z.boolean().default(false),
  /** What sharing exposes, in plain words, while the agent is shared; null otherwise. */
  warning: z.string().nullable().default(null),
});
export type AgentSummary = z.infer<typeof AgentSummary>;

/**
 * Sent to a session's owner about a minute before the idle sweep hibernates it, once per idle
 * spell. Idle means no input: no viewer is open, or the open ones have reported no key, click or
 * pointer move. Opening the session or using it (reportActivity) cancels it; nothing is sent when
 * it does.
 */
export const IdleWarningEvent = z.object({
  type: z.literal('idle_warning'),
  session: z.string(),
  template: z.string(),
  /** When the sweep will hibernate it at the earliest (ISO 8601). */
  hibernateAt: z.string(),
});
export type IdleWarningEvent = z.infer<typeof IdleWarningEvent>;

/** How long before an idle hibernation its owner is warned. */
export const IDLE_WARNING_LEAD_MS = 60_000;

/** How often, at most, a viewer in use reports it (reportActivity); well inside the warning's lead. */
export const IDLE_ACTIVITY_INTERVAL_MS = 20_000;

export const ServerEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('session'), session: SessionDto }),
  z.object({ type: z.literal('agent'), agent: AgentSummary }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
  IdleWarningEvent,
]);
export type ServerEvent = z.infer<typeof ServerEvent>;
