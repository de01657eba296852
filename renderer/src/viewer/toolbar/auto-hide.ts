/** How long the toolbar stays after the pointer leaves it or focus moves away. */
export const AUTO_HIDE_MS = 3_000;
/** The pointer this close to the top edge brings the toolbar back. */
export const REVEAL_EDGE_PX = 48;

export interface AutoHideDeps {
  delayMs?: number;
  onChange: (visible: boolean) => void;
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

export interface AutoHide {
  readonly visible: boolean;
  /** The pointer moved over the viewer, `y` px below its top edge. */
  pointerAt(y: number): void;
  /** The pointer left the viewer (for the window's edge, or another window). */
  pointerLeft(): void;
  /** Keyboard focus entered or left the toolbar: it stays while it has focus. */
  focusWithin(inside: boolean): void;
  /** A menu or dialog of the toolbar is open, or the viewer is not connected: it stays. */
  hold(held: boolean): void;
  /** Shows it for one delay, as when the stream (re)connects. */
  reveal(): void;
  dispose(): void;
}

/**
 * When the viewer's toolbar shows: while the pointer is near the top edge, while it holds keyboard
 * focus or an open menu, and for a few seconds after the last of these ends.
 */
export function createAutoHide(deps: AutoHideDeps): AutoHide {
  const delay = deps.delayMs ?? AUTO_HIDE_MS;
  const setTimer = deps.setTimer ?? ((run, ms) => setTimeout(run, ms));
  const clearTimer = deps.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
  let visible = true;
  let near = false;
  let focused = false;
  let held = false;
  let timer: unknown;
  let disposed = false;

  const set = (next: boolean) => {
    if (disposed || next === visible) return;
    visible = next;
    deps.onChange(next);
  };
  const cancel = () => {
    if (timer !== undefined) clearTimer(timer);
    timer = undefined;
  };
  /** Shown now; hidden after the delay unless something keeps it. */
  const update = () => {
    cancel();
    set(true);
    if (near || focused || held) return;
    timer = setTimer(() => {
      timer = undefined;
      set(false);
    }, delay);
  };

  update();
  return {
    get visible() {
      return visible;
    },
    pointerAt(y) {
      const wasNear = near;
      near = y <= REVEAL_EDGE_PX;
      // Moving about the desktop itself neither shows it nor restarts the countdown.
      if (near !== wasNear || near) update();
    },
    pointerLeft() {
      if (!near) return;
      near = false;
      update();
    },
    focusWithin(inside) {
      focused = inside;
      update();
    },
    hold(next) {
      held = next;
      update();
    },
    reveal: update,
    dispose() {
      cancel();
      disposed = true;
    },
  };
}
