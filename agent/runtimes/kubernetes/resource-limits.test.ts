import { describe, expect, it } from 'vitest';
import { clampResources, compareQuantities, parseCpu, parseMemory } from './resource-limits';

describe('parseMemory', () => {
  it.each([
    ['512Mi', 512 * 1024 ** 2],
    ['2Gi', 2 * 1024 ** 3],
    ['1024Ki', 1024 * 1024],
    ['1Ti', 1024 ** 4],
    ['1073741824', 1073741824],
    ['0', 0],
    ['1M', 1_000_000],
    ['1G', 1_000_000_000],
    ['1k', 1000],
    ['1.5Gi', 1.5 * 1024 ** 3],
    ['129e6', 129_000_000],
    ['1E3', 1000],
    ['1E', 10 ** 18],
  ])('%s is %d bytes', (q, bytes) => {
    expect(parseMemory(q)).toBe(bytes);
  });

  it.each(['', 'abc', '512MB', '-1Gi', '1 Gi', '1gi', 'Gi', '1.2.3', '0x10', ' 1Gi'])('rejects %j', (q) => {
    expect(() => parseMemory(q)).toThrow(/Invalid memory quantity/);
  });
});

describe('parseCpu', () => {
  it.each([
    ['500m', 500],
    ['2', 2000],
    ['0.5', 500],
    ['.25', 250],
    ['1.', 1000],
    ['100m', 100],
    ['0.0001', 1],
  ])('%s is %d millicores', (q, millis) => {
    expect(parseCpu(q)).toBe(millis);
  });

  it.each(['', 'two', '500 m', '-1', '1c', '5mm'])('rejects %j', (q) => {
    expect(() => parseCpu(q)).toThrow(/Invalid cpu quantity/);
  });
});

describe('compareQuantities', () => {
  it('compares across notations exactly', () => {
    expect(compareQuantities('500m', '0.5')).toBe(0);
    expect(compareQuantities('1024Mi', '1Gi')).toBe(0);
    expect(compareQuantities('1G', '1Gi')).toBe(-1);
    expect(compareQuantities('0.3', '299m')).toBe(1);
    expect(compareQuantities('100m', '0.1')).toBe(0);
  });
});

describe('clampResources', () => {
  const max = { memory: '4Gi', cpu: '4' };

  it('keeps a request under the maximum as written', () => {
    expect(clampResources({ memory: '512Mi', cpu: '500m' }, max)).toEqual({ memory: '512Mi', cpu: '500m' });
  });

  it('keeps a request equal to the maximum in its own notation', () => {
    expect(clampResources({ memory: '4096Mi', cpu: '4000m' }, max)).toEqual({
      memory: '4096Mi',
      cpu: '4000m',
    });
  });

  it('cuts each field above the maximum down to it, independently', () => {
    expect(clampResources({ memory: '8Gi', cpu: '1' }, max)).toEqual({ memory: '4Gi', cpu: '1' });
    expect(clampResources({ memory: '1Gi', cpu: '16' }, max)).toEqual({ memory: '1Gi', cpu: '4' });
    expect(clampResources({ memory: '5000000000', cpu: '4001m' }, max)).toEqual(max);
  });

  it('throws a clear error for an unparsable request or maximum', () => {
    expect(() => clampResources({ memory: 'lots', cpu: '1' }, max)).toThrow(
      'Invalid memory quantity "lots": expected e.g. 512Mi, 2Gi or 1073741824',
    );
    expect(() => clampResources({ memory: '1Gi', cpu: '1' }, { memory: '4Gi', cpu: 'all' })).toThrow(
      /Invalid cpu quantity "all"/,
    );
  });
});
