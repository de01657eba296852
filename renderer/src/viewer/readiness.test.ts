import { describe, expect, it } from 'vitest';
import { asleepMessage, endedMessage, readiness, waitingMessage } from './readiness';

describe('readiness', () => {
  it('connects to running or unknown sessions', () => {
    expect(readiness('running')).toBe('connect');
    expect(readiness(undefined)).toBe('connect');
  });

  it('waits for sessions on their way up', () => {
    for (const state of ['pending', 'starting', 'waking'] as const) expect(readiness(state)).toBe('wait');
  });

  it('lets hibernating and hibernated sessions sleep rather than wait on them', () => {
    expect(readiness('hibernating')).toBe('asleep');
    expect(readiness('hibernated')).toBe('asleep');
  });

  it('gives up on ended and failed sessions', () => {
    expect(readiness('terminating')).toBe('ended');
    expect(readiness('terminated')).toBe('ended');
    expect(readiness('failed')).toBe('failed');
  });
});

describe('messages', () => {
  it('explains the wait', () => {
    expect(waitingMessage('hibernated')).toMatch(/Waking/);
    expect(waitingMessage('starting')).toMatch(/Starting/);
  });

  it('names the sleep and the end', () => {
    expect(asleepMessage('hibernating')).toBe('Hibernating…');
    expect(asleepMessage('hibernated')).toBe('Hibernated');
    expect(endedMessage('terminated', '')).toBe('The session has ended.');
    expect(endedMessage('failed', 'no image')).toBe('The session failed: no image');
    expect(endedMessage('failed', '')).toBe('The session failed.');
  });
});
