import { describe, expect, it } from 'vitest';
import { needsRefresh, REFRESH_MARGIN_MS } from './token-expiry';

const now = Date.parse('2025-01-01T12:00:00Z');

describe('needsRefresh', () => {
  it('refreshes when there is no token', () => {
    expect(needsRefresh(null, now)).toBe(true);
    expect(needsRefresh(undefined, now)).toBe(true);
    expect(needsRefresh('', now)).toBe(true);
  });

  it('keeps a token that lives well beyond the margin', () => {
    expect(needsRefresh('2025-01-01T12:15:00Z', now)).toBe(false);
    expect(needsRefresh(new Date(now + REFRESH_MARGIN_MS + 1).toISOString(), now)).toBe(false);
  });

  it('refreshes a token expiring within the margin or already expired', () => {
    expect(needsRefresh(new Date(now + REFRESH_MARGIN_MS).toISOString(), now)).toBe(true);
    expect(needsRefresh('2025-01-01T12:00:30Z', now)).toBe(true);
    expect(needsRefresh('2025-01-01T11:00:00Z', now)).toBe(true);
  });

  it('treats an unreadable expiry as expired', () => {
    expect(needsRefresh('soon', now)).toBe(true);
  });

  it('honours a custom margin', () => {
    expect(needsRefresh('2025-01-01T12:00:30Z', now, 10_000)).toBe(false);
  });
});
