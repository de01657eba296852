import type { CommandAction, ObservedState, SessionSpec, SessionState } from '../../protocol';
import type { SessionRow } from '../db/schema';
import type { TemplateCatalog } from '../templates/catalog';

/** What each action's outcome means for the session. */
export function outcome(action: CommandAction, ok: boolean, observed: ObservedState): SessionState {
  switch (action) {
    case 'start_session':
    case 'wake_session':
      return ok ? 'running' : 'failed';
    case 'hibernate_session':
      return ok ? 'hibernated' : observed === 'running' ? 'running' : 'failed';
    case 'stop_session':
      return ok ? 'terminated' : 'failed';
  }
}

/** Everything an agent needs to start the session; without its template, only what the row holds. */
export function specFor(catalog: TemplateCatalog, session: SessionRow): SessionSpec | null {
  const template = catalog.get(session.template);
  const base = {
    name: session.name,
    user: session.username,
    template: session.template,
    resources: { memory: session.memory, cpu: session.cpu },
    persistentHome: session.persistentHome,
    vncPassword: session.vncPassword,
  };
  if (!template) return base;
  return {
    ...base,
    ...(template.kubernetes ? { kubernetes: template.kubernetes } : {}),
    ...(template.local ? { local: template.local } : {}),
  };
}
