import { type RefObject, useEffect, useState } from 'react';
import { useServices } from '../app/services-context';
import type { ViewerStatus } from './readiness';
import { countDraws, RateMeter, startLatencyProbe } from './stats';

export interface ViewerStats {
  /** Frames drawn on screen per second; null until measured. */
  fps: number | null;
  /** Round trip to the server in ms; null until measured or while it fails. */
  latencyMs: number | null;
}

const NONE: ViewerStats = { fps: null, latencyMs: null };

/** Measures the figures of the status indicator while connected; see stats.ts for what they mean. */
export function useViewerStats(
  status: ViewerStatus,
  screenRef: RefObject<HTMLDivElement | null>,
): ViewerStats {
  const { api } = useServices();
  const [stats, setStats] = useState<ViewerStats>(NONE);

  useEffect(() => {
    if (status !== 'connected') {
      setStats(NONE);
      return;
    }
    // Each connection draws on a canvas of its own, created by noVNC inside the screen element.
    const canvas = screenRef.current?.querySelector('canvas');
    const meter = new RateMeter();
    const undo = canvas ? countDraws(canvas, () => meter.tick(performance.now())) : () => undefined;
    const tick = setInterval(() => {
      const fps = Math.round(meter.perSecond(performance.now()));
      setStats((s) => (s.fps === fps ? s : { ...s, fps }));
    }, 1_000);
    const stopProbe = startLatencyProbe({
      ping: () => api.healthz(),
      now: () => performance.now(),
      onSample: (latencyMs) => setStats((s) => ({ ...s, latencyMs })),
    });
    return () => {
      undo();
      clearInterval(tick);
      stopProbe();
    };
  }, [status, screenRef, api]);

  return stats;
}
