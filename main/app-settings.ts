import { z } from 'zod';
import { TemplateName } from '../protocol';

/**
 * What closing the dashboard does. `auto`: keep running in the tray where there is one, quit where
 * there is none, since a trayless app with no window could only be ended from a terminal.
 */
export const DashboardClose = z.enum(['auto', 'keep-running', 'quit']);
export type DashboardClose = z.infer<typeof DashboardClose>;

const SettingsFile = z.object({
  version: z.literal(1),
  /** Default off: sessions keep running, and the next start adopts them. */
  terminateSessionsOnQuit: z.boolean().catch(false),
  closeDashboard: DashboardClose.catch('auto'),
  /** Per profile id: templates differ from one server to the next. */
  favourites: z.record(z.string(), z.array(TemplateName).max(500)).catch({}),
});
export type AppSettings = z.infer<typeof SettingsFile>;

const DEFAULTS: AppSettings = {
  version: 1,
  terminateSessionsOnQuit: false,
  closeDashboard: 'auto',
  favourites: {},
};

export interface AppSettingsStore {
  get(): AppSettings;
  update(
    patch: Partial<Pick<AppSettings, 'terminateSessionsOnQuit' | 'closeDashboard'>>,
  ): Promise<AppSettings>;
  favourites(profileId: string): readonly string[];
  /** Stars or unstars; returns the profile's favourites after. */
  toggleFavourite(profileId: string, template: string): Promise<readonly string[]>;
}

export async function createAppSettings(file: {
  read(): Promise<unknown>;
  write(value: AppSettings): Promise<void>;
}): Promise<AppSettingsStore> {
  const parsed = SettingsFile.safeParse(await file.read());
  // A broken file costs the user their settings, never the app start.
  let settings: AppSettings = parsed.success ? parsed.data : { ...DEFAULTS };
  const save = async (next: AppSettings) => {
    settings = next;
    await file.write(next);
    return next;
  };
  return {
    get: () => settings,
    update: (patch) => save({ ...settings, ...patch }),
    favourites: (profileId) => settings.favourites[profileId] ?? [],
    async toggleFavourite(profileId, template) {
      const name = TemplateName.parse(template);
      const current = settings.favourites[profileId] ?? [];
      const next = current.includes(name) ? current.filter((t) => t !== name) : [...current, name];
      await save({ ...settings, favourites: { ...settings.favourites, [profileId]: next } });
      return next;
    },
  };
}

/** Whether closing the dashboard quits the app. */
export function dashboardCloseQuits(setting: DashboardClose, trayAvailable: boolean): boolean {
  if (setting === 'auto') return !trayAvailable;
  return setting === 'quit';
}
