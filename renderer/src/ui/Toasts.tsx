import { useEffect } from 'react';
import { CloseIcon } from './CloseIcon';
import { type Toast, useNotices } from './notices-store';

const LIFETIME_MS = 8_000;
const LIFETIME_WITH_ACTION_MS = 20_000;

export function Toasts() {
  const toasts = useNotices((s) => s.toasts);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((toast) => (
        <ToastItem key={toast.id} toast={toast} />
      ))}
    </div>
  );
}

function ToastItem({ toast }: { toast: Toast }) {
  const dismiss = () => useNotices.getState().dismissToast(toast.id);

  useEffect(() => {
    const timer = setTimeout(
      () => useNotices.getState().dismissToast(toast.id),
      toast.action ? LIFETIME_WITH_ACTION_MS : LIFETIME_MS,
    );
    return () => clearTimeout(timer);
  }, [toast.id, toast.action]);

  return (
    <div className={`toast toast-${toast.tone}`} data-testid="toast">
      <span>{toast.message}</span>
      {toast.action && (
        <button
          type="button"
          className="btn btn-small"
          onClick={() => {
            toast.action?.run();
            dismiss();
          }}
        >
          {toast.action.label}
        </button>
      )}
      <button type="button" className="icon-btn" aria-label="Dismiss" onClick={dismiss}>
        <CloseIcon />
      </button>
    </div>
  );
}
