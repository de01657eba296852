import { useId, useState } from 'react';
import { useModalDialog } from '../ui/useModalDialog';
import './files.css';
import { FilesPanel } from './FilesPanel';

/**
 * "Files": opens the session's files panel in a modal dialog; the viewer's bar and the
 * dashboard's session row both carry one.
 */
export function FilesButton({ name, title, className }: { name: string; title: string; className: string }) {
  const [open, setOpen] = useState(false);
  const ref = useModalDialog(open);
  const headingId = useId();

  return (
    <>
      <button
        type="button"
        className={className}
        aria-label={`Files of ${title} (${name})`}
        data-testid={`files-${name}`}
        onClick={() => setOpen(true)}
      >
        Files
      </button>
      <dialog ref={ref} className="files-dialog" aria-labelledby={headingId} onClose={() => setOpen(false)}>
        <div className="files-dialog-head">
          <h2 id={headingId}>Files of {title}</h2>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => setOpen(false)}
            data-testid="files-close"
          >
            Close
          </button>
        </div>
        {open && <FilesPanel name={name} />}
      </dialog>
    </>
  );
}
