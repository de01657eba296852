import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError } from '../api/errors';

export interface AdminData<T> {
  data: T | undefined;
  /** What went wrong with the last load, in words. */
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/** Loads what a panel shows, again on reload(); an answer that arrives after a newer request is dropped. */
export function useAdminData<T>(load: () => Promise<T>, deps: readonly unknown[]): AdminData<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  const latest = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  // biome-ignore lint/correctness/useExhaustiveDependencies: deps are the caller's, round is a reload.
  useEffect(() => {
    const id = ++latest.current;
    setLoading(true);
    loadRef.current().then(
      (value) => {
        if (id !== latest.current) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (id !== latest.current) return;
        setError(describeError(err));
        setLoading(false);
      },
    );
  }, [round, ...deps]);

  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { data, error, loading, reload };
}
