import { z } from 'zod';
import { AgentSummary } from './events';
import { Username } from './names';
import { RuntimeName } from './templates';

/**
 * What a shared local-runtime agent exposes, said wherever it shows: its summary, the answer to the
 * change, and the backend's log.
 */
export const SHARED_AGENT_WARNING =
  "every user of this agent can read the others' sessions and act as the agent: its sessions all run as one Unix account";

const LOCAL_ONLY = 'applies only to local-runtime agents; kubernetes pods keep users apart';

export const CreateAgentRequest = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(63)
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
    runtime: RuntimeName,
    maxSessions: z.number().int().min(1).max(10_000).default(50),
    /** The user a local-runtime agent runs sessions for; required there. */
    owner: Username.optional(),
    /** Lets every user onto a local-runtime agent: see SHARED_AGENT_WARNING. */
    shared: z.boolean().default(false),
  })
  .superRefine((agent, ctx) => {
    if (agent.runtime === 'local' && agent.owner === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['owner'],
        message: 'is required for a local-runtime agent: its sessions all run as one Unix account',
      });
    }
    if (agent.runtime !== 'local' && agent.owner !== undefined)
      ctx.addIssue({ code: 'custom', path: ['owner'], message: LOCAL_ONLY });
    if (agent.runtime !== 'local' && agent.shared)
      ctx.addIssue({ code: 'custom', path: ['shared'], message: LOCAL_ONLY });
  });
export type CreateAgentRequest = z.infer<typeof CreateAgentRequest>;

/** The token appears in this answer only; the backend keeps its hash. */
export const CreatedAgent = z.object({ agent: AgentSummary, token: z.string() });
export type CreatedAgent = z.infer<typeof CreatedAgent>;

/** An agent as the admin list shows it: the summary plus when it was last heard from. */
export const AdminAgent = AgentSummary.extend({
  /** The last hello or heartbeat the database holds (written coarsely); null if it never connected. */
  lastHeartbeatAt: z.string().nullable().default(null),
});
export type AdminAgent = z.infer<typeof AdminAgent>;

export const AgentList = z.object({ agents: z.array(AdminAgent) });

/** An admin hands a local-runtime agent to another user, or opens it to all of them (or closes it). */
export const UpdateAgentRequest = z
  .strictObject({ owner: Username.optional(), shared: z.boolean().optional() })
  .refine((change) => change.owner !== undefined || change.shared !== undefined, {
    message: 'give owner or shared',
  });
export type UpdateAgentRequest = z.infer<typeof UpdateAgentRequest>;

export const AuditEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  targetType: z.string(),
  target: z.string(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** An empty filter in a query string (`?action=`) means no filter, as a form sends it. */
const optionalFilter = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const AuditQuery = z
  .strictObject({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    before: z.coerce.number().int().positive().optional(),
    /** An exact action (`user.create`), or a kind of action by its prefix with a dot (`session.`). */
    action: optionalFilter(
      z
        .string()
        .min(1)
        .max(64)
        .regex(/^[a-z]+(\.[a-z_]*)?$/),
    ),
    actor: optionalFilter(z.string().min(1).max(64)),
    /** Entries at or after this instant (ISO 8601 with an offset). */
    since: optionalFilter(z.iso.datetime({ offset: true })),
    /** Entries before this instant. */
    until: optionalFilter(z.iso.datetime({ offset: true })),
  })
  .refine((q) => !q.since || !q.until || Date.parse(q.since) < Date.parse(q.until), {
    message: 'since must be before until',
    path: ['until'],
  });
export type AuditQuery = z.infer<typeof AuditQuery>;
export const AuditList = z.object({ entries: z.array(AuditEntry) });
