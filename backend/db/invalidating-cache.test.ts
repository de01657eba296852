import { describe, expect, it } from 'vitest';
import { deferred } from '../testing/deferred';
import { InvalidatingCache } from './invalidating-cache';

describe('InvalidatingCache', () => {
  it('loads once and answers from memory until invalidated', async () => {
    const cache = new InvalidatingCache<string>();
    let loads = 0;
    const load = async () => `v${++loads}`;
    expect(await cache.get('k', load)).toBe('v1');
    expect(await cache.get('k', load)).toBe('v1');
    cache.invalidate(['k']);
    expect(await cache.get('k', load)).toBe('v2');
    expect(loads).toBe(2);
  });

  it('invalidates only the keys named', async () => {
    const cache = new InvalidatingCache<string>();
    await cache.get('a', async () => 'a1');
    await cache.get('b', async () => 'b1');
    cache.invalidate(['a']);
    expect(await cache.get('a', async () => 'a2')).toBe('a2');
    expect(await cache.get('b', async () => 'b2')).toBe('b1');
  });

  it('shares one load between concurrent callers', async () => {
    const cache = new InvalidatingCache<string>();
    const d = deferred<string>();
    let loads = 0;
    const load = () => {
      loads++;
      return d.promise;
    };
    const both = Promise.all([cache.get('k', load), cache.get('k', load)]);
    d.resolve('v');
    expect(await both).toEqual(['v', 'v']);
    expect(loads).toBe(1);
  });

  it('does not keep a load that overlapped a write, nor share it with later callers', async () => {
    const cache = new InvalidatingCache<string>();
    const old = deferred<string>();
    const before = cache.get('k', () => old.promise);
    // The write completes while the read of the old rows is still in flight.
    cache.invalidate(['k']);
    const after = cache.get('k', async () => 'new');
    old.resolve('old');
    expect(await before).toBe('old');
    expect(await after).toBe('new');
    expect(await cache.get('k', async () => 'newer')).toBe('new');
  });

  it('keeps a load that overlapped a write to another key only', async () => {
    const cache = new InvalidatingCache<string>();
    const d = deferred<string>();
    const pending = cache.get('a', () => d.promise);
    cache.invalidate(['b']);
    d.resolve('a1');
    expect(await pending).toBe('a1');
    expect(await cache.get('a', async () => 'a2')).toBe('a1');
  });

  it('keeps only the load that started after the last write', async () => {
    const cache = new InvalidatingCache<string>();
    const first = deferred<string>();
    const second = deferred<string>();
    const a = cache.get('k', () => first.promise);
    cache.invalidate(['k']);
    const b = cache.get('k', () => second.promise);
    second.resolve('new');
    first.resolve('old');
    expect([await a, await b]).toEqual(['old', 'new']);
    expect(await cache.get('k', async () => 'newer')).toBe('new');
  });

  it('keeps no failure, so the next caller tries again', async () => {
    const cache = new InvalidatingCache<string>();
    const d = deferred<string>();
    const failing = cache.get('k', () => d.promise);
    d.reject(new Error('db down'));
    await expect(failing).rejects.toThrow('db down');
    expect(await cache.get('k', async () => 'v')).toBe('v');
  });

  it('keeps falsy values', async () => {
    const cache = new InvalidatingCache<string>();
    await cache.get('k', async () => '');
    expect(await cache.get('k', async () => 'again')).toBe('');
  });
});
