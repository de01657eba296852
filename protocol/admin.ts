import { z } from 'zod';
import { AgentSummary } from './events';
import { RuntimeName } from './templates';

export const CreateAgentRequest = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(63)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
  runtime: RuntimeName,
  maxSessions: z.number().int().min(1).max(10_000).default(50),
});
export type CreateAgentRequest = z.infer<typeof CreateAgentRequest>;

/** The token appears in this answer only; the backend keeps its hash. */
export const CreatedAgent = z.object({ agent: AgentSummary, token: z.string() });
export type CreatedAgent = z.infer<typeof CreatedAgent>;

export const AgentList = z.object({ agents: z.array(AgentSummary) });

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

export const AuditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.coerce.number().int().positive().optional(),
});
export const AuditList = z.object({ entries: z.array(AuditEntry) });
