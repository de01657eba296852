import type RFB from '@novnc/novnc';
import { type DevicePixelResize, requestDevicePixels } from '../scaling/device-pixel-resize';
import { rfbOptionsFor, type ScalingMode } from '../scaling/scaling-mode';
import type { ViewerPrefs } from './viewer-prefs';

/** What of noVNC's RFB the toolbar sets and calls. */
export type ControlledRfb = Pick<
  RFB,
  | 'scaleViewport'
  | 'resizeSession'
  | 'clipViewport'
  | 'viewOnly'
  | 'qualityLevel'
  | 'compressionLevel'
  | 'sendCtrlAltDel'
  | 'focus'
  | 'addEventListener'
>;

export interface ViewerSettings extends ViewerPrefs {
  scaling: ScalingMode;
  /** Nothing the person does reaches the session: no keys, pointer, clipboard or resize. */
  viewOnly: boolean;
}

export interface ViewerControlsDeps {
  initial: ViewerSettings;
  devicePixelRatio: () => number;
  /** A setting the person changed, to remember (view-only is never remembered). */
  onSave?: (settings: ViewerSettings) => void;
}

/**
 * The toolbar's settings, applied to whichever RFB connection the viewer has now: each reconnect
 * is a new RFB, which takes them over when it connects. Settings are applied on `connect` because
 * the viewer connection sets its own defaults after creating the RFB.
 */
export interface ViewerControls {
  readonly settings: ViewerSettings;
  /** A new RFB of this viewer (called as it is created). */
  attach(rfb: ControlledRfb): void;
  update(change: Partial<ViewerSettings>): void;
  /** Loads a setting that was not the person's doing now (the template's saved mode): not saved. */
  load(change: Partial<ViewerSettings>): void;
  subscribe(listener: (settings: ViewerSettings) => void): () => void;
  /** Whether the session got it (false without a live connection, or view-only). */
  ctrlAltDel(): boolean;
  /** Gives the keyboard back to the session, after a toolbar control took it. */
  focusSession(): void;
  /** devicePixelRatio changed (another monitor): remote resize asks again. */
  devicePixelRatioChanged(): void;
}

export function createViewerControls(deps: ViewerControlsDeps): ViewerControls {
  let settings: ViewerSettings = { ...deps.initial };
  let live: { rfb: ControlledRfb; resize: DevicePixelResize | null } | null = null;
  const listeners = new Set<(settings: ViewerSettings) => void>();

  function apply(rfb: ControlledRfb): void {
    const options = rfbOptionsFor(settings.scaling);
    // Clipping first: noVNC re-reads it when scaling changes.
    rfb.clipViewport = options.clipViewport;
    rfb.scaleViewport = options.scaleViewport;
    // View-only before resize: noVNC refuses to resize a session it only watches.
    rfb.viewOnly = settings.viewOnly;
    rfb.resizeSession = options.resizeSession;
    rfb.qualityLevel = settings.quality;
    rfb.compressionLevel = settings.compression;
  }

  function change(next: Partial<ViewerSettings>, save: boolean): void {
    const before = settings;
    settings = { ...settings, ...next };
    if (live) apply(live.rfb);
    if (save) deps.onSave?.(settings);
    if (Object.entries(next).some(([k, v]) => before[k as keyof ViewerSettings] !== v)) {
      for (const listener of listeners) listener(settings);
    }
  }

  return {
    get settings() {
      return settings;
    },
    attach(rfb) {
      // The RFB whose stream is up is the one to control; an older one is on its way out.
      const resize = requestDevicePixels(rfb, deps.devicePixelRatio);
      rfb.addEventListener('connect', () => {
        live = { rfb, resize };
        apply(rfb);
      });
      rfb.addEventListener('disconnect', () => {
        if (live?.rfb === rfb) live = null;
      });
    },
    update: (next) => change(next, true),
    load: (next) => change(next, false),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ctrlAltDel() {
      if (!live || settings.viewOnly) return false;
      live.rfb.sendCtrlAltDel();
      return true;
    },
    focusSession() {
      live?.rfb.focus({ preventScroll: true });
    },
    devicePixelRatioChanged() {
      if (live && settings.scaling === 'remote') live.resize?.refresh();
    },
  };
}
