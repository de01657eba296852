import { describe, expect, it, vi } from 'vitest';
import { APP_ENTRY } from './app-protocol';
import type { Rect, WindowPlacement } from './window-geometry';
import { createGeometryStore } from './window-geometry';
import {
  DASHBOARD_GEOMETRY_KEY,
  type ManagedWindow,
  type SessionInfo,
  type WindowKind,
  WindowManager,
  type WindowManagerOptions,
  windowTitle,
} from './windows';

class FakeWindow implements ManagedWindow {
  url = '';
  destroyed = false;
  minimized = false;
  fullscreen = false;
  titles: string[] = [];
  bounds: Rect;
  readonly calls: string[] = [];
  private readonly handlers = new Map<string, Array<() => void>>();
  constructor(
    readonly kind: WindowKind,
    readonly placement: WindowPlacement,
    title = '',
  ) {
    this.titles.push(title);
    this.bounds = {
      x: placement.x ?? 0,
      y: placement.y ?? 0,
      width: placement.width,
      height: placement.height,
    };
  }
  async loadURL(url: string) {
    this.url = url;
  }
  show() {
    this.calls.push('show');
  }
  focus() {
    this.calls.push('focus');
  }
  isMinimized() {
    return this.minimized;
  }
  restore() {
    this.minimized = false;
    this.calls.push('restore');
  }
  isDestroyed() {
    return this.destroyed;
  }
  getNormalBounds() {
    return this.bounds;
  }
  isFullScreen() {
    return this.fullscreen;
  }
  setTitle(title: string) {
    this.titles.push(title);
  }
  reload() {
    this.calls.push('reload');
  }
  close() {
    this.emit('close');
    this.destroyed = true;
    this.emit('closed');
  }
  once(event: string, listener: () => void) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), listener]);
    return this;
  }
  private emit(event: string) {
    const listeners = this.handlers.get(event) ?? [];
    this.handlers.delete(event);
    for (const l of listeners) l();
  }
}

async function setup(extra: Partial<WindowManagerOptions> = {}) {
  let saved: unknown;
  const geometry = await createGeometryStore({
    read: async () => saved,
    write: async (v) => {
      saved = v;
    },
    displays: () => [{ x: 0, y: 0, width: 1920, height: 1080 }],
    defaultSize: { width: 1280, height: 800 },
  });
  const created: FakeWindow[] = [];
  const templates: Record<string, string> = { 'admin-firefox-1': 'firefox', 'admin-firefox-2': 'firefox' };
  const manager = new WindowManager({
    create: (kind, placement, title) => {
      const w = new FakeWindow(kind, placement, title);
      created.push(w);
      return w;
    },
    geometry,
    entry: () => APP_ENTRY,
    templateOf: (name) => templates[name],
    ...extra,
  });
  return { manager, created, geometry };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('WindowManager', () => {
  it('opens one window per session on the viewer route and reuses it', async () => {
    const { manager, created } = await setup();
    const first = manager.openSession('admin-firefox-1');
    expect(created).toHaveLength(1);
    expect((first as FakeWindow).url).toBe('app://streamspace/index.html#/viewer/admin-firefox-1');
    expect((first as FakeWindow).kind).toEqual({
      kind: 'session',
      name: 'admin-firefox-1',
      template: 'firefox',
    });
    (first as FakeWindow).minimized = true;
    expect(manager.openSession('admin-firefox-1')).toBe(first);
    expect(created).toHaveLength(1);
    expect((first as FakeWindow).calls).toEqual(['restore', 'show', 'focus']);
    manager.openSession('admin-firefox-2');
    expect(created).toHaveLength(2);
  });

  it('opens a new window after the old one was closed, without touching the session', async () => {
    const { manager, created } = await setup();
    manager.openSession('admin-firefox-1').close();
    expect(manager.openSessionNames()).toEqual([]);
    manager.openSession('admin-firefox-1');
    expect(created).toHaveLength(2);
  });

  it('remembers geometry per template: a second session of it opens where the first was closed', async () => {
    const { manager, created, geometry } = await setup();
    const w = manager.openSession('admin-firefox-1') as FakeWindow;
    expect(w.placement).toEqual({ width: 1280, height: 800 });
    w.bounds = { x: 100, y: 50, width: 900, height: 600 };
    w.close();
    await flush();
    expect(geometry.placementFor('firefox')).toEqual({ x: 100, y: 50, width: 900, height: 600 });
    manager.openSession('admin-firefox-2');
    expect(created[1]?.placement).toEqual({ x: 100, y: 50, width: 900, height: 600 });
    expect(geometry.placementFor(DASHBOARD_GEOMETRY_KEY)).toEqual({ width: 1280, height: 800 });
  });

  it('uses the template given at launch for sessions the tray does not know yet', async () => {
    const { manager, created } = await setup();
    manager.openSession('admin-code-9', 'code');
    expect(created[0]?.kind).toEqual({ kind: 'session', name: 'admin-code-9', template: 'code' });
  });

  it("opens the dashboard on Settings for the tray's Add Server, reusing an open one", async () => {
    const { manager, created } = await setup();
    const d = manager.openDashboard('settings') as FakeWindow;
    expect(d.url).toBe('app://streamspace/index.html#/settings');
    d.url = 'app://streamspace/index.html#/';
    expect(manager.openDashboard('settings')).toBe(d);
    expect(d.url).toBe('app://streamspace/index.html#/settings');
    // Plain "Open Dashboard" leaves the page where the user is.
    manager.openDashboard();
    expect(d.url).toBe('app://streamspace/index.html#/settings');
    expect(created).toHaveLength(1);
  });

  it('keeps a single dashboard with its own geometry', async () => {
    const { manager, created, geometry } = await setup();
    const d = manager.openDashboard() as FakeWindow;
    expect(d.url).toBe('app://streamspace/index.html#/');
    expect(manager.openDashboard()).toBe(d);
    d.bounds = { x: 10, y: 10, width: 1000, height: 700 };
    d.close();
    await flush();
    expect(geometry.placementFor(DASHBOARD_GEOMETRY_KEY)).toEqual({ x: 10, y: 10, width: 1000, height: 700 });
    manager.openDashboard();
    expect(created).toHaveLength(2);
  });

  it('closes session windows on a profile switch and reloads everything when the server moved', async () => {
    const { manager } = await setup();
    const d = manager.openDashboard() as FakeWindow;
    const a = manager.openSession('admin-firefox-1') as FakeWindow;
    const b = manager.openSession('admin-firefox-2') as FakeWindow;
    manager.reloadAll();
    expect([d, a, b].map((w) => w.calls.includes('reload'))).toEqual([true, true, true]);
    manager.closeSessions((name) => name === 'admin-firefox-2');
    expect([a.destroyed, b.destroyed, d.destroyed]).toEqual([true, false, false]);
    manager.closeAll();
    expect([b.destroyed, d.destroyed]).toEqual([true, true]);
  });

  it('reports load failures instead of leaving them unhandled', async () => {
    const onError = vi.fn();
    const { geometry } = await setup();
    const manager = new WindowManager({
      create: (kind, placement) => {
        const w = new FakeWindow(kind, placement);
        w.loadURL = async () => {
          throw new Error('ERR_FILE_NOT_FOUND');
        };
        return w;
      },
      geometry,
      entry: () => APP_ENTRY,
      templateOf: () => undefined,
      onError,
    });
    manager.openDashboard();
    await flush();
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'ERR_FILE_NOT_FOUND' }));
  });

  it('titles a session window with its template and state, and follows the state', async () => {
    const info: Record<string, SessionInfo> = {
      'admin-firefox-1': { displayName: 'Firefox', state: 'starting' },
    };
    const { manager } = await setup({ sessionInfo: (name) => info[name] });
    const w = manager.openSession('admin-firefox-1') as FakeWindow;
    const d = manager.openDashboard() as FakeWindow;
    info['admin-firefox-1'] = { displayName: 'Firefox', state: 'running' };
    manager.updateTitles();
    expect(w.titles).toEqual(['Firefox (starting) — StreamSpace', 'Firefox (running) — StreamSpace']);
    expect(d.titles).toEqual(['StreamSpace']);
  });

  it('reopens a template fullscreen when its last window was closed fullscreen', async () => {
    const { manager, created } = await setup();
    const w = manager.openSession('admin-firefox-1') as FakeWindow;
    w.fullscreen = true;
    w.close();
    await flush();
    manager.openSession('admin-firefox-2');
    expect(created[1]?.placement).toMatchObject({ fullscreen: true });
  });

  it('tells when the user closes the dashboard, but not when everything closes at quit', async () => {
    const onDashboardClosed = vi.fn();
    const { manager } = await setup({ onDashboardClosed });
    manager.openDashboard().close();
    expect(onDashboardClosed).toHaveBeenCalledOnce();
    manager.openDashboard();
    manager.closeAll();
    expect(onDashboardClosed).toHaveBeenCalledOnce();
  });
});

describe('windowTitle', () => {
  it('falls back to the template, then the session name', () => {
    expect(windowTitle({ kind: 'session', name: 'admin-x-1', template: 'x' })).toBe('x — StreamSpace');
    expect(windowTitle({ kind: 'session', name: 'admin-x-1', template: undefined })).toBe(
      'admin-x-1 — StreamSpace',
    );
    expect(windowTitle({ kind: 'dashboard' })).toBe('StreamSpace');
  });
});
