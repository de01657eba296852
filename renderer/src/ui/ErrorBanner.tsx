import { CloseIcon } from './CloseIcon';
import { useNotices } from './notices-store';

export function ErrorBanner() {
  const error = useNotices((s) => s.error);
  if (!error) return null;
  return (
    <div className="banner banner-error sticky-banner" role="alert" data-testid="app-error">
      <span>{error.message}</span>
      <button
        type="button"
        className="icon-btn"
        aria-label="Dismiss"
        onClick={() => useNotices.getState().clearError()}
      >
        <CloseIcon />
      </button>
    </div>
  );
}
