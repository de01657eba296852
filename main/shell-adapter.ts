// Electron adapter for the shell around the tray: notifications, the login item, window titles,
// favourites and what closing the dashboard does. The decisions are in notifications.ts,
// login-item.ts, app-settings.ts, tray-availability.ts and tray-menu.ts; this only wires them.
import { app, Notification } from 'electron';
import { type AppSettingsStore, dashboardCloseQuits } from './app-settings';
import { type LoginItemOptions, type OsLoginItems, setStartsAtLogin, startsAtLogin } from './login-item';
import { sessionNotifications } from './notifications';
import type { Prompt } from './security';
import { trayAvailable } from './tray-availability';
import { type TrayActions, type TrayState, terminatePrompt } from './tray-menu';
import type { Store } from './tray-store';
import type { WindowManager } from './windows';

/**
 * A native notification per session that became running or failed, or is hibernated for idleness;
 * a click opens the session's window.
 */
export function showSessionNotifications(
  store: Store<TrayState>,
  openSession: (name: string) => void,
): () => void {
  // Electron drops the click handler of a notification nobody references any more.
  const shown = new Set<Notification>();
  return store.subscribe((state, previous) => {
    if (!Notification.isSupported()) return;
    for (const item of sessionNotifications(previous, state)) {
      const notification = new Notification({ title: item.title, body: item.body });
      shown.add(notification);
      notification.on('click', () => {
        shown.delete(notification);
        openSession(item.session);
      });
      notification.on('close', () => shown.delete(notification));
      notification.show();
    }
  });
}

export const electronLoginItems: OsLoginItems = {
  get: () => app.getLoginItemSettings().openAtLogin,
  set: (enabled, args) => app.setLoginItemSettings({ openAtLogin: enabled, args: [...args] }),
};

export interface ShellDeps {
  store: Store<TrayState>;
  windows: WindowManager;
  settings: AppSettingsStore;
  /** The session actions that need no confirmation; Terminate is asked here first. */
  terminate: (name: string) => void;
  confirm: (prompt: Prompt) => Promise<boolean>;
  loginItem: LoginItemOptions;
  /** Where a server profile is added: the dashboard's Settings page, which has the form. */
  addProfile: () => void;
  log: { warn(details: object, message: string): void };
}

/**
 * The shell's part of the tray and the windows: favourites and the login item in the tray state,
 * window titles and notifications following the sessions, Terminate asked first. Returns the tray
 * actions it implements and whether closing the dashboard should quit.
 */
export async function desktopShell(deps: ShellDeps) {
  const { store, windows, settings, log } = deps;
  const display = (template: string) => store.get().templates.find((t) => t.name === template)?.displayName;
  store.set({
    favourites: settings.favourites(store.get().profile.id),
    startAtLogin: await startsAtLogin(deps.loginItem).catch(() => false),
  });
  store.subscribe((state, previous) => {
    if (state.profile.id !== previous.profile.id)
      store.set({ favourites: settings.favourites(state.profile.id) });
    if (state.sessions !== previous.sessions || state.templates !== previous.templates)
      windows.updateTitles();
  });
  showSessionNotifications(store, (name) => windows.openSession(name));
  const trayShown = await trayAvailable({ platform: process.platform, env: process.env });
  if (!trayShown) log.warn({}, 'no system tray: closing the dashboard quits');

  const actions: Pick<TrayActions, 'terminate' | 'addProfile' | 'toggleFavourite' | 'setStartAtLogin'> = {
    terminate: (name) => {
      const session = store.get().sessions.find((s) => s.name === name);
      if (!session) return;
      void deps
        .confirm(terminatePrompt(session, display(session.template) ?? session.template))
        .then((yes) => {
          if (yes) deps.terminate(name);
        });
    },
    addProfile: () => deps.addProfile(),
    toggleFavourite: (template) => {
      const profile = store.get().profile.id;
      settings
        .toggleFavourite(profile, template)
        .then((favourites) => {
          if (store.get().profile.id === profile) store.set({ favourites });
        })
        .catch((error: unknown) => log.warn({ error: String(error) }, 'favourites'));
    },
    setStartAtLogin: (enabled) => {
      setStartsAtLogin(deps.loginItem, enabled)
        .then(() => store.set({ startAtLogin: enabled }))
        .catch((error: unknown) => log.warn({ error: String(error) }, 'start at login'));
    },
  };
  return {
    actions,
    dashboardCloseQuits: () => dashboardCloseQuits(settings.get().closeDashboard, trayShown),
    sessionInfo: (name: string) => {
      const session = store.get().sessions.find((s) => s.name === name);
      return session
        ? { displayName: display(session.template) ?? session.template, state: session.state }
        : undefined;
    },
  };
}
