import { type RefObject, useCallback, useEffect, useRef } from 'react';
import { useServices } from '../../app/services-context';
import { activityDue } from './idle-activity';
import { useIdleWarnings } from './idle-warnings-store';

const INPUT_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel'] as const;

/**
 * Tells the server when the session in the viewer is used (a key, a click, a pointer move), so
 * idle hibernation counts input rather than an open window. Listens in the capture phase: noVNC
 * stops the events it takes at the canvas. Returns the report itself, for a "keep it" button.
 */
export function useInputActivity(name: string, stageRef: RefObject<HTMLElement | null>): () => void {
  const { api } = useServices();
  const sent = useRef<{ at: number | null; busy: boolean }>({ at: null, busy: false });

  const report = useCallback(() => {
    const warned = name in useIdleWarnings.getState().hibernateAt;
    const state = sent.current;
    if (state.busy || !activityDue(Date.now(), state.at, warned)) return;
    state.busy = true;
    state.at = Date.now();
    api
      .reportActivity({ params: { name } })
      .then(
        () => useIdleWarnings.getState().clear(name),
        // Missing one report costs nothing: the next input sends another.
        () => undefined,
      )
      .finally(() => {
        state.busy = false;
      });
  }, [api, name]);

  useEffect(() => {
    const stage = stageRef.current;
    if (!stage) return;
    for (const type of INPUT_EVENTS) stage.addEventListener(type, report, { capture: true, passive: true });
    return () => {
      for (const type of INPUT_EVENTS) stage.removeEventListener(type, report, { capture: true });
    };
  }, [report, stageRef]);

  return report;
}
