import { describe, expect, it } from 'vitest';
import { deferred } from '../testing/deferred';
import { ThumbnailCache } from './thumbnail-cache';

describe('ThumbnailCache', () => {
  it('shares one capture among concurrent requests, serves it while fresh, and takes a new one after', async () => {
    let now = 1_000;
    const cache = new ThumbnailCache<string>(5_000, () => now);
    let takes = 0;
    const pending = deferred<string>();
    const take = () => {
      takes++;
      return pending.promise;
    };
    const a = cache.get('s1', take);
    const b = cache.get('s1', take);
    pending.resolve('first');
    expect(await a).toBe('first');
    expect(await b).toBe('first');
    expect(takes).toBe(1);
    now += 4_999;
    expect(await cache.get('s1', async () => 'unused')).toBe('first');
    // Counted from when the capture started, so nothing is served older than the bound.
    now += 1;
    expect(await cache.get('s1', async () => 'second')).toBe('second');
  });

  it('keeps sessions apart, keeps no failure, and drops stale entries when next asked', async () => {
    let now = 0;
    const cache = new ThumbnailCache<string>(5_000, () => now);
    await expect(cache.get('s1', () => Promise.reject(new Error('agent offline')))).rejects.toThrow(
      'offline',
    );
    expect(await cache.get('s1', async () => 'retried')).toBe('retried');
    expect(await cache.get('s2', async () => 'other')).toBe('other');
    expect(cache.size).toBe(2);
    now = 10_000;
    expect(await cache.get('s3', async () => 'third')).toBe('third');
    expect(cache.size).toBe(1);
  });

  it('forgets an entry, and a capture running meanwhile does not bring it back', async () => {
    const cache = new ThumbnailCache<string>(5_000, () => 0);
    const pending = deferred<string>();
    const running = cache.get('s1', () => pending.promise);
    cache.forget('s1');
    pending.resolve('late');
    expect(await running).toBe('late');
    expect(cache.size).toBe(0);
  });
});
