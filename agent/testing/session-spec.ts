import type { BackendCommand, SessionSpec } from '../../protocol';

/** The VNC password of sessionSpec(): tests assert that it never reaches a log. */
export const VNC_PASSWORD = 'vncpw123';

/** A session spec for agent tests: an xterm for alice; overrides replace whole fields. */
export function sessionSpec(name: string, overrides: Partial<SessionSpec> = {}): SessionSpec {
  return {
    name,
    user: 'alice',
    template: 'xterm',
    resources: { memory: '512Mi', cpu: '500m' },
    persistentHome: false,
    vncPassword: VNC_PASSWORD,
    local: { command: ['xterm'], env: {} },
    ...overrides,
  };
}

/** A backend command for one session: a start carries sessionSpec(name), a hibernate only the name. */
export function sessionCommand(
  commandId: string,
  action: 'start_session' | 'hibernate_session',
  name: string,
): BackendCommand {
  return action === 'start_session'
    ? { type: 'command', commandId, action, session: sessionSpec(name) }
    : { type: 'command', commandId, action, name };
}
