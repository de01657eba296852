import { useEffect, useMemo, useState } from 'react';
import { SessionRow } from './SessionRow';
import { nextFadeAt, visibleSessions } from './sessions-reducers';
import { useSessions } from './sessions-store';

/** Relative times only need minute precision. */
const CLOCK_TICK_MS = 30_000;

export function SessionList({ user }: { user: string }) {
  const byName = useSessions((s) => s.byName);
  const loaded = useSessions((s) => s.loaded);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), CLOCK_TICK_MS);
    return () => clearInterval(timer);
  }, []);

  // Re-render exactly when the next terminated session should fade out of the list.
  useEffect(() => {
    const at = nextFadeAt({ byName, loaded }, Date.now());
    if (at === null) return;
    const timer = setTimeout(() => setNow(Date.now()), Math.max(0, at - Date.now()) + 20);
    return () => clearTimeout(timer);
  }, [byName, loaded]);

  const sessions = useMemo(() => visibleSessions({ byName, loaded }, user, now), [byName, loaded, user, now]);

  return (
    <section className="panel" aria-labelledby="sessions-heading">
      <div className="section-head">
        <h2 id="sessions-heading">Your sessions</h2>
        {sessions.length > 0 && <span className="count">{sessions.length}</span>}
      </div>
      {!loaded && sessions.length === 0 ? (
        <p className="muted placeholder">Loading your sessions…</p>
      ) : sessions.length === 0 ? (
        <div className="empty" data-testid="sessions-empty">
          <p className="empty-title">No sessions yet</p>
          <p className="muted">Launch an app from the catalog below and it will appear here.</p>
        </div>
      ) : (
        <ul className="session-list">
          {sessions.map((session) => (
            <SessionRow key={session.name} session={session} now={now} />
          ))}
        </ul>
      )}
    </section>
  );
}
