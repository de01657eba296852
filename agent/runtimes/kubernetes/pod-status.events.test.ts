import type { CoreV1Event } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { pickWarning } from './pod-status';

const IMAGE = 'ghcr.io/streamspace/xterm:latest';

function event(
  type: string,
  reason: string,
  message: string,
  at: string | null,
  extra: Partial<CoreV1Event> = {},
) {
  const e: CoreV1Event = {
    metadata: { name: `s1-6dbffdbb88-lh8m7.${reason}${at ?? ''}`, namespace: 'streamspace' },
    involvedObject: { kind: 'Pod', name: 's1-6dbffdbb88-lh8m7', namespace: 'streamspace' },
    type,
    reason,
    message,
    count: 1,
    ...(at === null ? {} : { firstTimestamp: new Date(at), lastTimestamp: new Date(at) }),
    ...extra,
  };
  return e;
}

describe('pickWarning', () => {
  const t1 = '2026-12-02T05:19:45Z';
  const t2 = '2026-12-02T05:19:46Z';

  it('finds nothing without Warning events', () => {
    expect(pickWarning([])).toBeUndefined();
    expect(pickWarning([event('Normal', 'Pulling', `Pulling image "${IMAGE}"`, t1)])).toBeUndefined();
  });

  it('prefers the event with the cause over the bare "Error: <Reason>" kubelet adds', () => {
    const events = [
      event('Normal', 'Pulling', `Pulling image "${IMAGE}"`, t1),
      event('Warning', 'Failed', `Failed to pull image "${IMAGE}": not found`, t2),
      event('Warning', 'Failed', 'Error: ErrImagePull', t2),
      event('Normal', 'BackOff', `Back-off pulling image "${IMAGE}"`, t2),
      event('Warning', 'Failed', 'Error: ImagePullBackOff', '2026-12-02T05:19:50Z'),
    ];
    expect(pickWarning(events)).toEqual({
      reason: 'Failed',
      message: `Failed to pull image "${IMAGE}": not found`,
    });
  });

  it('takes the newest by lastTimestamp, eventTime or creation time', () => {
    const a = event('Warning', 'FailedMount', 'old', t2);
    const b = event('Warning', 'Failed', 'new', null, { eventTime: new Date('2026-12-02T05:20:00Z') });
    const c = event('Warning', 'Failed', 'created', null, {
      metadata: { name: 'c', creationTimestamp: new Date('2026-12-02T05:19:00Z') },
    });
    expect(pickWarning([b, a, c])?.message).toBe('new');
    expect(pickWarning([a, c])?.message).toBe('old');
  });

  it('falls back to a bare error when that is all there is, and reads string times', () => {
    const raw: CoreV1Event[] = JSON.parse(
      JSON.stringify([
        event('Warning', 'Failed', 'Error: ErrImagePull', t2),
        event('Warning', 'Failed', 'Error: X', t1),
      ]),
    );
    expect(pickWarning(raw)).toEqual({ reason: 'Failed', message: 'Error: ErrImagePull' });
  });
});
