import { type ReactNode, useId } from 'react';
import { useModalDialog } from '../ui/useModalDialog';

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  /** Cancel, Escape, or the dialog closing for any other reason; may follow onConfirm, so idempotent. */
  onClose: () => void;
  testId?: string;
}

/**
 * A modal question over the page (a native <dialog>, see useModalDialog). Cancel takes the focus
 * first, so Enter never destroys anything by accident.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  onConfirm,
  onClose,
  testId,
}: ConfirmDialogProps) {
  const ref = useModalDialog(open);
  const titleId = useId();
  const bodyId = useId();

  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      data-testid={testId}
      onClose={onClose}
    >
      <h2 id={titleId}>{title}</h2>
      <div id={bodyId} className="confirm-body">
        {children}
      </div>
      <div className="confirm-actions">
        {/* biome-ignore lint/a11y/noAutofocus: a modal question must start on its safe answer. */}
        <button type="button" className="btn" autoFocus onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="btn btn-danger"
          data-testid={testId && `${testId}-confirm`}
          onClick={onConfirm}
        >
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
