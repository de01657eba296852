import { create } from 'zustand';
import type { EventsStatus, SessionDto } from '../../../protocol';
import { emptySessions, replaceSessions, type SessionsState, upsertSession } from './sessions-reducers';

interface SessionsStore extends SessionsState {
  connection: EventsStatus;
  /** Sessions this tab launched and is waiting to see running, to tell the user when they are. */
  launched: readonly string[];
  /** The per-user session limit, once a refused launch has told us; null until then. */
  quotaLimit: number | null;
  upsert(session: SessionDto): void;
  replace(sessions: readonly SessionDto[], requestedAt: number): void;
  setConnection(status: EventsStatus): void;
  markLaunched(name: string): void;
  settleLaunch(name: string): void;
  setQuotaLimit(limit: number | null): void;
  reset(): void;
}

export const useSessions = create<SessionsStore>()((set) => ({
  ...emptySessions,
  connection: 'connecting',
  launched: [],
  quotaLimit: null,
  upsert: (session) => set((state) => upsertSession(state, session, Date.now())),
  replace: (sessions, requestedAt) =>
    set((state) => replaceSessions(state, sessions, Date.now(), requestedAt)),
  setConnection: (connection) => set({ connection }),
  markLaunched: (name) => set((state) => ({ launched: [...state.launched, name] })),
  settleLaunch: (name) => set((state) => ({ launched: state.launched.filter((n) => n !== name) })),
  setQuotaLimit: (quotaLimit) => set({ quotaLimit }),
  reset: () => set({ ...emptySessions, connection: 'connecting', launched: [], quotaLimit: null }),
}));
