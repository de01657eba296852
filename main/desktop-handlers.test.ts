import { afterEach, describe, expect, it } from 'vitest';
import { connected, setup, teardown, until } from './testing/controller-harness';

afterEach(teardown);

describe('Settings page IPC: profiles', () => {
  it('adds a remote profile by URL, switches to it, and tells the tray and the pages', async () => {
    const { controller, store, remote, hooks } = await setup();
    await controller.start();
    await until(store, connected);
    const handlers = controller.ipcHandlers(() => {});
    // Another name for the remote fake: a URL no profile has yet.
    const url = remote.baseUrl.replace('127.0.0.1', 'localhost');
    const list = await handlers['profiles:add']({ url: `${url}/` });
    const added = list.profiles.find((p) => p.id === list.activeId);
    expect(added).toMatchObject({ mode: 'remote', url, name: new URL(url).host });
    expect(added?.id).not.toBe('work');
    await until(store, (s) => s.profile.id === added?.id && s.connection === 'signed_out');
    expect(store.get().profiles.map((p) => p.id)).toContain(added?.id);
    expect(hooks.onProfilesChanged).toHaveBeenLastCalledWith(list);
    await expect(handlers['server:get'](undefined)).resolves.toEqual({ baseUrl: url, mode: 'remote' });
  });

  it('reuses a profile already on that URL instead of adding a twin', async () => {
    const { controller, remote } = await setup();
    await controller.start();
    const list = await controller
      .ipcHandlers(() => {})
      ['profiles:add']({ url: remote.baseUrl, name: 'Again' });
    expect(list.activeId).toBe('work');
    expect(list.profiles).toHaveLength(2);
  });

  it('refuses a URL that would send passwords in clear', async () => {
    const { controller } = await setup();
    await expect(
      controller.ipcHandlers(() => {})['profiles:add']({ url: 'http://work.example.com' }),
    ).rejects.toMatchObject({ name: 'ZodError' });
  });

  it('switches, and removes the active profile by going back to the local one first', async () => {
    const { controller, store, profiles } = await setup();
    await controller.start();
    const handlers = controller.ipcHandlers(() => {});
    expect((await handlers['profiles:switch']({ id: 'work' })).activeId).toBe('work');
    await until(store, (s) => s.profile.id === 'work');
    const after = await handlers['profiles:remove']({ id: 'work' });
    expect(after).toEqual({ activeId: 'local', profiles: [{ id: 'local', name: 'Local', mode: 'local' }] });
    expect(profiles.get('work')).toBeUndefined();
    await until(store, (s) => s.profile.id === 'local' && s.profiles.length === 1);
    await expect(handlers['profiles:remove']({ id: 'local' })).rejects.toMatchObject({
      code: 'invalid_request',
    });
    await expect(handlers['profiles:switch']({ id: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('Settings page IPC: quit and close behaviour', () => {
  it('reads and patches the two settings, keeping the rest of the file', async () => {
    const { controller, appSettings } = await setup();
    const handlers = controller.ipcHandlers(() => {});
    await appSettings.toggleFavourite('local', 'firefox');
    expect(await handlers['app-settings:get'](undefined)).toEqual({
      terminateSessionsOnQuit: false,
      closeDashboard: 'auto',
    });
    expect(await handlers['app-settings:set']({ terminateSessionsOnQuit: true })).toEqual({
      terminateSessionsOnQuit: true,
      closeDashboard: 'auto',
    });
    await handlers['app-settings:set']({ closeDashboard: 'quit' });
    expect(appSettings.get()).toMatchObject({
      terminateSessionsOnQuit: true,
      closeDashboard: 'quit',
      favourites: { local: ['firefox'] },
    });
  });
});
