import { describe, expect, it } from 'vitest';
import { KeyedQueue } from './keyed-queue';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('KeyedQueue', () => {
  it('runs tasks of one key in order, never two at once', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    let running = 0;
    const task = (name: string) => async () => {
      running++;
      expect(running).toBe(1);
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      running--;
      return name;
    };
    const results = await Promise.all([q.run('a', task('1')), q.run('a', task('2')), q.run('a', task('3'))]);
    expect(results).toEqual(['1', '2', '3']);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('runs different keys side by side', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const slow = q.run('a', async () => {
      await tick();
      log.push('a');
    });
    const fast = q.run('b', () => {
      log.push('b');
    });
    await Promise.all([slow, fast]);
    expect(log).toEqual(['b', 'a']);
  });

  it('keeps going after a task fails, and hands the error to its caller', async () => {
    const q = new KeyedQueue();
    const failed = q.run('a', () => {
      throw new Error('boom');
    });
    const after = q.run('a', () => 'still runs');
    await expect(failed).rejects.toThrow('boom');
    await expect(after).resolves.toBe('still runs');
  });

  it('forgets keys once their tasks are done', async () => {
    const q = new KeyedQueue();
    await q.run('a', () => 1);
    await q.idle();
    expect(q.size).toBe(0);
  });
});
