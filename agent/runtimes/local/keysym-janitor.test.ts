import { describe, expect, it } from 'vitest';
import { clearExpressions, KEEP_NEWEST, planRelease, RELEASE_AT, readKeysymLog } from './keysym-janitor';

const LOG = `
Thu Dec  3 06:38:41 2026
 Input:       Added unknown keysym 0x101f600 to keycode 248
 Input:       Added unknown keysym 0x1004e2d to keycode 230
 Input:       Failure adding new keysym 0x1004e14
`;

describe('readKeysymLog', () => {
  it('finds the keycodes Xvnc bound, in order, and a refusal', () => {
    expect(readKeysymLog(LOG)).toEqual({ bound: [248, 230], refused: true });
    expect(readKeysymLog(' vncext: VNC extension running!\n')).toEqual({ bound: [], refused: false });
  });
});

describe('planRelease', () => {
  const codes = (n: number, from = 200) => Array.from({ length: n }, (_, i) => from + i);

  it('frees nothing while few are bound', () => {
    expect(planRelease([], { bound: codes(RELEASE_AT - 1), refused: false })).toEqual({
      live: codes(RELEASE_AT - 1),
      free: [],
    });
  });

  it('frees all but the newest once enough are bound', () => {
    const { live, free } = planRelease(codes(RELEASE_AT - 1), { bound: [250], refused: false });
    expect(free).toEqual(codes(RELEASE_AT - KEEP_NEWEST));
    expect(live).toEqual([...codes(KEEP_NEWEST - 1, 200 + RELEASE_AT - KEEP_NEWEST), 250]);
  });

  it('moves a keycode bound again to the newest end', () => {
    expect(planRelease([1, 2, 3], { bound: [1], refused: false }).live).toEqual([2, 3, 1]);
  });

  it('frees early when Xvnc refused one, keeping the newest', () => {
    const { free, live } = planRelease(codes(6), { bound: [], refused: true });
    expect(free).toEqual(codes(6 - KEEP_NEWEST));
    expect(live).toHaveLength(KEEP_NEWEST);
    expect(planRelease([1, 2], { bound: [], refused: true }).free).toEqual([]);
  });
});

describe('clearExpressions', () => {
  it('clears each keycode with xmodmap', () => {
    expect(clearExpressions([248, 230])).toEqual(['-e', 'keycode 248 =', '-e', 'keycode 230 =']);
  });
});
