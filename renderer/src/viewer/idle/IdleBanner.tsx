import { useEffect, useState } from 'react';
import { idleBannerText, secondsUntil } from './idle-activity';
import { useIdleWarnings } from './idle-warnings-store';

/** The minute before an idle hibernation, over the session's screen; any input ends it. */
export function IdleBanner({ name, onKeep }: { name: string; onKeep: () => void }) {
  const hibernateAt = useIdleWarnings((s) => s.hibernateAt[name]);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!hibernateAt) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [hibernateAt]);
  if (!hibernateAt) return null;
  return (
    <div className="viewer-idle-banner" role="alert" data-testid="idle-banner">
      <span>{idleBannerText(secondsUntil(hibernateAt, now))}</span>
      <button type="button" className="btn btn-small btn-primary" onClick={onKeep} data-testid="idle-keep">
        Keep it running
      </button>
    </div>
  );
}
