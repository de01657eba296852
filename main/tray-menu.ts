import { allowedActions, type SessionAction, type SessionDto, type TemplateDto } from '../protocol';

export type ProfileMode = 'local' | 'remote';
export type ConnectionStatus = 'starting' | 'connected' | 'error' | 'signed_out';

export interface ProfileSummary {
  id: string;
  name: string;
  mode: ProfileMode;
}

export interface TrayState {
  profile: ProfileSummary;
  profiles: readonly ProfileSummary[];
  connection: ConnectionStatus;
  connectionMessage?: string;
  templates: readonly TemplateDto[];
  sessions: readonly SessionDto[];
}

export interface TrayActions {
  launch(template: string): void;
  openSession(name: string): void;
  hibernate(name: string): void;
  wake(name: string): void;
  terminate(name: string): void;
  openDashboard(): void;
  switchProfile(id: string): void;
  quit(): void;
}

/**
 * The subset of Electron's MenuItemConstructorOptions the tray uses, declared here so the menu can be
 * built and tested without loading Electron; it stays structurally assignable to the real type.
 */
export interface MenuItemDescriptor {
  id?: string;
  label?: string;
  type?: 'normal' | 'separator' | 'submenu' | 'checkbox' | 'radio';
  enabled?: boolean;
  checked?: boolean;
  toolTip?: string;
  submenu?: MenuItemDescriptor[];
  click?: () => void;
}

const separator: MenuItemDescriptor = { type: 'separator' };

const connectionLabels: Record<ConnectionStatus, string> = {
  starting: 'Connecting…',
  connected: 'Connected',
  error: 'Not connected',
  signed_out: 'Signed out',
};

const STARTING_STATES = new Set<SessionDto['state']>(['pending', 'starting', 'waking']);

function sessionMenu(
  session: SessionDto,
  displayName: string,
  connected: boolean,
  actions: TrayActions,
): MenuItemDescriptor {
  const { name, state } = session;
  // The one session-action policy, shared with the backend's 409s and the dashboard.
  const allowed = allowedActions(state);
  const can = (action: SessionAction) => connected && allowed.includes(action);
  const items: MenuItemDescriptor[] = [
    {
      id: `session:${name}:open`,
      label: 'Open',
      enabled: can('open'),
      click: () => actions.openSession(name),
    },
    // One slot for the pair: Wake where the policy allows waking, Hibernate otherwise.
    allowed.includes('wake')
      ? { id: `session:${name}:wake`, label: 'Wake', enabled: can('wake'), click: () => actions.wake(name) }
      : {
          id: `session:${name}:hibernate`,
          label: 'Hibernate',
          enabled: can('hibernate'),
          click: () => actions.hibernate(name),
        },
  ];
  items.push(separator, {
    id: `session:${name}:terminate`,
    label: 'Terminate',
    enabled: can('terminate'),
    click: () => actions.terminate(name),
  });
  // While a session starts, its message is the launch's progress ("Pulling image …").
  const progress = STARTING_STATES.has(state) ? session.status.message.slice(0, 80) : '';
  if (progress) items.unshift({ id: `session:${name}:progress`, label: progress, enabled: false }, separator);
  return {
    id: `session:${name}`,
    label: progress ? `${displayName} — ${state}: ${progress}` : `${displayName} — ${state}`,
    toolTip: name,
    type: 'submenu',
    submenu: items,
  };
}

/** The whole tray menu as a pure function of state, so every change can simply rebuild it. */
export function buildTrayMenu(state: TrayState, actions: TrayActions): MenuItemDescriptor[] {
  const connected = state.connection === 'connected';
  const displayNames = new Map(state.templates.map((t) => [t.name, t.displayName]));
  const templates = [...state.templates].sort((a, b) => a.displayName.localeCompare(b.displayName));
  const sessions = state.sessions
    .filter((s) => s.state !== 'terminated')
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));

  const status = state.connectionMessage
    ? `${connectionLabels[state.connection]}: ${state.connectionMessage}`
    : connectionLabels[state.connection];

  const menu: MenuItemDescriptor[] = [
    { id: 'status', label: `${state.profile.name} — ${status}`, enabled: false },
    separator,
    {
      id: 'launch',
      label: 'Launch',
      type: 'submenu',
      enabled: connected && templates.length > 0,
      submenu: templates.map((t) => ({
        id: `launch:${t.name}`,
        label: t.displayName,
        toolTip: t.description || undefined,
        enabled: connected,
        click: () => actions.launch(t.name),
      })),
    },
  ];

  if (sessions.length > 0) {
    menu.push(separator);
    for (const session of sessions) {
      menu.push(
        sessionMenu(session, displayNames.get(session.template) ?? session.template, connected, actions),
      );
    }
  }

  menu.push(
    separator,
    { id: 'dashboard', label: 'Open dashboard', click: () => actions.openDashboard() },
    {
      id: 'profiles',
      label: 'Profile',
      type: 'submenu',
      submenu: state.profiles.map((p) => ({
        id: `profile:${p.id}`,
        label: p.mode === 'local' ? `${p.name} (this computer)` : p.name,
        type: 'radio',
        checked: p.id === state.profile.id,
        // Re-selecting the active profile would tear down a working connection for nothing.
        click: () => {
          if (p.id !== state.profile.id) actions.switchProfile(p.id);
        },
      })),
    },
    separator,
    { id: 'quit', label: 'Quit StreamSpace', click: () => actions.quit() },
  );
  return menu;
}
