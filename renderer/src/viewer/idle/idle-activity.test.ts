import { describe, expect, it } from 'vitest';
import { activityDue, idleBannerText, secondsUntil } from './idle-activity';

describe('activityDue', () => {
  it('reports the first input, then at most once an interval', () => {
    expect(activityDue(1_000, null, false, 20_000)).toBe(true);
    expect(activityDue(20_999, 1_000, false, 20_000)).toBe(false);
    expect(activityDue(21_000, 1_000, false, 20_000)).toBe(true);
  });

  it('reports at once while the idle warning shows', () => {
    expect(activityDue(1_001, 1_000, true, 20_000)).toBe(true);
  });
});

describe('the idle countdown', () => {
  const at = '2026-01-01T12:01:00.000Z';
  const t = Date.parse('2026-01-01T12:00:00.000Z');

  it('counts whole seconds up, and stops at 0', () => {
    expect(secondsUntil(at, t)).toBe(60);
    expect(secondsUntil(at, t + 59_001)).toBe(1);
    expect(secondsUntil(at, t + 61_000)).toBe(0);
  });

  it('says when and what keeps the session', () => {
    expect(idleBannerText(42)).toMatch(/hibernates in 42 s\. Press a key or move the mouse/);
    expect(idleBannerText(0)).toMatch(/hibernates now\./);
  });
});
