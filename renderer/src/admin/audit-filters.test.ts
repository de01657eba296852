import { describe, expect, it } from 'vitest';
import { AuditQuery } from '../../../protocol';
import { auditQueryOf, EMPTY_AUDIT_FORM, localToIso } from './audit-filters';

describe('auditQueryOf', () => {
  it('sends no filter for an empty form', () => {
    expect(auditQueryOf(EMPTY_AUDIT_FORM)).toEqual({ limit: 200 });
  });

  it('trims text and turns local times into instants the server accepts', () => {
    const query = auditQueryOf({
      action: ' user. ',
      actor: 'admin ',
      since: '2026-12-01T08:00',
      until: '2026-12-02T08:00',
    });
    expect(query.action).toBe('user.');
    expect(query.actor).toBe('admin');
    expect(query.since).toBe(new Date(2026, 11, 1, 8, 0).toISOString());
    expect(AuditQuery.safeParse(query).success).toBe(true);
  });

  it('drops a time that is no time', () => {
    expect(localToIso('not a date')).toBeUndefined();
    expect(auditQueryOf({ ...EMPTY_AUDIT_FORM, since: 'garbage' })).toEqual({ limit: 200 });
  });
});

describe('AuditQuery', () => {
  it('refuses a range that ends before it starts, and actions that are no action', () => {
    expect(
      AuditQuery.safeParse({ since: '2026-12-02T00:00:00Z', until: '2026-12-01T00:00:00Z' }).success,
    ).toBe(false);
    expect(AuditQuery.safeParse({ action: 'DROP TABLE' }).success).toBe(false);
    expect(AuditQuery.safeParse({ action: '', actor: '' }).data).toEqual({ limit: 100 });
  });
});
