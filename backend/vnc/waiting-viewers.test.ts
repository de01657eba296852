import { describe, expect, it } from 'vitest';
import { WaitingViewers } from './waiting-viewers';

describe('WaitingViewers', () => {
  it('lets a user wait with up to the cap, and again once one is released', () => {
    const waiting = new WaitingViewers(2);
    const first = waiting.enter('u1');
    expect(waiting.enter('u1')).not.toBeNull();
    expect(waiting.enter('u1')).toBeNull();
    // Another user is not held back by u1.
    expect(waiting.enter('u2')).not.toBeNull();
    first?.();
    first?.();
    expect(waiting.enter('u1')).not.toBeNull();
    expect(waiting.enter('u1')).toBeNull();
  });
});
