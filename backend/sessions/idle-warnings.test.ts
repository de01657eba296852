import { describe, expect, it } from 'vitest';
import type { IdleWarningEvent } from '../../protocol';
import type { SessionRow } from '../db/schema';
import { IdleWarnings } from './idle-warnings';

const MIN = 60_000;
const T0 = Date.parse('2026-01-01T12:00:00Z');

function row(name: string, over: Partial<SessionRow> = {}): SessionRow {
  return {
    name,
    username: 'ada',
    template: 'xterm',
    state: 'running',
    agentId: 'agent-1',
    updatedAt: new Date(T0),
    lastViewedAt: null,
    ...over,
  } as SessionRow;
}

function setup(rows: SessionRow[], idleHibernateMs = 30 * MIN) {
  const sent: { user: string; event: IdleWarningEvent }[] = [];
  const cutoffs: Date[] = [];
  const warnings = new IdleWarnings({
    idleHibernateMs,
    candidates: async (cutoff) => {
      cutoffs.push(cutoff);
      return rows;
    },
    send: (user, event) => sent.push({ user, event }),
  });
  return { warnings, sent, cutoffs };
}

describe('idle warnings', () => {
  it('tells the owner a minute before the idle period ends, once per idle spell', async () => {
    const rows = [row('ada-xterm-1')];
    const { warnings, sent, cutoffs } = setup(rows);
    expect(await warnings.sweep(T0 + 28 * MIN)).toEqual([]);
    expect(cutoffs[0]).toEqual(new Date(T0 + 28 * MIN - 29 * MIN));
    expect(await warnings.sweep(T0 + 29 * MIN)).toEqual(['ada-xterm-1']);
    expect(sent).toEqual([
      {
        user: 'ada',
        event: {
          type: 'idle_warning',
          session: 'ada-xterm-1',
          template: 'xterm',
          hibernateAt: new Date(T0 + 30 * MIN).toISOString(),
        },
      },
    ]);
    expect(await warnings.sweep(T0 + 29.5 * MIN)).toEqual([]);
    // Used since: a new spell, which warns again when it nears its end.
    rows[0] = row('ada-xterm-1', { lastViewedAt: new Date(T0 + 40 * MIN) });
    expect(await warnings.sweep(T0 + 69 * MIN)).toEqual(['ada-xterm-1']);
    expect(sent).toHaveLength(2);
  });

  it('says nothing of a recently used, stopped or agentless session, or with idle hibernation off', async () => {
    const rows = [
      row('used', { lastViewedAt: new Date(T0 + 10 * MIN) }),
      row('sleeping', { state: 'hibernated' }),
      row('orphan', { agentId: null }),
    ];
    const { warnings, sent } = setup(rows);
    expect(await warnings.sweep(T0 + 29 * MIN)).toEqual([]);
    const off = setup([row('x')], 0);
    expect(await off.warnings.sweep(T0 + 100 * MIN)).toEqual([]);
    expect(off.cutoffs).toHaveLength(0);
    expect(sent).toHaveLength(0);
  });

  it('never warns earlier than half a short idle period', async () => {
    const { warnings } = setup([row('quick')], 40_000);
    expect(warnings.leadMs).toBe(20_000);
    expect(await warnings.sweep(T0 + 19_000)).toEqual([]);
    expect(await warnings.sweep(T0 + 20_000)).toEqual(['quick']);
  });
});
