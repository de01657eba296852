import { create } from 'zustand';
import type { AuthState } from '../../../protocol';

export type AuthStatus = 'loading' | 'signed-out' | 'signed-in' | 'unavailable';

interface AuthStore {
  status: AuthStatus;
  auth: AuthState | null;
  /** Why the login form is showing, e.g. an expired sign-in; null on a plain start. */
  notice: string | null;
  /** Why the sign-in could not even be checked (server unreachable). */
  problem: string | null;
  signedIn(auth: AuthState): void;
  signedOut(notice?: string): void;
  unavailable(problem: string): void;
  loading(): void;
}

export const useAuth = create<AuthStore>()((set) => ({
  status: 'loading',
  auth: null,
  notice: null,
  problem: null,
  signedIn: (auth) => set({ status: 'signed-in', auth, notice: null, problem: null }),
  signedOut: (notice) => set({ status: 'signed-out', auth: null, notice: notice ?? null, problem: null }),
  unavailable: (problem) => set({ status: 'unavailable', problem }),
  loading: () => set({ status: 'loading', problem: null }),
}));
