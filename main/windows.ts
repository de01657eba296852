import type { SessionState } from '../protocol';
import { dashboardUrl, settingsUrl, viewerUrl } from './app-protocol';
import type { GeometryStore, Rect, WindowPlacement } from './window-geometry';

/** What the manager needs of a BrowserWindow; tests pass a fake. */
export interface ManagedWindow {
  loadURL(url: string): Promise<void>;
  show(): void;
  focus(): void;
  isMinimized(): boolean;
  restore(): void;
  isDestroyed(): boolean;
  getNormalBounds(): Rect;
  isFullScreen(): boolean;
  setTitle(title: string): void;
  reload(): void;
  close(): void;
  once(event: 'close' | 'closed', listener: () => void): unknown;
}

export type WindowKind =
  | { kind: 'dashboard' }
  | { kind: 'session'; name: string; template: string | undefined };

/** `title` is the first title; the manager keeps it current as the session's state changes. */
export type WindowFactory = (kind: WindowKind, placement: WindowPlacement, title: string) => ManagedWindow;

/** What a session window's title says about its session. */
export interface SessionInfo {
  displayName: string;
  state?: SessionState;
}

/** The template and the state, so a window in the task bar tells what it holds and whether it runs. */
export function windowTitle(kind: WindowKind, info?: SessionInfo): string {
  if (kind.kind === 'dashboard') return 'StreamSpace';
  const name = info?.displayName ?? kind.template ?? kind.name;
  return info?.state ? `${name} (${info.state}) — StreamSpace` : `${name} — StreamSpace`;
}

export interface WindowManagerOptions {
  create: WindowFactory;
  geometry: GeometryStore;
  /** The renderer entry: app://streamspace/index.html, or the dev server. */
  entry: () => string;
  /** The template of a session, for its remembered geometry. */
  templateOf: (session: string) => string | undefined;
  /** The display name and state of a session, for its window's title. */
  sessionInfo?: (session: string) => SessionInfo | undefined;
  /** The user closed the dashboard (not a profile switch or quit closing it). */
  onDashboardClosed?: () => void;
  /** Page loads and geometry writes fail in the background; this hears about it. */
  onError?: (error: unknown) => void;
}

/** Not a valid template name, so it cannot collide with one. */
export const DASHBOARD_GEOMETRY_KEY = '#dashboard';

/**
 * One dashboard and one window per session, reused when asked again. Closing a window only closes
 * the viewer; the session keeps running until the user terminates it.
 */
export class WindowManager {
  private dashboard: ManagedWindow | null = null;
  private readonly sessions = new Map<string, ManagedWindow>();
  private closingAll = false;

  constructor(private readonly options: WindowManagerOptions) {}

  /** `settings` opens on the Settings page, where the tray's "Add Server…" leads. */
  openDashboard(page: 'main' | 'settings' = 'main'): ManagedWindow {
    const url = (page === 'settings' ? settingsUrl : dashboardUrl)(this.options.entry());
    if (this.dashboard && !this.dashboard.isDestroyed()) {
      // Only a hash change: the page follows it without a reload, keeping its sign-in and state.
      if (page === 'settings') this.dashboard.loadURL(url).catch((e: unknown) => this.options.onError?.(e));
      return this.reveal(this.dashboard);
    }
    const window = this.open({ kind: 'dashboard' }, DASHBOARD_GEOMETRY_KEY, url);
    this.dashboard = window;
    window.once('closed', () => {
      if (this.dashboard === window) this.dashboard = null;
      if (!this.closingAll) this.options.onDashboardClosed?.();
    });
    return window;
  }

  openSession(name: string, template = this.options.templateOf(name)): ManagedWindow {
    const existing = this.sessions.get(name);
    if (existing && !existing.isDestroyed()) return this.reveal(existing);
    const window = this.open(
      { kind: 'session', name, template },
      template,
      viewerUrl(this.options.entry(), name),
    );
    this.sessions.set(name, window);
    window.once('closed', () => {
      if (this.sessions.get(name) === window) this.sessions.delete(name);
    });
    return window;
  }

  openSessionNames(): string[] {
    return [...this.sessions.keys()];
  }

  /** After a state change: each session window's title follows its session. */
  updateTitles(): void {
    for (const [name, window] of this.sessions) {
      if (window.isDestroyed()) continue;
      window.setTitle(
        windowTitle(
          { kind: 'session', name, template: this.options.templateOf(name) },
          this.options.sessionInfo?.(name),
        ),
      );
    }
  }

  /** Sessions of one control plane mean nothing on another: a profile switch closes their windows. */
  closeSessions(except: (name: string) => boolean = () => false): void {
    for (const [name, window] of this.sessions) {
      if (!except(name) && !window.isDestroyed()) window.close();
    }
  }

  /** The control plane moved (new port after a stack restart): windows reload to pick up the new URL. */
  reloadAll(): void {
    for (const window of this.all()) window.reload();
  }

  /** Quit: closes everything without counting as the user closing the dashboard. */
  closeAll(): void {
    this.closingAll = true;
    try {
      for (const window of this.all()) window.close();
    } finally {
      this.closingAll = false;
    }
  }

  private all(): ManagedWindow[] {
    const windows = [...this.sessions.values()];
    if (this.dashboard) windows.push(this.dashboard);
    return windows.filter((w) => !w.isDestroyed());
  }

  private open(kind: WindowKind, geometryKey: string | undefined, url: string): ManagedWindow {
    // A session of an unknown template gets the default size: '#' keys never hold saved bounds.
    const placement = this.options.geometry.placementFor(geometryKey ?? '#unknown-template');
    const info = kind.kind === 'session' ? this.options.sessionInfo?.(kind.name) : undefined;
    const window = this.options.create(kind, placement, windowTitle(kind, info));
    if (geometryKey) {
      // Normal bounds, so a window closed while maximised or fullscreen comes back at its restored size.
      window.once('close', () => {
        void this.options.geometry
          .remember(geometryKey, window.getNormalBounds(), window.isFullScreen())
          .catch(this.options.onError);
      });
    }
    window.loadURL(url).catch((error: unknown) => this.options.onError?.(error));
    return window;
  }

  private reveal(window: ManagedWindow): ManagedWindow {
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
    return window;
  }
}
