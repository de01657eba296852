/**
 * How the session's desktop meets the window:
 * - `fit`: the desktop keeps its size and is scaled to fit the window (the default);
 * - `remote`: the desktop follows the window (ExtendedDesktopSize), in device pixels on HiDPI;
 * - `actual`: one desktop pixel to one CSS pixel, with scrollbars when it is larger.
 */
export const SCALING_MODES = ['fit', 'remote', 'actual'] as const;
export type ScalingMode = (typeof SCALING_MODES)[number];

export const DEFAULT_SCALING: ScalingMode = 'fit';

export const SCALING_LABELS: Record<ScalingMode, string> = {
  fit: 'Fit to window',
  remote: 'Resize remote desktop',
  actual: 'Actual size (scroll)',
};

export function isScalingMode(value: unknown): value is ScalingMode {
  return typeof value === 'string' && (SCALING_MODES as readonly string[]).includes(value);
}

/** The noVNC RFB properties each mode sets. */
export interface RfbScalingOptions {
  scaleViewport: boolean;
  resizeSession: boolean;
  clipViewport: boolean;
}

export function rfbOptionsFor(mode: ScalingMode): RfbScalingOptions {
  switch (mode) {
    case 'fit':
      return { scaleViewport: true, resizeSession: false, clipViewport: false };
    // Scaling stays on: it shows the device-pixel desktop at CSS size (scale 1 / DPR), and covers
    // the moment between a window resize and the session's answer.
    case 'remote':
      return { scaleViewport: true, resizeSession: true, clipViewport: false };
    // No clipping and no scaling: the canvas is its full size and noVNC's screen div scrolls.
    case 'actual':
      return { scaleViewport: false, resizeSession: false, clipViewport: false };
  }
}

/** Largest desktop Xvnc is asked for; TigerVNC refuses bigger layouts anyway. */
export const MAX_REMOTE_SIDE = 8192;

/**
 * The desktop size remote resize asks for: the container's CSS size in device pixels, so on a
 * HiDPI screen one desktop pixel is one screen pixel and text is sharp rather than CSS-scaled.
 */
export function remoteSizeFor(
  css: { width: number; height: number },
  devicePixelRatio: number,
): { width: number; height: number } {
  const ratio = Number.isFinite(devicePixelRatio) && devicePixelRatio > 0 ? devicePixelRatio : 1;
  const side = (n: number) => Math.min(MAX_REMOTE_SIDE, Math.max(0, Math.floor(n * ratio)));
  return { width: side(css.width), height: side(css.height) };
}
