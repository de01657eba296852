import { useEffect, useRef } from 'react';

/** The app's own shortcuts. Few on purpose: while the session has the keyboard, every key is its. */
export const SHORTCUTS: readonly { keys: string; what: string }[] = [
  {
    keys: 'Click the desktop',
    what: 'Give the keyboard to the session: every key then goes to it, Tab and Esc too.',
  },
  { keys: 'Click the toolbar', what: 'Take the keyboard back from the session.' },
  { keys: '?', what: 'Show this help (while the session does not have the keyboard).' },
  { keys: 'Esc', what: 'Close this help or a toolbar menu.' },
  { keys: 'Tab, Shift+Tab', what: 'Move between the toolbar’s controls.' },
  { keys: 'Pointer to the top edge', what: 'Show the toolbar when it has hidden itself.' },
  { keys: 'Keys menu', what: 'Send Ctrl+Alt+Del, Ctrl+Alt+F1…F12, Super and others the local system keeps.' },
];

/** A modal list of the viewer's shortcuts; Escape or Close ends it and focus goes back. */
export function HelpOverlay({ onClose }: { onClose: () => void }) {
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeRef.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.stopPropagation();
      onClose();
    };
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      before?.focus({ preventScroll: true });
    };
  }, [onClose]);

  return (
    <div className="viewer-help-backdrop">
      <div
        className="viewer-help"
        role="dialog"
        aria-modal="true"
        aria-labelledby="viewer-help-title"
        data-testid="viewer-help"
      >
        <h2 id="viewer-help-title">Viewer shortcuts</h2>
        <dl>
          {SHORTCUTS.map((s) => (
            <div key={s.keys} className="viewer-help-row">
              <dt>
                <kbd>{s.keys}</kbd>
              </dt>
              <dd>{s.what}</dd>
            </div>
          ))}
        </dl>
        <button
          ref={closeRef}
          type="button"
          className="btn btn-primary"
          onClick={onClose}
          data-testid="viewer-help-close"
        >
          Close
        </button>
      </div>
    </div>
  );
}
