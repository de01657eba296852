import { describe, expect, it } from 'vitest';
import type { SessionState } from '../../protocol';
import { type LiveRow, LiveSessions } from './live-sessions';

const isLive = (s: SessionState) => s !== 'terminated' && s !== 'failed';
const row = (
  name: string,
  state: SessionState,
  userId = 'alice',
  agentId: string | null = 'a1',
): LiveRow => ({
  name,
  state,
  userId,
  agentId,
});

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const plain = (m: ReadonlyMap<string, number>) => Object.fromEntries(m);

describe('LiveSessions', () => {
  it('counts what it loaded, then follows every write without reading again', async () => {
    let loads = 0;
    const live = new LiveSessions(async () => {
      loads++;
      return [row('s1', 'running'), row('s2', 'pending', 'bob', 'a2'), row('s3', 'pending', 'bob', null)];
    }, isLive);
    expect(plain((await live.counts('bob')).byAgent)).toEqual({ a1: 1, a2: 1 });
    expect((await live.counts('bob')).ofUser).toBe(2);

    live.written([row('s4', 'pending', 'alice', 'a2')]);
    live.written([row('s2', 'starting', 'bob', 'a2'), row('s1', 'terminated')]);
    live.written([row('s3', 'failed', 'bob', null)]);
    const now = await live.counts('alice');
    expect(plain(now.byAgent)).toEqual({ a2: 2 });
    expect(now.ofUser).toBe(1);
    expect((await live.counts('bob')).ofUser).toBe(1);
    expect(loads).toBe(1);
  });

  it('applies writes that finish while it loads over what the load read', async () => {
    const d = deferred<LiveRow[]>();
    const live = new LiveSessions(() => d.promise, isLive);
    const asked = live.counts('alice');
    // The load may or may not have seen these; applying them again is the same either way.
    live.written([row('s1', 'terminated'), row('s2', 'pending')]);
    d.resolve([row('s1', 'running')]);
    expect(plain((await asked).byAgent)).toEqual({ a1: 1 });
    expect((await live.counts('alice')).ofUser).toBe(1);
  });

  it('forgets everything after a failed write, and reads again when next asked', async () => {
    let rows = [row('s1', 'running')];
    let loads = 0;
    const live = new LiveSessions(async () => {
      loads++;
      return rows;
    }, isLive);
    expect((await live.counts('alice')).ofUser).toBe(1);
    rows = [row('s1', 'running'), row('s2', 'running')];
    live.reset();
    expect((await live.counts('alice')).ofUser).toBe(2);
    expect(loads).toBe(2);
  });

  it('does not keep a load that a reset overtook', async () => {
    const first = deferred<LiveRow[]>();
    let calls = 0;
    const live = new LiveSessions(() => (calls++ === 0 ? first.promise : Promise.resolve([])), isLive);
    const asked = live.counts('alice');
    live.reset();
    first.resolve([row('s1', 'running')]);
    expect((await asked).ofUser).toBe(1);
    expect((await live.counts('alice')).ofUser).toBe(0);
  });

  it('reads afresh in the background once its snapshot is old, answering from the old one', async () => {
    let now = 0;
    let rows = [row('s1', 'running')];
    const live = new LiveSessions(
      async () => rows,
      isLive,
      1000,
      () => now,
    );
    expect((await live.counts('alice')).ofUser).toBe(1);
    // Something the store never saw (another replica, say): only a reload finds it.
    rows = [row('s1', 'running'), row('s2', 'running')];
    now = 500;
    expect((await live.counts('alice')).ofUser).toBe(1);
    now = 1000;
    expect((await live.counts('alice')).ofUser).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect((await live.counts('alice')).ofUser).toBe(2);
  });

  it('passes a failed first load on, and tries again next time', async () => {
    let fail = true;
    const live = new LiveSessions(async () => {
      if (fail) throw new Error('db down');
      return [];
    }, isLive);
    await expect(live.counts('alice')).rejects.toThrow('db down');
    fail = false;
    expect((await live.counts('alice')).ofUser).toBe(0);
  });
});
