import { create } from 'zustand';

/** Idle warnings pushed on /events, by session: when each will hibernate (ISO 8601). */
interface IdleWarningsStore {
  hibernateAt: Readonly<Record<string, string>>;
  warn(session: string, hibernateAt: string): void;
  /** Input, or the session leaving running, ends its warning. */
  clear(session: string): void;
}

export const useIdleWarnings = create<IdleWarningsStore>()((set) => ({
  hibernateAt: {},
  warn: (session, at) => set((state) => ({ hibernateAt: { ...state.hibernateAt, [session]: at } })),
  clear: (session) =>
    set((state) => {
      if (!(session in state.hibernateAt)) return state;
      const { [session]: _gone, ...rest } = state.hibernateAt;
      return { hibernateAt: rest };
    }),
}));
