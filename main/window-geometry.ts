import { z } from 'zod';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Size always; position only when we know a good one, otherwise the OS cascades new windows.
 * `fullscreen` only when the window was closed in fullscreen.
 */
export type WindowPlacement = Pick<Rect, 'width' | 'height'> &
  Partial<Pick<Rect, 'x' | 'y'>> & { fullscreen?: true };

const RectSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});

const SavedWindow = RectSchema.extend({ fullscreen: z.boolean().optional() });

const GeometryFile = z.object({
  version: z.literal(1),
  windows: z.record(z.string(), SavedWindow),
});
type GeometryFile = z.infer<typeof GeometryFile>;

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

/**
 * Fits saved bounds onto the displays present now: a window remembered on an unplugged monitor, or
 * half off-screen after a resolution change, would otherwise open where the user cannot reach it.
 * `workAreas` lists the displays' work areas, primary first.
 */
export function clampToDisplays(bounds: Rect, workAreas: readonly Rect[]): Rect {
  let best: Rect | undefined;
  let bestOverlap = 0;
  for (const area of workAreas) {
    const o = overlap(bounds, area);
    if (o > bestOverlap) {
      best = area;
      bestOverlap = o;
    }
  }
  const area = best ?? workAreas[0];
  if (!area) return bounds;
  const width = Math.min(bounds.width, area.width);
  const height = Math.min(bounds.height, area.height);
  if (!best) {
    return {
      x: area.x + Math.round((area.width - width) / 2),
      y: area.y + Math.round((area.height - height) / 2),
      width,
      height,
    };
  }
  return {
    x: clamp(bounds.x, area.x, area.x + area.width - width),
    y: clamp(bounds.y, area.y, area.y + area.height - height),
    width,
    height,
  };
}

export interface GeometryStoreOptions {
  read(): Promise<unknown>;
  write(value: GeometryFile): Promise<void>;
  /** Work areas of the current displays, primary first; asked on every use since monitors come and go. */
  displays(): readonly Rect[];
  defaultSize: { width: number; height: number };
}

export interface GeometryStore {
  placementFor(key: string): WindowPlacement;
  /** `bounds` are the normal (restored) bounds, which a fullscreen window comes back to. */
  remember(key: string, bounds: Rect, fullscreen?: boolean): Promise<void>;
}

export async function createGeometryStore(options: GeometryStoreOptions): Promise<GeometryStore> {
  const parsed = GeometryFile.safeParse(await options.read());
  // A corrupt or foreign file costs the user their window positions, never the app start.
  const saved: GeometryFile = parsed.success ? parsed.data : { version: 1, windows: {} };
  return {
    placementFor(key) {
      const bounds = saved.windows[key];
      const displays = options.displays();
      if (bounds) {
        const { fullscreen, ...rect } = bounds;
        const placed = clampToDisplays(rect, displays);
        return fullscreen ? { ...placed, fullscreen: true } : placed;
      }
      const primary = displays[0];
      return {
        width: primary ? Math.min(options.defaultSize.width, primary.width) : options.defaultSize.width,
        height: primary ? Math.min(options.defaultSize.height, primary.height) : options.defaultSize.height,
      };
    },
    async remember(key, bounds, fullscreen = false) {
      const rounded = RectSchema.safeParse({
        x: Math.round(bounds.x),
        y: Math.round(bounds.y),
        width: Math.round(bounds.width),
        height: Math.round(bounds.height),
      });
      if (!rounded.success) return;
      saved.windows[key] = fullscreen ? { ...rounded.data, fullscreen: true } : rounded.data;
      await options.write({ version: 1, windows: { ...saved.windows } });
    },
  };
}
