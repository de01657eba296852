import { describe, expect, it } from 'vitest';
import { effectiveVncMode } from './session-stream';

describe('effectiveVncMode', () => {
  it.each([
    ['auto', true, 'direct'],
    ['auto', false, 'port-forward'],
    ['port-forward', true, 'port-forward'],
    ['direct', false, 'direct'],
  ] as const)('%s with inCluster=%s goes %s', (mode, inCluster, expected) => {
    expect(effectiveVncMode(mode, inCluster)).toBe(expected);
  });
});
