import { lazy, Suspense } from 'react';
import type { AuthState } from '../../../protocol';
import { useAuth } from '../auth/auth-store';
import { LoginScreen } from '../auth/LoginScreen';
import { useAuthBootstrap, useAuthPushes } from '../auth/useAuthBootstrap';
import { Dashboard } from '../dashboard/Dashboard';
import { useLiveSessions } from '../events/useLiveSessions';
import { Logo } from '../ui/Logo';
import { MAIN_HASH, type Route, SETTINGS_HASH } from './routes';
import { useServices } from './services-context';
import { useHashRoute } from './useHashRoute';

// The viewer (with noVNC) and the admin pages load on demand, so the dashboard's first load stays small.
const ViewerScreen = lazy(() => import('../viewer/ViewerScreen').then((m) => ({ default: m.ViewerScreen })));
const AdminScreen = lazy(() => import('../admin/AdminScreen').then((m) => ({ default: m.AdminScreen })));
// Only the desktop app has settings; a browser never needs their code.
const SettingsScreen = lazy(() =>
  import('../settings/SettingsScreen').then((m) => ({ default: m.SettingsScreen })),
);
const UnavailableSettingsScreen = lazy(() =>
  import('../settings/SettingsScreen').then((m) => ({ default: m.UnavailableSettingsScreen })),
);

export function App() {
  const { bridge } = useServices();
  const route = useHashRoute();
  useAuthBootstrap();
  useAuthPushes();
  const status = useAuth((s) => s.status);
  const auth = useAuth((s) => s.auth);
  const problem = useAuth((s) => s.problem);

  if (status === 'loading') return <Splash />;
  if (status === 'unavailable') {
    // A local stack that cannot start on its settings is fixed from here, so they stay reachable.
    if (route.name === 'settings' && bridge.localStack) {
      return (
        <Suspense fallback={<Splash />}>
          <UnavailableSettingsScreen localStack={bridge.localStack} />
        </Suspense>
      );
    }
    return <Unavailable problem={problem} hasSettings={bridge.localStack !== undefined} />;
  }
  if (status === 'signed-out' || !auth) return <LoginScreen />;
  // Keyed by user so a different sign-in never sees the previous user's state.
  return <SignedIn key={auth.user.id} route={route} auth={auth} />;
}

function SignedIn({ route, auth }: { route: Route; auth: AuthState }) {
  const { bridge } = useServices();
  useLiveSessions();
  switch (route.name) {
    case 'main':
      return <Dashboard user={auth.user} />;
    case 'settings':
      // Headless mode has no local stack to configure.
      if (!bridge.localStack) return <NotFound />;
      return (
        <Suspense fallback={<Splash />}>
          <SettingsScreen
            user={auth.user}
            localStack={bridge.localStack}
            profiles={bridge.profiles}
            subscribe={bridge.subscribe}
          />
        </Suspense>
      );
    case 'viewer':
      return (
        <Suspense fallback={<Splash />}>
          <ViewerScreen key={route.session} name={route.session} />
        </Suspense>
      );
    case 'admin':
      if (auth.user.role !== 'admin') return <NotFound />;
      return (
        <Suspense fallback={<Splash />}>
          <AdminScreen user={auth.user} tab={route.tab} />
        </Suspense>
      );
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

function Unavailable({ problem, hasSettings }: { problem: string | null; hasSettings: boolean }) {
  return (
    <main className="center-page">
      <Logo size={40} />
      <p role="alert" data-testid="app-error" className="banner banner-error">
        {problem ?? 'The server is not available.'}
      </p>
      <button type="button" className="btn btn-primary" onClick={() => useAuth.getState().loading()}>
        Try again
      </button>
      {hasSettings && (
        <a href={SETTINGS_HASH} data-testid="unavailable-settings">
          Local stack settings
        </a>
      )}
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
