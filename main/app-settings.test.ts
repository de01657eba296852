import { describe, expect, it } from 'vitest';
import { createAppSettings, dashboardCloseQuits } from './app-settings';

function memoryFile(initial?: unknown) {
  const file = { content: initial as unknown, writes: 0 };
  return {
    file,
    read: async () => file.content,
    write: async (value: unknown) => {
      file.writes += 1;
      file.content = JSON.parse(JSON.stringify(value));
    },
  };
}

describe('createAppSettings', () => {
  it('keeps sessions on quit and follows the tray by default', async () => {
    const settings = await createAppSettings(memoryFile());
    expect(settings.get()).toEqual({
      version: 1,
      terminateSessionsOnQuit: false,
      closeDashboard: 'auto',
      favourites: {},
    });
  });

  it('saves changes and reads them back', async () => {
    const mem = memoryFile();
    const settings = await createAppSettings(mem);
    await settings.update({ terminateSessionsOnQuit: true, closeDashboard: 'quit' });
    const reloaded = await createAppSettings(mem);
    expect(reloaded.get()).toMatchObject({ terminateSessionsOnQuit: true, closeDashboard: 'quit' });
  });

  it('stars and unstars favourites per profile', async () => {
    const mem = memoryFile();
    const settings = await createAppSettings(mem);
    expect(await settings.toggleFavourite('local', 'firefox')).toEqual(['firefox']);
    expect(await settings.toggleFavourite('local', 'xterm')).toEqual(['firefox', 'xterm']);
    expect(await settings.toggleFavourite('local', 'firefox')).toEqual(['xterm']);
    expect(settings.favourites('work')).toEqual([]);
    expect((await createAppSettings(mem)).favourites('local')).toEqual(['xterm']);
    await expect(settings.toggleFavourite('local', '../etc')).rejects.toThrow();
  });

  it('survives a broken file, or a bad field in a good one', async () => {
    expect((await createAppSettings(memoryFile('nonsense'))).get().closeDashboard).toBe('auto');
    const partly = await createAppSettings(
      memoryFile({
        version: 1,
        terminateSessionsOnQuit: 'yes',
        closeDashboard: 'quit',
        favourites: { local: ['xterm'] },
      }),
    );
    expect(partly.get()).toMatchObject({ terminateSessionsOnQuit: false, closeDashboard: 'quit' });
    expect(partly.favourites('local')).toEqual(['xterm']);
  });
});

describe('dashboardCloseQuits', () => {
  it('keeps the app in the tray where there is one, and quits where there is none', () => {
    expect(dashboardCloseQuits('auto', true)).toBe(false);
    expect(dashboardCloseQuits('auto', false)).toBe(true);
  });

  it('lets the setting override what the tray suggests', () => {
    expect(dashboardCloseQuits('quit', true)).toBe(true);
    expect(dashboardCloseQuits('keep-running', false)).toBe(false);
  });
});
