import type { SessionDto } from '../../../protocol';

export interface SessionEntry {
  session: SessionDto;
  /** When this tab last stored the entry, to keep fresh ones a slower list fetch does not know yet. */
  receivedAt: number;
  /** When this tab saw the session become terminated; drives the brief dimmed display. */
  terminatedSeenAt: number | null;
}

export interface SessionsState {
  byName: Readonly<Record<string, SessionEntry>>;
  loaded: boolean;
}

export const emptySessions: SessionsState = { byName: {}, loaded: false };

/** How long a terminated session stays listed (dimmed) before it disappears. */
export const TERMINATED_LINGER_MS = 5_000;

const time = (iso: string) => {
  const parsed = Date.parse(iso);
  return Number.isNaN(parsed) ? 0 : parsed;
};

/** Events, command answers and list fetches race; a strictly older copy must not undo a newer one. */
function isStale(incoming: SessionDto, existing: SessionDto | undefined): boolean {
  return existing !== undefined && time(incoming.updatedAt) < time(existing.updatedAt);
}

function entryFor(session: SessionDto, existing: SessionEntry | undefined, now: number, seenLive: boolean) {
  let terminatedSeenAt: number | null = null;
  if (session.state === 'terminated') {
    // A session that was already gone when we first heard of it is history, not news: hide it at once.
    terminatedSeenAt = existing?.terminatedSeenAt ?? (seenLive ? now : Number.NEGATIVE_INFINITY);
  }
  return { session, receivedAt: now, terminatedSeenAt };
}

export function upsertSession(state: SessionsState, session: SessionDto, now: number): SessionsState {
  const existing = state.byName[session.name];
  if (isStale(session, existing?.session)) return state;
  return { ...state, byName: { ...state.byName, [session.name]: entryFor(session, existing, now, true) } };
}

/**
 * Replaces the store with a fetched list. `requestedAt` is when the fetch started: entries stored
 * after it (a session just launched) are kept though the list misses them, and so are terminated
 * ones still fading out.
 */
export function replaceSessions(
  state: SessionsState,
  sessions: readonly SessionDto[],
  now: number,
  requestedAt: number = now,
): SessionsState {
  const byName: Record<string, SessionEntry> = {};
  for (const session of sessions) {
    const existing = state.byName[session.name];
    byName[session.name] = isStale(session, existing?.session)
      ? existing!
      : entryFor(session, existing, now, existing !== undefined && existing.session.state !== 'terminated');
  }
  for (const [name, entry] of Object.entries(state.byName)) {
    if (byName[name]) continue;
    if (entry.receivedAt > requestedAt || entry.session.state === 'terminated') byName[name] = entry;
  }
  return { byName, loaded: true };
}

export function removeSession(state: SessionsState, name: string): SessionsState {
  if (!state.byName[name]) return state;
  const { [name]: _removed, ...rest } = state.byName;
  return { ...state, byName: rest };
}

function isVisible(entry: SessionEntry, now: number, lingerMs: number): boolean {
  return entry.terminatedSeenAt === null || now - entry.terminatedSeenAt < lingerMs;
}

/** What "Your sessions" lists, newest first. */
export function visibleSessions(
  state: SessionsState,
  user: string,
  now: number,
  lingerMs: number = TERMINATED_LINGER_MS,
): SessionDto[] {
  return Object.values(state.byName)
    .filter((entry) => entry.session.user === user && isVisible(entry, now, lingerMs))
    .map((entry) => entry.session)
    .sort((a, b) => time(b.createdAt) - time(a.createdAt) || a.name.localeCompare(b.name));
}

/** When the next dimmed session should disappear, so the list re-renders exactly then; null if none. */
export function nextFadeAt(
  state: SessionsState,
  now: number,
  lingerMs: number = TERMINATED_LINGER_MS,
): number | null {
  let next: number | null = null;
  for (const entry of Object.values(state.byName)) {
    if (entry.terminatedSeenAt === null || !isVisible(entry, now, lingerMs)) continue;
    const at = entry.terminatedSeenAt + lingerMs;
    if (next === null || at < next) next = at;
  }
  return next;
}
