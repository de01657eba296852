import { describe, expect, it } from 'vitest';
import type { RuntimeStatusEvent } from './runtime';
import { StatusEmitter } from './status-emitter';

const event: RuntimeStatusEvent = { name: 'a', state: 'running', message: '' };

describe('StatusEmitter', () => {
  it('delivers to every listener until unsubscribed', () => {
    const emitter = new StatusEmitter();
    const seen: string[] = [];
    const off = emitter.subscribe((e) => seen.push(`1:${e.state}`));
    emitter.subscribe((e) => seen.push(`2:${e.state}`));
    emitter.emit(event);
    off();
    emitter.emit({ ...event, state: 'failed' });
    expect(seen).toEqual(['1:running', '2:running', '2:failed']);
    expect(emitter.size).toBe(1);
  });

  it('keeps going when a listener throws, and reports the error', () => {
    const errors: unknown[] = [];
    const emitter = new StatusEmitter((error) => errors.push(error));
    const seen: RuntimeStatusEvent[] = [];
    emitter.subscribe(() => {
      throw new Error('boom');
    });
    emitter.subscribe((e) => seen.push(e));
    emitter.emit(event);
    expect(seen).toEqual([event]);
    expect(errors).toHaveLength(1);
  });
});
