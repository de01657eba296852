import { create } from 'zustand';

export interface Toast {
  id: number;
  message: string;
  tone: 'info' | 'success' | 'error';
  action?: { label: string; run: () => void };
  /** A later toast with the same key replaces this one, so "Starting…" gives way to "ready". */
  key?: string;
}

interface AppError {
  /** Lets the part that raised an error clear it once it recovers without clearing someone else's. */
  source: string;
  message: string;
}

interface NoticesStore {
  error: AppError | null;
  toasts: readonly Toast[];
  reportError(source: string, message: string): void;
  clearError(source?: string): void;
  toast(toast: Omit<Toast, 'id'>): number;
  dismissToast(id: number): void;
  dismissToastByKey(key: string): void;
}

let nextId = 1;

export const useNotices = create<NoticesStore>()((set) => ({
  error: null,
  toasts: [],
  reportError: (source, message) => set({ error: { source, message } }),
  clearError: (source) =>
    set((state) => (source === undefined || state.error?.source === source ? { error: null } : state)),
  toast: (toast) => {
    const id = nextId++;
    // A handful is plenty; older notes make way rather than pile up over the list.
    set((state) => {
      const others = toast.key === undefined ? state.toasts : state.toasts.filter((t) => t.key !== toast.key);
      return { toasts: [...others.slice(-3), { ...toast, id }] };
    });
    return id;
  },
  dismissToast: (id) => set((state) => ({ toasts: state.toasts.filter((t) => t.id !== id) })),
  dismissToastByKey: (key) => set((state) => ({ toasts: state.toasts.filter((t) => t.key !== key) })),
}));
