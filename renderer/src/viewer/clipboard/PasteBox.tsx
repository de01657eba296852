import { type CSSProperties, useEffect, useId, useRef, useState } from 'react';
import type { ViewerInput } from './viewer-input';

const PANEL_STYLE: CSSProperties = {
  position: 'absolute',
  right: 0,
  top: 'calc(100% + 6px)',
  zIndex: 20,
  width: 320,
  padding: 10,
  display: 'grid',
  gap: 8,
  background: 'var(--surface, #1b2027)',
  color: 'inherit',
  border: '1px solid rgba(255,255,255,0.15)',
  borderRadius: 8,
  boxShadow: '0 8px 24px rgba(0,0,0,0.35)',
};

/**
 * The way in for local text where the browser will not let the page read the clipboard: paste
 * it here (Ctrl+V works in this box), then put it on the session's clipboard or type it.
 */
export function PasteBox({ input }: { input: ViewerInput }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [note, setNote] = useState('');
  const boxRef = useRef<HTMLTextAreaElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (open) boxRef.current?.focus();
  }, [open]);

  const done = (ok: boolean) => {
    if (!ok) {
      setNote('Not connected: nothing was sent.');
      return;
    }
    setNote('');
    setText('');
    setOpen(false);
  };

  return (
    <div style={{ position: 'relative', display: 'inline-block' }}>
      <button
        type="button"
        className="btn btn-small btn-ghost-dark"
        data-testid="viewer-paste-toggle"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((v) => !v)}
      >
        Paste…
      </button>
      {open && (
        <div id={panelId} role="dialog" aria-label="Paste text into the session" style={PANEL_STYLE}>
          <label htmlFor={`${panelId}-text`} style={{ fontSize: 13 }}>
            Paste text here to send it to the session
          </label>
          <textarea
            id={`${panelId}-text`}
            ref={boxRef}
            data-testid="viewer-paste-text"
            rows={4}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setOpen(false);
            }}
            style={{ width: '100%', resize: 'vertical', fontFamily: 'inherit' }}
          />
          <div style={{ display: 'flex', gap: 8, justifyContent: 'flex-end' }}>
            <button
              type="button"
              className="btn btn-small"
              data-testid="viewer-paste-type"
              disabled={!text}
              onClick={() => done(input.typeText(text))}
            >
              Type it
            </button>
            <button
              type="button"
              className="btn btn-small btn-primary"
              data-testid="viewer-paste-send"
              disabled={!text}
              onClick={() => done(input.sendClipboard(text))}
            >
              Send to clipboard
            </button>
          </div>
          {note && (
            <p role="status" style={{ margin: 0, fontSize: 12 }}>
              {note}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
