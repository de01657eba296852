import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ObservedState } from '../../protocol';
import { isRuntimeError, type RuntimeStatusEvent } from '../runtime';
import { type FoundSession, SessionBook, type SessionBookHooks } from './session-book';

interface Fake {
  name: string;
  state: ObservedState | null;
  intact: boolean;
}

function book(found: Fake[] = [], hooks: Partial<SessionBookHooks<Fake>> = {}) {
  const observed: string[] = [];
  const discarded: string[] = [];
  const b = new SessionBook<Fake>({
    logger: pino({ level: 'silent' }),
    pollIntervalMs: 10,
    closedMessage: 'the fake runtime is closed',
    observe: async (s) => {
      observed.push(s.name);
      return s.state;
    },
    find: async (): Promise<FoundSession<Fake>[]> =>
      found.map((s) => ({ name: s.name, session: s, recordedState: String(s.state) })),
    isIntact: async (s) => s.intact,
    discard: async (s) => {
      discarded.push(s.name);
    },
    ...hooks,
  });
  return { b, observed, discarded };
}

describe('SessionBook', () => {
  const books: SessionBook<Fake>[] = [];
  afterEach(async () => {
    for (const b of books.splice(0)) await b.close();
  });

  it('adopts intact sessions it finds and discards the rest, once', async () => {
    const { b, discarded } = book([
      { name: 'a', state: 'running', intact: true },
      { name: 'b', state: 'running', intact: false },
    ]);
    books.push(b);
    await Promise.all([b.ready(), b.ready()]);
    expect(b.all().map((s) => s.name)).toEqual(['a']);
    expect(discarded).toEqual(['b']);
    expect(await b.list()).toEqual([{ name: 'a', state: 'running' }]);
  });

  it('runs tasks of one session one after another, of different sessions side by side', async () => {
    const { b } = book();
    books.push(b);
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = b.withLock('a', async () => {
      await gate;
      order.push('a1');
    });
    const second = b.withLock('a', async () => {
      order.push('a2');
    });
    await b.withLock('b', async () => {
      order.push('b1');
    });
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['b1', 'a1', 'a2']);
  });

  it("says 'starting' for a start in progress and lists it", async () => {
    const { b } = book();
    books.push(b);
    const attempt = b.beginStart('s', new AbortController());
    expect(await b.status('s')).toBe('starting');
    expect(await b.list()).toEqual([{ name: 's', state: 'starting' }]);
    b.endStart('s', attempt);
    expect(await b.status('s')).toBeNull();
  });

  it('polls idle sessions, and leaves busy and settling ones alone', async () => {
    const { b, observed } = book(
      [
        { name: 'idle', state: 'running', intact: true },
        { name: 'busy', state: 'running', intact: true },
        { name: 'settling', state: 'running', intact: true },
      ],
      { isSettling: (s) => s.name === 'settling' },
    );
    books.push(b);
    await b.ready();
    let release!: () => void;
    const held = b.withLock('busy', () => new Promise<void>((resolve) => (release = resolve)));
    observed.length = 0;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(observed).toContain('idle');
    expect(observed).not.toContain('busy');
    expect(observed).not.toContain('settling');
    release();
    await held;
  });

  it('emits until closed, then refuses work', async () => {
    const { b } = book();
    const events: RuntimeStatusEvent[] = [];
    b.onStatus((e) => events.push(e));
    b.emit('a', 'running', '');
    await b.close();
    b.emit('a', 'failed', 'late');
    expect(events).toEqual([{ name: 'a', state: 'running', message: '' }]);
    const refused = await b.withLock('a', async () => 1).catch((error: unknown) => error);
    expect(isRuntimeError(refused, 'internal')).toBe(true);
    await expect(b.ready()).rejects.toThrow('the fake runtime is closed');
  });
});
