/**
 * The viewer's status figures. noVNC 1.7 emits no per-frame event, so the frame rate counts what
 * reaches the screen: each time noVNC copies a finished framebuffer update onto its visible
 * canvas (Display.flip → drawImage on that canvas). An unchanged screen therefore reads 0 fps,
 * which is the truth: the server sent nothing to draw. Latency is the round trip of a tiny HTTP
 * request (GET /healthz) to the control plane the VNC stream goes through.
 */

/** Events per second over a sliding window. */
export class RateMeter {
  private readonly times: number[] = [];

  constructor(private readonly windowMs = 2_000) {}

  tick(now: number): void {
    this.times.push(now);
    this.trim(now);
  }

  perSecond(now: number): number {
    this.trim(now);
    return (this.times.length * 1000) / this.windowMs;
  }

  private trim(now: number): void {
    while (this.times[0] !== undefined && this.times[0] <= now - this.windowMs) this.times.shift();
  }
}

type DrawImage = CanvasRenderingContext2D['drawImage'];

/** What countDraws needs of a canvas; a fake in tests. */
export interface DrawTarget {
  getContext(kind: '2d'): Pick<CanvasRenderingContext2D, 'drawImage'> | null;
}

/**
 * Calls `onDraw` on every drawImage onto `canvas` and returns the undo. getContext('2d') hands
 * out one context per canvas, the same object noVNC draws with, so an own property shadows the
 * prototype's method for noVNC's calls too.
 */
export function countDraws(canvas: DrawTarget, onDraw: () => void): () => void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return () => undefined;
  const original = ctx.drawImage;
  const counted = function (this: unknown, ...args: unknown[]) {
    onDraw();
    return Reflect.apply(original, this, args);
  } as unknown as DrawImage;
  ctx.drawImage = counted;
  return () => {
    if (ctx.drawImage === counted) ctx.drawImage = original;
  };
}

export interface LatencyProbeDeps {
  /** One small request to the server; its time is the sample. */
  ping: () => Promise<unknown>;
  now: () => number;
  onSample: (ms: number | null) => void;
  intervalMs?: number;
}

/** Pings now and every `intervalMs`, one at a time; null when a ping fails. Returns the stop. */
export function startLatencyProbe(deps: LatencyProbeDeps): () => void {
  let stopped = false;
  let inFlight = false;
  const probe = async () => {
    if (inFlight || stopped) return;
    inFlight = true;
    const started = deps.now();
    const ok = await deps.ping().then(
      () => true,
      () => false,
    );
    inFlight = false;
    if (!stopped) deps.onSample(ok ? Math.round(deps.now() - started) : null);
  };
  void probe();
  const timer = setInterval(() => void probe(), deps.intervalMs ?? 5_000);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
