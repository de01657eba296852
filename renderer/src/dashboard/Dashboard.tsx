import type { UserDto } from '../../../protocol';
import { Catalog } from '../catalog/Catalog';
import { SessionList } from '../sessions/SessionList';
import { useLaunchNotices } from '../sessions/useLaunchNotices';
import { useQuotaNotice } from '../sessions/useQuota';
import { ErrorBanner } from '../ui/ErrorBanner';
import { Toasts } from '../ui/Toasts';
import { Header } from './Header';

export function Dashboard({ user }: { user: UserDto }) {
  useLaunchNotices();
  useQuotaNotice();
  return (
    <div className="dashboard">
      <Header user={user} />
      <main className="dashboard-main">
        <ErrorBanner />
        <SessionList user={user.username} />
        <Catalog />
      </main>
      <Toasts />
    </div>
  );
}
