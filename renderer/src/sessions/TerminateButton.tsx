import { useState } from 'react';
import type { SessionDto } from '../../../protocol';
import { useServices } from '../app/services-context';
import { ConfirmDialog } from './ConfirmDialog';
import { runSessionAction } from './session-commands';

interface TerminateButtonProps {
  session: SessionDto;
  /** The app's name, to ask about it in words the user knows. */
  title: string;
  className: string;
  disabled?: boolean;
  onBusy?: (busy: boolean) => void;
}

/** Terminate, after a confirmation: it ends the app and loses whatever is unsaved in it. */
export function TerminateButton({ session, title, className, disabled, onBusy }: TerminateButtonProps) {
  const services = useServices();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const { name } = session;

  async function confirm() {
    setAsking(false);
    setBusy(true);
    onBusy?.(true);
    await runSessionAction(services, 'terminate', session);
    setBusy(false);
    onBusy?.(false);
  }

  return (
    <>
      <button
        type="button"
        className={className}
        data-testid={`terminate-${name}`}
        aria-label={`Terminate ${title} (${name})`}
        aria-haspopup="dialog"
        disabled={disabled || busy}
        onClick={() => setAsking(true)}
      >
        {busy ? 'Terminate…' : 'Terminate'}
      </button>
      <ConfirmDialog
        open={asking}
        title={`Terminate ${title}?`}
        confirmLabel="Terminate"
        onConfirm={() => void confirm()}
        onClose={() => setAsking(false)}
        testId={`terminate-dialog-${name}`}
      >
        <p>
          The app stops and anything unsaved in it is lost. <code>{name}</code> cannot be woken again.
        </p>
      </ConfirmDialog>
    </>
  );
}
