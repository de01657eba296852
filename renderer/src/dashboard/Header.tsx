import { useEffect, useState } from 'react';
import type { UserDto } from '../../../protocol';
import { adminHash } from '../app/routes';
import { useServices } from '../app/services-context';
import { useAuth } from '../auth/auth-store';
import { useSessions } from '../sessions/sessions-store';
import { AppNav, type NavPage } from '../settings/AppNav';
import { Logo } from '../ui/Logo';

const connectionText = {
  live: 'Live',
  connecting: 'Connecting…',
  offline: 'Reconnecting…',
} as const;

export function Header({ user, active = 'main' }: { user: UserDto; active?: NavPage }) {
  const { bridge } = useServices();
  const connection = useSessions((s) => s.connection);
  const [signingOut, setSigningOut] = useState(false);

  useEffect(() => {
    document.title = 'StreamSpace';
  }, []);

  async function signOut() {
    setSigningOut(true);
    // Leave even if the server cannot be told: the tokens are dropped locally either way.
    await bridge.logout().catch(() => undefined);
    useAuth.getState().signedOut();
  }

  return (
    <header className="app-header">
      <div className="brand">
        <Logo />
        <span className="brand-name">StreamSpace</span>
      </div>
      <AppNav active={active} />
      <span className={`connection connection-${connection}`} title="Live updates from the server">
        <span className="dot" aria-hidden="true" />
        {connectionText[connection]}
      </span>
      <div className="user-menu" data-testid="user-menu">
        <span className="avatar" aria-hidden="true">
          {user.username.slice(0, 1).toUpperCase()}
        </span>
        <span className="user-name">{user.username}</span>
        {user.role === 'admin' && <span className="role-chip">admin</span>}
        {user.role === 'admin' && (
          <a
            href={adminHash()}
            className="btn btn-ghost"
            aria-current={active === 'admin' ? 'page' : undefined}
            data-testid="nav-admin"
          >
            Admin
          </a>
        )}
        <button
          type="button"
          className="btn btn-ghost"
          data-testid="logout"
          onClick={signOut}
          disabled={signingOut}
        >
          Sign out
        </button>
      </div>
    </header>
  );
}
