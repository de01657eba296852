import { useEffect, useState } from 'react';
import type { DesktopSettings, ProfilesBridge } from '../../../protocol';
import { describeError } from '../api/errors';
import { CLOSE_DASHBOARD_CHOICES, parseCloseDashboard } from './profiles-form';

/** What quitting and closing the dashboard do. Each control saves at once: there is nothing to undo. */
export function DesktopSettingsPanel({ profiles }: { profiles: ProfilesBridge }) {
  const [settings, setSettings] = useState<DesktopSettings | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    profiles.getSettings().then(
      (s) => !cancelled && setSettings(s),
      (error: unknown) => !cancelled && setProblem(describeError(error)),
    );
    return () => {
      cancelled = true;
    };
  }, [profiles]);

  function change(patch: Partial<DesktopSettings>) {
    setProblem(null);
    profiles.setSettings(patch).then(setSettings, (error: unknown) => setProblem(describeError(error)));
  }

  const hint = CLOSE_DASHBOARD_CHOICES.find((c) => c.value === settings?.closeDashboard)?.hint;
  return (
    <section className="settings-card" aria-labelledby="settings-app-title" data-testid="settings-app">
      <div className="settings-card-head">
        <h2 id="settings-app-title">App</h2>
      </div>
      {settings && (
        <>
          <label className="radio-choice" htmlFor="settings-terminate-on-quit">
            <input
              id="settings-terminate-on-quit"
              type="checkbox"
              data-testid="settings-terminate-on-quit"
              checked={settings.terminateSessionsOnQuit}
              onChange={(e) => change({ terminateSessionsOnQuit: e.target.checked })}
              aria-describedby="settings-terminate-on-quit-hint"
            />
            <span className="radio-text">
              <span>Terminate sessions on quit</span>
              <span id="settings-terminate-on-quit-hint" className="muted small">
                Off: sessions keep running after you quit, and the next start picks them up again.
              </span>
            </span>
          </label>
          <div className="field">
            <label htmlFor="settings-close-dashboard">Closing the dashboard</label>
            <select
              id="settings-close-dashboard"
              data-testid="settings-close-dashboard"
              value={settings.closeDashboard}
              aria-describedby="settings-close-dashboard-hint"
              onChange={(e) => {
                const value = parseCloseDashboard(e.target.value);
                if (value) change({ closeDashboard: value });
              }}
            >
              {CLOSE_DASHBOARD_CHOICES.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
            <span id="settings-close-dashboard-hint" className="muted small">
              {hint}
            </span>
          </div>
        </>
      )}
      {problem && (
        <p className="form-error" role="alert" data-testid="settings-app-error">
          {problem}
        </p>
      )}
    </section>
  );
}
