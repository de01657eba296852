import { IDLE_ACTIVITY_INTERVAL_MS } from '../../../../protocol';

/**
 * Whether a key, click or pointer move now should be reported as use: at most once an interval,
 * but at once while a warning shows, since that report is what keeps the session running.
 */
export function activityDue(
  now: number,
  lastSentAt: number | null,
  warned: boolean,
  intervalMs = IDLE_ACTIVITY_INTERVAL_MS,
): boolean {
  return warned || lastSentAt === null || now - lastSentAt >= intervalMs;
}

/** Whole seconds until `hibernateAt` (ISO 8601), never below 0. */
export function secondsUntil(hibernateAt: string, now: number): number {
  return Math.max(0, Math.ceil((Date.parse(hibernateAt) - now) / 1000));
}

export function idleBannerText(seconds: number): string {
  const when = seconds === 0 ? 'now' : `in ${seconds} s`;
  return `Nobody has used this session for a while, so it hibernates ${when}. Press a key or move the mouse to keep it running.`;
}
