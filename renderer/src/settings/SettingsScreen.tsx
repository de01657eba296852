import { useEffect } from 'react';
import type { LocalStackBridge, ProfilesBridge, Subscribe, UserDto } from '../../../protocol';
import { MAIN_HASH } from '../app/routes';
import { useAuth } from '../auth/auth-store';
import { Header } from '../dashboard/Header';
import { Logo } from '../ui/Logo';
import { DesktopSettingsPanel } from './DesktopSettingsPanel';
import { LocalStackSettingsPanel } from './LocalStackSettingsPanel';
import { ProfilesPanel } from './ProfilesPanel';

function useSettingsTitle() {
  useEffect(() => {
    document.title = 'Settings — StreamSpace';
  }, []);
}

/** The settings page of a signed-in user, under the dashboard's header. */
export function SettingsScreen(props: {
  user: UserDto;
  localStack: LocalStackBridge;
  profiles?: ProfilesBridge;
  subscribe?: Subscribe;
}) {
  const { user, localStack, profiles, subscribe } = props;
  useSettingsTitle();
  return (
    <div className="dashboard">
      <Header user={user} active="settings" />
      <main className="dashboard-main settings-main">
        <div className="section-head">
          <h1 className="page-title">Settings</h1>
        </div>
        {profiles && <ProfilesPanel profiles={profiles} subscribe={subscribe} />}
        <LocalStackSettingsPanel localStack={localStack} />
        {profiles && <DesktopSettingsPanel profiles={profiles} />}
      </main>
    </div>
  );
}

/**
 * The settings while the server is unavailable: a local stack that cannot start on its runtime
 * (a missing kind cluster, say) must still be switchable back, and nothing else works then.
 */
export function UnavailableSettingsScreen({ localStack }: { localStack: LocalStackBridge }) {
  useSettingsTitle();
  function reconnect() {
    window.location.hash = MAIN_HASH;
    useAuth.getState().loading();
  }
  return (
    <main className="settings-standalone">
      <div className="section-head">
        <Logo />
        <h1 className="page-title">Settings</h1>
        <button type="button" className="btn settings-reconnect" onClick={reconnect}>
          Connect again
        </button>
      </div>
      <LocalStackSettingsPanel localStack={localStack} />
    </main>
  );
}
