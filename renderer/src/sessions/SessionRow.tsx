import { useState } from 'react';
import type { SessionDto } from '../../../protocol';
import { useServices } from '../app/services-context';
import { useTemplateTitle } from '../catalog/templates-store';
import { FilesButton } from '../files/FilesButton';
import { relativeTime } from '../format/relative-time';
import { StateBadge } from './StateBadge';
import { actionLabel as labels, type RowAction, rowActions, actionStyle as styles } from './session-actions';
import { runSessionAction } from './session-commands';
import { TerminateButton } from './TerminateButton';
import { Thumbnail } from './Thumbnail';
import { useLaunchBlocked } from './useQuota';

export function SessionRow({ session, now }: { session: SessionDto; now: number }) {
  const services = useServices();
  const title = useTemplateTitle(session.template);
  const [busy, setBusy] = useState<RowAction | null>(null);
  const quota = useLaunchBlocked();
  const { name, state } = session;
  const message = session.status.message;

  async function run(action: RowAction) {
    setBusy(action);
    await runSessionAction(services, action, session);
    setBusy(null);
  }

  return (
    <li className={`session-row state-${state}`} data-testid={`session-row-${name}`} data-state={state}>
      {state === 'running' && <Thumbnail name={name} title={title} />}
      <div className="session-main">
        <div className="session-title">
          <span className="session-app">{title}</span>
          <StateBadge state={state} />
        </div>
        <div className="session-meta">
          <code className="session-name">{name}</code>
          <span aria-hidden="true">·</span>
          <time dateTime={session.createdAt} title={new Date(session.createdAt).toLocaleString()}>
            started {relativeTime(session.createdAt, now)}
          </time>
        </div>
        {message && state !== 'running' && (
          <p className={state === 'failed' ? 'session-message session-message-error' : 'session-message'}>
            {message}
          </p>
        )}
      </div>
      <div className="session-actions">
        {(state === 'running' || state === 'hibernated') && (
          <FilesButton name={name} title={title} className="btn" />
        )}
        {rowActions(state).map((action) =>
          action === 'terminate' ? (
            <TerminateButton
              key={action}
              session={session}
              title={title}
              className={styles.terminate}
              disabled={busy !== null}
              onBusy={(on) => setBusy(on ? 'terminate' : null)}
            />
          ) : (
            <button
              key={action}
              type="button"
              className={styles[action]}
              data-testid={`${action}-${name}`}
              aria-label={`${labels[action]} ${title} (${name})`}
              // Relaunch starts a session, so the quota applies to it as to Launch.
              aria-disabled={action === 'relaunch' && quota !== null}
              title={action === 'relaunch' ? (quota ?? undefined) : undefined}
              disabled={busy !== null}
              onClick={() => {
                if (action === 'relaunch' && quota !== null) return;
                void run(action);
              }}
            >
              {busy === action && action !== 'open' ? `${labels[action]}…` : labels[action]}
            </button>
          ),
        )}
      </div>
    </li>
  );
}
