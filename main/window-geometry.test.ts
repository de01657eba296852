import { describe, expect, it, vi } from 'vitest';
import { clampToDisplays, createGeometryStore, type Rect } from './window-geometry';

const primary: Rect = { x: 0, y: 0, width: 1920, height: 1040 };
const right: Rect = { x: 1920, y: 0, width: 1280, height: 1000 };

describe('clampToDisplays', () => {
  it('keeps bounds that already fit a display', () => {
    const bounds = { x: 100, y: 100, width: 800, height: 600 };
    expect(clampToDisplays(bounds, [primary, right])).toEqual(bounds);
    const onRight = { x: 2000, y: 50, width: 800, height: 600 };
    expect(clampToDisplays(onRight, [primary, right])).toEqual(onRight);
  });

  it('pulls a window hanging off an edge back onto the display it mostly covers', () => {
    expect(clampToDisplays({ x: 3000, y: 700, width: 800, height: 600 }, [primary, right])).toEqual({
      x: 2400,
      y: 400,
      width: 800,
      height: 600,
    });
    expect(clampToDisplays({ x: -200, y: -50, width: 800, height: 600 }, [primary])).toEqual({
      x: 0,
      y: 0,
      width: 800,
      height: 600,
    });
  });

  it('centres a window from an unplugged monitor on the primary display', () => {
    expect(clampToDisplays({ x: 5000, y: 0, width: 800, height: 600 }, [primary])).toEqual({
      x: 560,
      y: 220,
      width: 800,
      height: 600,
    });
  });

  it('shrinks a window larger than its display', () => {
    expect(clampToDisplays({ x: 1900, y: 0, width: 3000, height: 2000 }, [primary, right])).toEqual({
      x: 1920,
      y: 0,
      width: 1280,
      height: 1000,
    });
  });

  it('leaves bounds alone when no display is known', () => {
    const bounds = { x: 9000, y: 9000, width: 10, height: 10 };
    expect(clampToDisplays(bounds, [])).toEqual(bounds);
  });
});

describe('createGeometryStore', () => {
  it('remembers bounds per key, persists them, and reloads them', async () => {
    let file: unknown;
    const write = vi.fn(async (value: unknown) => {
      file = JSON.parse(JSON.stringify(value));
    });
    const store = await createGeometryStore({
      read: async () => file,
      write,
      displays: () => [primary],
      defaultSize: { width: 1280, height: 800 },
    });
    expect(store.placementFor('firefox')).toEqual({ width: 1280, height: 800 });
    await store.remember('firefox', { x: 10.4, y: 20.6, width: 1000, height: 700 });
    expect(store.placementFor('firefox')).toEqual({ x: 10, y: 21, width: 1000, height: 700 });
    expect(store.placementFor('code')).toEqual({ width: 1280, height: 800 });
    expect(write).toHaveBeenCalledTimes(1);

    const reloaded = await createGeometryStore({
      read: async () => file,
      write,
      displays: () => [{ x: 0, y: 0, width: 800, height: 600 }],
      defaultSize: { width: 1280, height: 800 },
    });
    expect(reloaded.placementFor('firefox')).toEqual({ x: 0, y: 0, width: 800, height: 600 });
    expect(reloaded.placementFor('code')).toEqual({ width: 800, height: 600 });
  });

  it('starts empty from a corrupt file and ignores degenerate bounds', async () => {
    const write = vi.fn(async () => {});
    const store = await createGeometryStore({
      read: async () => ({ version: 1, windows: { firefox: { x: 'left' } } }),
      write,
      displays: () => [primary],
      defaultSize: { width: 1280, height: 800 },
    });
    expect(store.placementFor('firefox')).toEqual({ width: 1280, height: 800 });
    await store.remember('firefox', { x: 0, y: 0, width: 0, height: 0 });
    expect(write).not.toHaveBeenCalled();
    expect(store.placementFor('firefox')).toEqual({ width: 1280, height: 800 });
  });

  it('remembers fullscreen with the bounds it returns to, and clamps those to the displays of now', async () => {
    let saved: unknown;
    let displays = [{ x: 0, y: 0, width: 2560, height: 1440 }];
    const options = {
      read: async () => saved,
      write: async (v: unknown) => {
        saved = v;
      },
      displays: () => displays,
      defaultSize: { width: 1280, height: 800 },
    };
    const store = await createGeometryStore(options);
    await store.remember('firefox', { x: 1200, y: 600, width: 1300, height: 800 }, true);
    expect(store.placementFor('firefox')).toEqual({
      x: 1200,
      y: 600,
      width: 1300,
      height: 800,
      fullscreen: true,
    });
    displays = [{ x: 0, y: 0, width: 1280, height: 720 }];
    const reloaded = await createGeometryStore(options);
    expect(reloaded.placementFor('firefox')).toEqual({
      x: 0,
      y: 0,
      width: 1280,
      height: 720,
      fullscreen: true,
    });
    await reloaded.remember('firefox', { x: 0, y: 0, width: 800, height: 600 });
    expect(reloaded.placementFor('firefox')).toEqual({ x: 0, y: 0, width: 800, height: 600 });
  });
});
