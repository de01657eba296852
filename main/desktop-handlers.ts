import { AddServerRequest, type DesktopSettings, type ProfileList } from '../protocol';
import type { AppSettingsStore } from './app-settings';
import { summary } from './connection';
import { CodedError } from './errors';
import type { IpcHandlers } from './ipc';
import { LOCAL_PROFILE_ID, type Profile, type ProfileStore } from './profiles';
import type { TrayState } from './tray-menu';
import type { Store } from './tray-store';

export interface DesktopControls {
  profiles: ProfileStore;
  store: Store<TrayState>;
  switchProfile(id: string): Promise<void>;
  /** Absent where main runs without its settings file (some tests): the calls then say so. */
  settings?: Pick<AppSettingsStore, 'get' | 'update'>;
  /** The list or the active profile changed: open dashboards hear it as a push. */
  onProfilesChanged?: (list: ProfileList) => void;
}

type DesktopChannel =
  | 'profiles:list'
  | 'profiles:add'
  | 'profiles:switch'
  | 'profiles:remove'
  | 'app-settings:get'
  | 'app-settings:set';

export function profileList(profiles: ProfileStore): ProfileList {
  const info = (p: Profile) => ({ ...summary(p), ...(p.mode === 'remote' ? { url: p.url } : {}) });
  return { activeId: profiles.active().id, profiles: profiles.list().map(info) };
}

function desktopSettings(settings: DesktopControls['settings']): DesktopSettings {
  if (!settings) throw new CodedError('unavailable', 'Settings are not available here');
  const { terminateSessionsOnQuit, closeDashboard } = settings.get();
  return { terminateSessionsOnQuit, closeDashboard };
}

/** The Settings page's calls: remote profiles, and the quit and close behaviour. */
export function createDesktopHandlers(controls: DesktopControls): Pick<IpcHandlers, DesktopChannel> {
  const { profiles, store } = controls;
  const changed = () => {
    const list = profileList(profiles);
    // The tray's Profiles submenu shows the same list.
    store.set({ profiles: profiles.list().map(summary) });
    controls.onProfilesChanged?.(list);
    return list;
  };
  return {
    'profiles:list': () => profileList(profiles),
    'profiles:add': async (request) => {
      const { url, name } = AddServerRequest.parse(request);
      const existing = profiles.list().find((p) => p.mode === 'remote' && p.url === url);
      const profile = existing ?? (await profiles.add({ url, name: name ?? new URL(url).host }));
      await controls.switchProfile(profile.id);
      return changed();
    },
    'profiles:switch': async ({ id }) => {
      if (!profiles.get(id)) throw new CodedError('not_found', `No profile ${id}`);
      await controls.switchProfile(id);
      return changed();
    },
    'profiles:remove': async ({ id }) => {
      if (id === LOCAL_PROFILE_ID) throw new CodedError('invalid_request', 'The local profile stays');
      if (!profiles.get(id)) throw new CodedError('not_found', `No profile ${id}`);
      // Off it first: the connection must not keep talking to a server the user removed.
      if (profiles.active().id === id) await controls.switchProfile(LOCAL_PROFILE_ID);
      await profiles.remove(id);
      return changed();
    },
    'app-settings:get': () => desktopSettings(controls.settings),
    'app-settings:set': async (patch) => {
      desktopSettings(controls.settings);
      await controls.settings?.update(patch);
      return desktopSettings(controls.settings);
    },
  };
}
