import type { AuthState } from '../../../protocol';
import { useAuth } from '../auth/auth-store';
import { LoginScreen } from '../auth/LoginScreen';
import { useAuthBootstrap } from '../auth/useAuthBootstrap';
import { Dashboard } from '../dashboard/Dashboard';
import { useLiveSessions } from '../events/useLiveSessions';
import { Logo } from '../ui/Logo';
import { ViewerScreen } from '../viewer/ViewerScreen';
import { MAIN_HASH, type Route } from './routes';
import { useHashRoute } from './useHashRoute';

export function App() {
  const route = useHashRoute();
  useAuthBootstrap();
  const status = useAuth((s) => s.status);
  const auth = useAuth((s) => s.auth);
  const problem = useAuth((s) => s.problem);

  if (status === 'loading') return <Splash />;
  if (status === 'unavailable') return <Unavailable problem={problem} />;
  if (status === 'signed-out' || !auth) return <LoginScreen />;
  // Keyed by user so a different sign-in never sees the previous user's state.
  return <SignedIn key={auth.user.id} route={route} auth={auth} />;
}

function SignedIn({ route, auth }: { route: Route; auth: AuthState }) {
  useLiveSessions();
  switch (route.name) {
    case 'main':
      return <Dashboard user={auth.user} />;
    case 'viewer':
      return <ViewerScreen key={route.session} name={route.session} />;
    case 'not-found':
      return <NotFound />;
  }
}

function Splash() {
  return (
    <main className="center-page" aria-busy="true">
      <Logo size={40} />
      <p className="muted">Loading…</p>
    </main>
  );
}

function Unavailable({ problem }: { problem: string | null }) {
  return (
    <main className="center-page">
      <Logo size={40} />
      <p role="alert" data-testid="app-error" className="banner banner-error">
        {problem ?? 'The server is not available.'}
      </p>
      <button type="button" className="btn btn-primary" onClick={() => useAuth.getState().loading()}>
        Try again
      </button>
    </main>
  );
}

function NotFound() {
  return (
    <main className="center-page">
      <Logo size={40} />
      <p>There is nothing at this address.</p>
      <a className="btn" href={MAIN_HASH}>
        Go to your sessions
      </a>
    </main>
  );
}
