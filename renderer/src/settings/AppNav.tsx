import { MAIN_HASH, SETTINGS_HASH } from '../app/routes';
import { useServices } from '../app/services-context';

export type NavPage = 'main' | 'settings' | 'admin';

/**
 * Sessions and Settings, in the header. Only the desktop app has local stack settings, so a browser
 * (headless mode, where the bridge has no localStack) shows no nav at all.
 */
export function AppNav({ active }: { active: NavPage }) {
  const { bridge } = useServices();
  if (!bridge.localStack) return null;
  return (
    <nav className="app-nav" aria-label="Main">
      <a href={MAIN_HASH} aria-current={active === 'main' ? 'page' : undefined} data-testid="nav-sessions">
        Sessions
      </a>
      <a
        href={SETTINGS_HASH}
        aria-current={active === 'settings' ? 'page' : undefined}
        data-testid="nav-settings"
      >
        Settings
      </a>
    </nav>
  );
}
