import { type RefObject, useEffect, useRef, useState } from 'react';
import { type AutoHide, createAutoHide } from './auto-hide';

/**
 * Whether the viewer's bar shows: always while the stream is not up (it carries the state and
 * the buttons that help) or a menu is open, else per auto-hide.ts. The pointer is watched in the
 * capture phase, since noVNC stops the canvas's own events.
 */
export function useToolbarAutoHide(
  barRef: RefObject<HTMLElement | null>,
  connected: boolean,
  menuOpen: boolean,
): boolean {
  const [visible, setVisible] = useState(true);
  const hideRef = useRef<AutoHide | null>(null);

  useEffect(() => {
    const hide = createAutoHide({ onChange: setVisible });
    hideRef.current = hide;
    setVisible(true);
    const onMove = (event: PointerEvent) => hide.pointerAt(event.clientY);
    const onOut = (event: PointerEvent) => {
      if (event.relatedTarget === null) hide.pointerLeft();
    };
    const onFocus = () => hide.focusWithin(barRef.current?.contains(document.activeElement) ?? false);
    const onFocusOut = () => queueMicrotask(onFocus);
    window.addEventListener('pointermove', onMove, true);
    document.addEventListener('pointerout', onOut, true);
    document.addEventListener('focusin', onFocus, true);
    document.addEventListener('focusout', onFocusOut, true);
    return () => {
      window.removeEventListener('pointermove', onMove, true);
      document.removeEventListener('pointerout', onOut, true);
      document.removeEventListener('focusin', onFocus, true);
      document.removeEventListener('focusout', onFocusOut, true);
      hide.dispose();
      if (hideRef.current === hide) hideRef.current = null;
    };
  }, [barRef]);

  useEffect(() => hideRef.current?.hold(!connected || menuOpen), [connected, menuOpen]);

  return visible;
}
