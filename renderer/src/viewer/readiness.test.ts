import { describe, expect, it } from 'vitest';
import { disconnectMessage, readiness, waitingMessage } from './readiness';

describe('readiness', () => {
  it('connects to running or unknown sessions', () => {
    expect(readiness('running')).toBe('connect');
    expect(readiness(undefined)).toBe('connect');
  });

  it('waits for sessions on their way up', () => {
    for (const state of ['pending', 'starting', 'hibernated', 'hibernating', 'waking'] as const) {
      expect(readiness(state)).toBe('wait');
    }
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

  it('explains a disconnect from the session state', () => {
    expect(disconnectMessage('hibernated', true)).toMatch(/hibernated/);
    expect(disconnectMessage('terminated', true)).toMatch(/ended/);
    expect(disconnectMessage('running', false)).toBe('The connection was lost.');
    expect(disconnectMessage('running', true)).toBe('Disconnected.');
  });
});
