import type RFB from '@novnc/novnc';

export type RfbConstructor = typeof RFB;

let loading: Promise<RfbConstructor> | undefined;

/** noVNC is large and only the viewer needs it, so the dashboard never downloads it. */
export function loadRfb(): Promise<RfbConstructor> {
  loading ??= import('@novnc/novnc').then((module) => module.default);
  return loading;
}
