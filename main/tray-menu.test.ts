import { describe, expect, it, vi } from 'vitest';
import type { SessionState } from '../protocol';
import { session, template } from './testing/fixtures';
import {
  buildTrayMenu,
  type MenuItemDescriptor,
  type TrayActions,
  type TrayState,
  terminatePrompt,
} from './tray-menu';

function fakeActions() {
  return {
    launch: vi.fn(),
    openSession: vi.fn(),
    hibernate: vi.fn(),
    wake: vi.fn(),
    terminate: vi.fn(),
    openDashboard: vi.fn(),
    switchProfile: vi.fn(),
    addProfile: vi.fn(),
    toggleFavourite: vi.fn(),
    setStartAtLogin: vi.fn(),
    quit: vi.fn(),
  } satisfies TrayActions;
}

const local = { id: 'local', name: 'Local', mode: 'local' as const };
const work = { id: 'work', name: 'Work', mode: 'remote' as const };

function state(overrides: Partial<TrayState> = {}): TrayState {
  return {
    profile: local,
    profiles: [local, work],
    connection: 'connected',
    templates: [template('firefox'), template('code', { displayName: 'VS Code' })],
    sessions: [],
    ...overrides,
  };
}

function find(items: readonly MenuItemDescriptor[], id: string): MenuItemDescriptor {
  for (const item of items) {
    if (item.id === id) return item;
    if (item.submenu) {
      try {
        return find(item.submenu, id);
      } catch {
        // keep looking in the next branch
      }
    }
  }
  throw new Error(`no item ${id}`);
}

function has(items: readonly MenuItemDescriptor[], id: string): boolean {
  try {
    find(items, id);
    return true;
  } catch {
    return false;
  }
}

describe('buildTrayMenu', () => {
  it('offers each template under Launch by category, sorted by display name, and launches by template name', () => {
    const actions = fakeActions();
    const menu = buildTrayMenu(state(), actions);
    const launch = find(menu, 'launch');
    expect(launch.enabled).toBe(true);
    expect(launch.submenu?.map((i) => i.label ?? i.type)).toEqual(['apps', 'separator', 'Favourites']);
    expect(find(menu, 'category:apps').submenu?.map((i) => i.label)).toEqual(['Firefox', 'VS Code']);
    find(menu, 'launch:code').click?.();
    expect(actions.launch).toHaveBeenCalledWith('code');
    expect(actions.launch).toHaveBeenCalledTimes(1);
  });

  it.each(['starting', 'error', 'signed_out'] as const)('disables Launch while %s', (connection) => {
    const menu = buildTrayMenu(state({ connection }), fakeActions());
    expect(find(menu, 'launch').enabled).toBe(false);
    expect(find(menu, 'launch:firefox').enabled).toBe(false);
  });

  it('greys out a template whose program is not installed, saying what to install', () => {
    const gimp = template('gimp', {
      displayName: 'GIMP',
      notInstalled: { program: 'gimp', aptPackage: 'gimp', hint: 'Install with: sudo apt install gimp' },
    });
    const actions = fakeActions();
    const menu = buildTrayMenu(state({ templates: [gimp, template('firefox')] }), actions);
    const item = find(menu, 'launch:gimp');
    expect(item).toMatchObject({ label: 'GIMP (not installed)', enabled: false });
    expect(item.toolTip).toBe('Install with: sudo apt install gimp');
    item.click?.();
    expect(actions.launch).not.toHaveBeenCalled();
    expect(find(menu, 'launch:firefox').enabled).toBe(true);
  });

  it('disables Launch when there is no template', () => {
    const menu = buildTrayMenu(state({ templates: [] }), fakeActions());
    expect(find(menu, 'launch').enabled).toBe(false);
    expect(find(menu, 'launch').submenu).toEqual([]);
  });

  it('shows the profile and the connection status, with the message when there is one', () => {
    expect(find(buildTrayMenu(state(), fakeActions()), 'status').label).toBe('Local — Connected');
    const failing = buildTrayMenu(
      state({ connection: 'error', connectionMessage: 'stack exited with code 1' }),
      fakeActions(),
    );
    expect(find(failing, 'status')).toMatchObject({
      label: 'Local — Not connected: stack exited with code 1',
      enabled: false,
    });
  });

  it('lists every session but terminated ones, labelled with the template display name and state', () => {
    const running = session('code', 'running');
    const gone = session('firefox', 'terminated');
    const unknown = session('gimp', 'pending');
    const menu = buildTrayMenu(state({ sessions: [running, gone, unknown] }), fakeActions());
    expect(find(menu, `session:${running.name}`).label).toBe('VS Code — running');
    expect(find(menu, `session:${unknown.name}`).label).toBe('gimp — pending');
    expect(has(menu, `session:${gone.name}`)).toBe(false);
  });

  it("shows a starting session's progress message, the launch's progress bar", () => {
    const starting = session('code', 'starting', {
      status: { phase: 'starting', message: 'Pulling image ghcr.io/streamspace/code:0.1.0' },
    });
    const running = session('firefox', 'running', { status: { phase: 'running', message: 'Running' } });
    const menu = buildTrayMenu(state({ sessions: [starting, running] }), fakeActions());
    expect(find(menu, `session:${starting.name}`).label).toBe(
      'VS Code — starting: Pulling image ghcr.io/streamspace/code:0.1.0',
    );
    expect(find(menu, `session:${starting.name}:progress`)).toMatchObject({ enabled: false });
    expect(find(menu, `session:${running.name}`).label).toBe('Firefox — running');
    expect(has(menu, `session:${running.name}:progress`)).toBe(false);
  });

  // Opening a hibernated session wakes it, so Open stays enabled there too.
  it.each([
    ['running', 'hibernate', 'wake'],
    ['hibernated', 'wake', 'hibernate'],
  ] as const)(
    'offers a %s session %s instead of %s, and calls each item with its name',
    (sessionState, offered, instead) => {
      const actions = fakeActions();
      const s = session('firefox', sessionState);
      const menu = buildTrayMenu(state({ sessions: [s] }), actions);
      expect(has(menu, `session:${s.name}:${instead}`)).toBe(false);
      const item = find(menu, `session:${s.name}:${offered}`);
      expect(item.enabled).toBe(true);
      item.click?.();
      expect(actions[offered]).toHaveBeenCalledWith(s.name);
      const open = find(menu, `session:${s.name}:open`);
      expect(open.enabled).toBe(true);
      open.click?.();
      expect(actions.openSession).toHaveBeenCalledWith(s.name);
      find(menu, `session:${s.name}:terminate`).click?.();
      expect(actions.terminate).toHaveBeenCalledWith(s.name);
      expect(actions[instead]).not.toHaveBeenCalled();
    },
  );

  const cases: Array<
    [SessionState, { open: boolean; hibernate?: boolean; wake?: boolean; terminate: boolean }]
  > = [
    ['pending', { open: true, hibernate: false, terminate: true }],
    ['starting', { open: true, hibernate: false, terminate: true }],
    ['running', { open: true, hibernate: true, terminate: true }],
    ['hibernating', { open: true, hibernate: false, terminate: true }],
    ['hibernated', { open: true, wake: true, terminate: true }],
    ['waking', { open: true, hibernate: false, terminate: true }],
    ['terminating', { open: false, hibernate: false, terminate: false }],
    ['failed', { open: false, hibernate: false, terminate: true }],
  ];
  it.each(cases)('enables the right session items when %s', (sessionState, expected) => {
    const s = session('firefox', sessionState);
    const menu = buildTrayMenu(state({ sessions: [s] }), fakeActions());
    expect(find(menu, `session:${s.name}:open`).enabled).toBe(expected.open);
    expect(find(menu, `session:${s.name}:terminate`).enabled).toBe(expected.terminate);
    if (expected.hibernate !== undefined) {
      expect(find(menu, `session:${s.name}:hibernate`).enabled).toBe(expected.hibernate);
    }
    if (expected.wake !== undefined) {
      expect(find(menu, `session:${s.name}:wake`).enabled).toBe(expected.wake);
    }
  });

  it('disables every session action while not connected', () => {
    const s = session('firefox', 'running');
    const menu = buildTrayMenu(state({ sessions: [s], connection: 'error' }), fakeActions());
    for (const id of ['open', 'hibernate', 'terminate']) {
      expect(find(menu, `session:${s.name}:${id}`).enabled).toBe(false);
    }
  });

  it('switches profile through radio items with the active one checked', () => {
    const actions = fakeActions();
    const menu = buildTrayMenu(state(), actions);
    const profiles = find(menu, 'profiles').submenu ?? [];
    expect(profiles.filter((p) => p.type === 'radio').map((p) => [p.label, p.checked])).toEqual([
      ['Local (this computer)', true],
      ['Work', false],
    ]);
    find(menu, 'profile:local').click?.();
    expect(actions.switchProfile).not.toHaveBeenCalled();
    find(menu, 'profile:work').click?.();
    expect(actions.switchProfile).toHaveBeenCalledWith('work');
  });

  it('opens the dashboard and quits, whatever the connection', () => {
    const actions = fakeActions();
    const menu = buildTrayMenu(state({ connection: 'signed_out' }), actions);
    expect(find(menu, 'dashboard').enabled).not.toBe(false);
    find(menu, 'dashboard').click?.();
    find(menu, 'quit').click?.();
    expect(actions.openDashboard).toHaveBeenCalledTimes(1);
    expect(actions.quit).toHaveBeenCalledTimes(1);
    expect(menu.at(-1)?.id).toBe('quit');
  });

  it('groups templates by category, with the favourites first', () => {
    const actions = fakeActions();
    const templates = [
      template('xterm', { displayName: 'Terminal', category: 'Tools' }),
      template('firefox', { category: 'Browsers' }),
      template('chromium', { category: 'Browsers' }),
      template('code', { displayName: 'VS Code', category: 'Development' }),
    ];
    const menu = buildTrayMenu(state({ templates, favourites: ['xterm', 'firefox', 'gone'] }), actions);
    expect(find(menu, 'launch').submenu?.map((i) => i.id ?? i.type)).toEqual([
      'favourite:firefox',
      'favourite:xterm',
      'separator',
      'category:Browsers',
      'category:Development',
      'category:Tools',
      'separator',
      'favourites',
    ]);
    expect(find(menu, 'category:Browsers').submenu?.map((i) => i.label)).toEqual(['Chromium', 'Firefox']);
    find(menu, 'favourite:xterm').click?.();
    expect(actions.launch).toHaveBeenCalledWith('xterm');
  });

  it('stars and unstars templates from the Favourites list', () => {
    const actions = fakeActions();
    const menu = buildTrayMenu(state({ favourites: ['code'] }), actions);
    expect(find(menu, 'favourites').submenu?.map((i) => [i.label, i.type, i.checked])).toEqual([
      ['Firefox', 'checkbox', false],
      ['VS Code', 'checkbox', true],
    ]);
    find(menu, 'favourite-toggle:firefox').click?.();
    expect(actions.toggleFavourite).toHaveBeenCalledWith('firefox');
  });

  it('says why a session failed in its label and submenu', () => {
    const failed = session('code', 'failed', {
      status: { phase: 'failed', message: 'xterm exited with code 1' },
    });
    const menu = buildTrayMenu(state({ sessions: [failed] }), fakeActions());
    expect(find(menu, `session:${failed.name}`).label).toBe('VS Code — failed: xterm exited with code 1');
    expect(find(menu, `session:${failed.name}:reason`)).toMatchObject({ enabled: false });
  });

  it('toggles start at login, showing the current setting', () => {
    const actions = fakeActions();
    const off = find(buildTrayMenu(state(), actions), 'start-at-login');
    expect(off).toMatchObject({ type: 'checkbox', checked: false });
    off.click?.();
    expect(actions.setStartAtLogin).toHaveBeenLastCalledWith(true);
    find(buildTrayMenu(state({ startAtLogin: true }), actions), 'start-at-login').click?.();
    expect(actions.setStartAtLogin).toHaveBeenLastCalledWith(false);
  });

  it('adds a server from the Profiles submenu', () => {
    const actions = fakeActions();
    const menu = buildTrayMenu(state(), actions);
    expect(find(menu, 'profiles').submenu?.at(-1)?.label).toBe('Add Server…');
    find(menu, 'profile:add').click?.();
    expect(actions.addProfile).toHaveBeenCalledOnce();
  });

  it('shows a notice under the header', () => {
    const menu = buildTrayMenu(state({ notice: 'No system keychain' }), fakeActions());
    expect(menu.slice(0, 2).map((i) => i.id)).toEqual(['status', 'notice']);
    expect(find(menu, 'notice')).toMatchObject({ label: 'No system keychain', enabled: false });
  });

  it('keeps the order the issue asks for', () => {
    const s = session('firefox', 'running');
    const ids = buildTrayMenu(state({ sessions: [s] }), fakeActions())
      .map((i) => i.id)
      .filter(Boolean);
    expect(ids).toEqual([
      'status',
      'launch',
      `session:${s.name}`,
      'dashboard',
      'profiles',
      'start-at-login',
      'quit',
    ]);
  });
});

describe('terminatePrompt', () => {
  it('names the session and says what is lost, with Terminate as the confirming button', () => {
    const scratch = session('firefox', 'running', { persistentHome: false });
    expect(terminatePrompt(scratch, 'Firefox')).toEqual({
      message: 'Terminate Firefox?',
      detail: `${scratch.name} stops and its window closes. Anything not saved elsewhere is lost.`,
      confirm: 'Terminate',
    });
    const kept = session('firefox', 'running', { persistentHome: true });
    expect(terminatePrompt(kept, 'Firefox').detail).toContain('Files in its home folder are kept.');
  });
});
