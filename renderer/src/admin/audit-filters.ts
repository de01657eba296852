import type { z } from 'zod';
import type { AuditQuery } from '../../../protocol';

/** The audit filter form as typed: datetime-local values have no zone and mean local time. */
export interface AuditForm {
  action: string;
  actor: string;
  since: string;
  until: string;
}

export const EMPTY_AUDIT_FORM: AuditForm = { action: '', actor: '', since: '', until: '' };

export type AuditQueryInput = z.input<typeof AuditQuery>;

/** A local `2026-12-02T10:30` as an instant, or undefined for an empty or impossible value. */
export function localToIso(value: string): string | undefined {
  if (!value.trim()) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** The query for the form, leaving out what is empty so the server sees no filter there. */
export function auditQueryOf(form: AuditForm, limit = 200): AuditQueryInput {
  const query: AuditQueryInput = { limit };
  const action = form.action.trim();
  const actor = form.actor.trim();
  const since = localToIso(form.since);
  const until = localToIso(form.until);
  if (action) query.action = action;
  if (actor) query.actor = actor;
  if (since) query.since = since;
  if (until) query.until = until;
  return query;
}
