import { useEffect } from 'react';
import { useServices } from '../app/services-context';
import { useTemplates } from '../catalog/templates-store';
import { useNotices } from '../ui/notices-store';
import { launchOutcomes, launchToastKey } from './launch-outcomes';
import { useSessions } from './sessions-store';

const titleOf = (template: string) =>
  useTemplates.getState().templates.find((t) => t.name === template)?.displayName ?? template;

/**
 * Tells the user when a session they launched is ready. It deliberately does not open it: a
 * window popping up seconds after a click is jarring, and the user may have moved on.
 */
export function useLaunchNotices(): void {
  const { bridge } = useServices();
  useEffect(
    () =>
      useSessions.subscribe((state) => {
        for (const { session, outcome } of launchOutcomes(state.launched, state)) {
          state.settleLaunch(session.name);
          const title = titleOf(session.template);
          if (outcome === 'ready') {
            useNotices.getState().toast({
              tone: 'success',
              message: `${title} is ready.`,
              key: launchToastKey(session.name),
              action: {
                label: 'Open',
                run: () => void bridge.openSession(session.name).catch(() => undefined),
              },
            });
          } else {
            const reason = session.status.message ? `: ${session.status.message}` : '.';
            useNotices.getState().toast({
              tone: 'error',
              message: `${title} did not start${reason}`,
              key: launchToastKey(session.name),
            });
          }
        }
      }),
    [bridge],
  );
}
