import { allowedActions, type SessionAction, type SessionDto, type TemplateDto } from '../protocol';
import type { Prompt } from './security';

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
  /** Template names the user starred on this profile, shown first under Launch. */
  favourites?: readonly string[];
  startAtLogin?: boolean;
  /** Something the user must know that is not about the connection: no keychain, say. */
  notice?: string;
}

export interface TrayActions {
  launch(template: string): void;
  openSession(name: string): void;
  hibernate(name: string): void;
  wake(name: string): void;
  terminate(name: string): void;
  openDashboard(): void;
  switchProfile(id: string): void;
  /** Opens where a server profile is added. */
  addProfile(): void;
  toggleFavourite(template: string): void;
  setStartAtLogin(enabled: boolean): void;
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
  // A failed session says why, so the user can tell a crash from a refused start before terminating it.
  const reason = state === 'failed' ? session.status.message.slice(0, 80) : '';
  if (reason) items.unshift({ id: `session:${name}:reason`, label: reason, enabled: false }, separator);
  const detail = progress || reason;
  return {
    id: `session:${name}`,
    label: detail ? `${displayName} — ${state}: ${detail}` : `${displayName} — ${state}`,
    toolTip: name,
    type: 'submenu',
    submenu: items,
  };
}

/** The whole tray menu as a pure function of state, so every change can simply rebuild it. */
export function buildTrayMenu(state: TrayState, actions: TrayActions): MenuItemDescriptor[] {
  const connected = state.connection === 'connected';
  const displayNames = new Map(state.templates.map((t) => [t.name, t.displayName]));
  const sessions = state.sessions
    .filter((s) => s.state !== 'terminated')
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));

  const status = state.connectionMessage
    ? `${connectionLabels[state.connection]}: ${state.connectionMessage}`
    : connectionLabels[state.connection];

  const menu: MenuItemDescriptor[] = [
    { id: 'status', label: `${state.profile.name} — ${status}`, enabled: false },
    separator,
    launchMenu(state, connected, actions),
  ];
  if (state.notice) menu.splice(1, 0, { id: 'notice', label: state.notice.slice(0, 120), enabled: false });

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
    { id: 'dashboard', label: 'Open Dashboard', click: () => actions.openDashboard() },
    {
      id: 'profiles',
      label: 'Profiles',
      type: 'submenu',
      submenu: [
        ...state.profiles.map(
          (p): MenuItemDescriptor => ({
            id: `profile:${p.id}`,
            label: p.mode === 'local' ? `${p.name} (this computer)` : p.name,
            type: 'radio',
            checked: p.id === state.profile.id,
            // Re-selecting the active profile would tear down a working connection for nothing.
            click: () => {
              if (p.id !== state.profile.id) actions.switchProfile(p.id);
            },
          }),
        ),
        separator,
        { id: 'profile:add', label: 'Add Server…', click: () => actions.addProfile() },
      ],
    },
    {
      id: 'start-at-login',
      label: 'Start at Login',
      type: 'checkbox',
      checked: state.startAtLogin === true,
      click: () => actions.setStartAtLogin(state.startAtLogin !== true),
    },
    separator,
    { id: 'quit', label: 'Quit StreamSpace', click: () => actions.quit() },
  );
  return menu;
}

const byDisplayName = (a: TemplateDto, b: TemplateDto) => a.displayName.localeCompare(b.displayName);

function launchItem(
  t: TemplateDto,
  id: string,
  connected: boolean,
  actions: TrayActions,
): MenuItemDescriptor {
  // A launch the backend would refuse: greyed out, saying what to install instead.
  if (t.notInstalled) {
    return {
      id,
      label: `${t.displayName} (not installed)`,
      toolTip: t.notInstalled.hint,
      enabled: false,
      click: () => undefined,
    };
  }
  return {
    id,
    label: t.displayName,
    toolTip: t.description || undefined,
    enabled: connected,
    click: () => actions.launch(t.name),
  };
}

/**
 * Launch ▸ the favourites first, then one submenu per category, then the list that stars them:
 * a native menu item has only the one click, so starring needs an item of its own.
 */
function launchMenu(state: TrayState, connected: boolean, actions: TrayActions): MenuItemDescriptor {
  const templates = [...state.templates].sort(byDisplayName);
  const starred = new Set(state.favourites ?? []);
  const favourites = templates.filter((t) => starred.has(t.name));
  const categories = [...new Set(templates.map((t) => t.category))].sort((a, b) => a.localeCompare(b));
  const submenu: MenuItemDescriptor[] = favourites.map((t) =>
    launchItem(t, `favourite:${t.name}`, connected, actions),
  );
  if (favourites.length > 0) submenu.push(separator);
  for (const category of categories) {
    submenu.push({
      id: `category:${category}`,
      label: category,
      type: 'submenu',
      submenu: templates
        .filter((t) => t.category === category)
        .map((t) => launchItem(t, `launch:${t.name}`, connected, actions)),
    });
  }
  if (templates.length > 0) {
    submenu.push(separator, {
      id: 'favourites',
      label: 'Favourites',
      type: 'submenu',
      submenu: templates.map((t) => ({
        id: `favourite-toggle:${t.name}`,
        label: t.displayName,
        type: 'checkbox',
        checked: starred.has(t.name),
        click: () => actions.toggleFavourite(t.name),
      })),
    });
  }
  return {
    id: 'launch',
    label: 'Launch',
    type: 'submenu',
    enabled: connected && templates.length > 0,
    submenu,
  };
}

/** Asked before Terminate: it ends the app inside and, without a persistent home, its files. */
export function terminatePrompt(session: SessionDto, displayName: string): Prompt {
  return {
    message: `Terminate ${displayName}?`,
    detail: session.persistentHome
      ? `${session.name} stops and its window closes. Files in its home folder are kept.`
      : `${session.name} stops and its window closes. Anything not saved elsewhere is lost.`,
    confirm: 'Terminate',
  };
}
