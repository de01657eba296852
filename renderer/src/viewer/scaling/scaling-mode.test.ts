import { describe, expect, it } from 'vitest';
import { isScalingMode, MAX_REMOTE_SIDE, remoteSizeFor, rfbOptionsFor } from './scaling-mode';

describe('scaling modes as noVNC options', () => {
  it('fits by scaling, without touching the session size', () => {
    expect(rfbOptionsFor('fit')).toEqual({ scaleViewport: true, resizeSession: false, clipViewport: false });
  });
  it('resizes the session in remote mode, scaling to show device pixels at CSS size', () => {
    expect(rfbOptionsFor('remote')).toEqual({
      scaleViewport: true,
      resizeSession: true,
      clipViewport: false,
    });
  });
  it('shows 1:1 with neither scaling nor clipping, so the screen element scrolls', () => {
    expect(rfbOptionsFor('actual')).toEqual({
      scaleViewport: false,
      resizeSession: false,
      clipViewport: false,
    });
  });
  it('knows its modes and nothing else', () => {
    expect(['fit', 'remote', 'actual'].every(isScalingMode)).toBe(true);
    expect([undefined, null, 'Fit', 'scale', 3].some(isScalingMode)).toBe(false);
  });
});

describe('remote size in device pixels', () => {
  it('is the CSS size on a 1x screen', () => {
    expect(remoteSizeFor({ width: 1200, height: 764 }, 1)).toEqual({ width: 1200, height: 764 });
  });
  it('doubles on a 2x screen', () => {
    expect(remoteSizeFor({ width: 1200, height: 764 }, 2)).toEqual({ width: 2400, height: 1528 });
  });
  it('rounds fractional ratios and sizes down to whole pixels', () => {
    expect(remoteSizeFor({ width: 1000.6, height: 501 }, 1.25)).toEqual({ width: 1250, height: 626 });
  });
  it('treats a nonsense ratio as 1 and caps what Xvnc is asked for', () => {
    expect(remoteSizeFor({ width: 800, height: 600 }, 0)).toEqual({ width: 800, height: 600 });
    expect(remoteSizeFor({ width: 800, height: 600 }, Number.NaN)).toEqual({ width: 800, height: 600 });
    expect(remoteSizeFor({ width: 6000, height: 600 }, 2)).toEqual({ width: MAX_REMOTE_SIDE, height: 1200 });
  });
});
