import { type FormEvent, useEffect, useRef, useState } from 'react';
import { isApiError } from '../../../protocol';
import { describeError } from '../api/errors';
import { useServices } from '../app/services-context';
import { Logo } from '../ui/Logo';
import { useAuth } from './auth-store';
import { signInHint } from './sign-in-hint';

function loginErrorMessage(error: unknown): string {
  if (isApiError(error) && error.status === 401) return 'Wrong username or password.';
  return describeError(error);
}

export function LoginScreen() {
  const { bridge } = useServices();
  const notice = useAuth((s) => s.notice);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [hint, setHint] = useState<string | null>(null);
  const usernameRef = useRef<HTMLInputElement>(null);

  useEffect(() => usernameRef.current?.focus(), []);

  useEffect(() => {
    let cancelled = false;
    bridge.getServer().then(
      (server) => {
        if (!cancelled) setHint(signInHint(server.mode));
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [bridge]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const auth = await bridge.login({ username: username.trim(), password });
      useAuth.getState().signedIn(auth);
    } catch (caught) {
      setError(loginErrorMessage(caught));
      setBusy(false);
    }
  }

  return (
    <main className="login-page">
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title">
        <div className="login-brand">
          <Logo />
          <h1 id="login-title">Sign in to StreamSpace</h1>
          <p className="muted">Your apps, streamed to this screen.</p>
        </div>
        {notice && <p className="login-notice">{notice}</p>}
        {hint && (
          <p className="login-hint" data-testid="login-hint">
            {hint}
          </p>
        )}
        <label className="field">
          <span>Username</span>
          <input
            ref={usernameRef}
            data-testid="login-username"
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            data-testid="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p className="form-error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button
          className="btn btn-primary btn-block"
          type="submit"
          data-testid="login-submit"
          disabled={busy}
        >
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
