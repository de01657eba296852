import { type FormEvent, useEffect, useState } from 'react';
import type { ProfileList, ProfilesBridge, Subscribe } from '../../../protocol';
import { describeError } from '../api/errors';
import { checkAddServer, profileDetail } from './profiles-form';

/**
 * The servers this app knows: switch, remove, add by URL. A switch or an add reloads the window
 * from main (the dashboard belongs to the new server), so no success state is kept here.
 */
export function ProfilesPanel({ profiles, subscribe }: { profiles: ProfilesBridge; subscribe?: Subscribe }) {
  const [list, setList] = useState<ProfileList | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [url, setUrl] = useState('');
  const [name, setName] = useState('');
  const [urlError, setUrlError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    profiles.list().then(
      (l) => !cancelled && setList(l),
      (error: unknown) => !cancelled && setProblem(describeError(error)),
    );
    // The tray and deep links change profiles too.
    const off = subscribe?.('profile:changed', setList);
    return () => {
      cancelled = true;
      off?.();
    };
  }, [profiles, subscribe]);

  function run(action: () => Promise<ProfileList>, after?: () => void) {
    setBusy(true);
    setProblem(null);
    action().then(
      (l) => {
        setList(l);
        setBusy(false);
        after?.();
      },
      (error: unknown) => {
        setProblem(describeError(error));
        setBusy(false);
      },
    );
  }

  function add(event: FormEvent) {
    event.preventDefault();
    const check = checkAddServer(url, name);
    if (!check.ok) {
      setUrlError(check.message);
      return;
    }
    setUrlError(null);
    run(
      () => profiles.add(check.request),
      () => {
        setUrl('');
        setName('');
      },
    );
  }

  return (
    <section
      className="settings-card"
      aria-labelledby="settings-profiles-title"
      data-testid="settings-profiles"
    >
      <div className="settings-card-head">
        <h2 id="settings-profiles-title">Servers</h2>
        <p className="muted small">The local stack on this computer, and any StreamSpace server you add.</p>
      </div>
      {list === null && problem === null && <p className="muted">Loading…</p>}
      {list && (
        <ul className="profile-list">
          {list.profiles.map((p) => {
            const active = p.id === list.activeId;
            return (
              <li key={p.id} className="profile-row" data-testid={`profile-${p.id}`} data-active={active}>
                <span className="profile-text">
                  <span>
                    {p.name} {active && <span className="badge">Active</span>}
                  </span>
                  <span className="muted small">{profileDetail(p)}</span>
                </span>
                {!active && (
                  <button
                    type="button"
                    className="btn"
                    disabled={busy}
                    data-testid={`profile-switch-${p.id}`}
                    onClick={() => run(() => profiles.switchTo(p.id))}
                  >
                    Switch
                  </button>
                )}
                {p.mode === 'remote' && (
                  <button
                    type="button"
                    className="btn btn-danger-ghost"
                    disabled={busy}
                    data-testid={`profile-remove-${p.id}`}
                    onClick={() => run(() => profiles.remove(p.id))}
                  >
                    Remove
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <form className="profile-add" onSubmit={add} noValidate>
        <div className="field">
          <label htmlFor="settings-server-url">Server URL</label>
          <input
            id="settings-server-url"
            data-testid="settings-server-url"
            type="url"
            autoCapitalize="none"
            autoComplete="url"
            spellCheck={false}
            placeholder="https://streamspace.example.com"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            aria-invalid={urlError ? true : undefined}
            aria-describedby={urlError ? 'settings-server-url-error' : undefined}
          />
          {urlError && (
            <span id="settings-server-url-error" className="field-error" role="alert">
              {urlError}
            </span>
          )}
        </div>
        <div className="field">
          <label htmlFor="settings-server-name">
            Name <span className="muted">(optional)</span>
          </label>
          <input
            id="settings-server-name"
            data-testid="settings-server-name"
            autoComplete="off"
            placeholder="The server's host name"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="settings-actions">
          <button className="btn btn-primary" type="submit" disabled={busy} data-testid="settings-server-add">
            Add server
          </button>
          <span className="muted small">The app switches to it, and asks you to sign in there.</span>
        </div>
      </form>
      {problem && (
        <p className="form-error" role="alert" data-testid="settings-profiles-error">
          {problem}
        </p>
      )}
    </section>
  );
}
