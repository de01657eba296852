import { type RefObject, useEffect, useRef } from 'react';

/**
 * Keeps a native <dialog> shown as a modal while `open`, closed otherwise. The native dialog
 * gives focus trapping, Escape and the dialog role; its own close (Escape) reaches the caller
 * through the element's onClose.
 */
export function useModalDialog(open: boolean): RefObject<HTMLDialogElement | null> {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return ref;
}
