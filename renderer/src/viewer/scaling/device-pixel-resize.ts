import { remoteSizeFor } from './scaling-mode';

/**
 * The private parts of noVNC 1.7's RFB that remote resize goes through. noVNC asks the session
 * for its screen element's CSS size and has no option for device pixels, so the request alone is
 * made to see the size in device pixels; scaling (which also reads `_screenSize`) keeps the CSS
 * size and so shows the larger desktop at scale 1 / devicePixelRatio, one desktop pixel per
 * screen pixel. Pointer coordinates follow from noVNC's own scale, so they stay right.
 */
interface RemoteResizeInternals {
  _screenSize(): { w: number; h: number };
  _requestRemoteResize(): void;
}

function hasInternals(rfb: object): rfb is RemoteResizeInternals {
  const r = rfb as Partial<RemoteResizeInternals>;
  return typeof r._screenSize === 'function' && typeof r._requestRemoteResize === 'function';
}

export interface DevicePixelResize {
  /** Asks again, as after a change of devicePixelRatio (another monitor) that resized nothing. */
  refresh(): void;
}

/**
 * Makes this RFB's remote-resize requests device-pixel sized. Returns null when noVNC is not the
 * version this knows (no such internals): remote resize then works in CSS pixels, as noVNC does.
 */
export function requestDevicePixels(rfb: object, ratio: () => number): DevicePixelResize | null {
  if (!hasInternals(rfb)) return null;
  const cssSize = rfb._screenSize;
  const request = rfb._requestRemoteResize;
  const deviceSize = function (this: RemoteResizeInternals) {
    const css = cssSize.call(this);
    const size = remoteSizeFor({ width: css.w, height: css.h }, ratio());
    return { w: size.width, h: size.height };
  };
  // noVNC calls this._requestRemoteResize() (and binds it for its retry timer) through the
  // instance, so an own property takes its place; only during it is the screen device-sized.
  rfb._requestRemoteResize = function (this: RemoteResizeInternals) {
    this._screenSize = deviceSize;
    try {
      request.call(this);
    } finally {
      this._screenSize = cssSize;
    }
  };
  return { refresh: () => rfb._requestRemoteResize() };
}

/** Calls `onChange` whenever devicePixelRatio changes (a move to another monitor, or zoom). */
export function watchDevicePixelRatio(
  win: Pick<Window, 'devicePixelRatio' | 'matchMedia'>,
  onChange: () => void,
): () => void {
  let query: MediaQueryList | null = null;
  const listen = () => {
    query?.removeEventListener('change', changed);
    query = win.matchMedia(`(resolution: ${win.devicePixelRatio}dppx)`);
    query.addEventListener('change', changed);
  };
  function changed() {
    listen();
    onChange();
  }
  listen();
  return () => query?.removeEventListener('change', changed);
}
