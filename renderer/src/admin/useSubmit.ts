import { type FormEvent, useState } from 'react';
import { describeError } from '../api/errors';

export interface Submit {
  /** The form's onSubmit: runs the action once, keeping the page where it is. */
  submit: (event: FormEvent) => Promise<void>;
  busy: boolean;
  /** Why the last run failed, in words; cleared when the next one starts. */
  error: string | null;
}

/** A form's submission state: busy while `action` runs, and its failure as a message. */
export function useSubmit(action: () => Promise<void>): Submit {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return { submit, busy, error };
}
