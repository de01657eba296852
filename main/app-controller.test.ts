import { afterEach, describe, expect, it, vi } from 'vitest';
import { connected, setup, teardown, until } from './testing/controller-harness';

afterEach(teardown);

describe('AppController tray actions', () => {
  it('runs tray actions against the backend and refreshes the tray', async () => {
    const { controller, store, local, hooks } = await setup();
    await controller.start();
    await until(store, connected);
    const actions = controller.sessionActions();
    actions.launch('firefox');
    const launched = await until(store, (s) => s.sessions.length === 1);
    expect(hooks.onSessionLaunched).toHaveBeenCalledWith(expect.objectContaining({ template: 'firefox' }));
    const name = launched.sessions[0]!.name;
    local.update(name, { state: 'running' });
    await until(store, (s) => s.sessions[0]?.state === 'running');
    actions.hibernate(name);
    await until(store, (s) => s.sessions[0]?.state === 'hibernating');
    actions.hibernate(name);
    await vi.waitFor(() =>
      expect(hooks.notify).toHaveBeenCalledWith('Could not hibernate the session', 'Session is hibernating'),
    );
    actions.terminate(name);
    await until(store, (s) => s.sessions[0]?.state === 'terminating');
    await controller.shutdown();
  });

  it('says so when a tray action runs before any server is known', async () => {
    const { controller, hooks } = await setup();
    controller.sessionActions().wake('admin-firefox-1');
    expect(hooks.notify).toHaveBeenCalledWith('Could not wake the session', 'Not connected');
  });
});
