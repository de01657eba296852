import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../protocol';
import { sessionDto } from '../testing/fakes';
import { launchBlockedBy, liveSessionCount, quotaLimitFrom, quotaMessage } from './quota';

const refusal = (details?: unknown) =>
  new ApiError(403, 'quota_exceeded', 'you already have 2 sessions, the most allowed', details);

describe('quota', () => {
  it('counts the sessions that hold a slot, as the server does', () => {
    const sessions = [
      sessionDto('ada-a-00000001', 'running'),
      sessionDto('ada-a-00000002', 'hibernated'),
      sessionDto('ada-a-00000003', 'starting'),
      sessionDto('ada-a-00000004', 'failed'),
      sessionDto('ada-a-00000005', 'terminated'),
      sessionDto('bob-a-00000006', 'running', { user: 'bob' }),
    ];
    expect(liveSessionCount(sessions, 'ada')).toBe(3);
  });

  it('learns the limit from the refusal, or from the count when the server gives none', () => {
    expect(quotaLimitFrom(refusal({ limit: 5, live: 5 }), 2)).toBe(5);
    expect(quotaLimitFrom(refusal(), 2)).toBe(2);
    expect(quotaLimitFrom(new ApiError(503, 'no_agent', 'no agent'), 2)).toBeNull();
    expect(quotaLimitFrom(new Error('boom'), 2)).toBeNull();
  });

  it('says it in a sentence that starts with a capital', () => {
    expect(quotaMessage(5)).toBe(
      'You have 5 sessions, the most allowed at once. Terminate one to launch another.',
    );
    expect(quotaMessage(1)).toMatch(/^You have 1 session,/);
  });

  it('blocks Launch at the limit only', () => {
    expect(launchBlockedBy(5, 5)).toBe(quotaMessage(5));
    expect(launchBlockedBy(4, 5)).toBeNull();
    expect(launchBlockedBy(9, null)).toBeNull();
  });
});
