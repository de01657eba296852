import type { UserDto } from '../../../protocol';
import { ADMIN_TABS, type AdminTab, adminHash } from '../app/routes';
import { Header } from '../dashboard/Header';
import { Toasts } from '../ui/Toasts';
import { AgentsPanel } from './AgentsPanel';
import { AuditPanel } from './AuditPanel';
import { UsersPanel } from './UsersPanel';
import './admin.css';

const TAB_LABELS: Record<AdminTab, string> = { agents: 'Agents', users: 'Users', audit: 'Audit log' };

/** Agents, users and the audit trail; App only routes admins here, and the server checks again. */
export function AdminScreen({ user, tab }: { user: UserDto; tab: AdminTab }) {
  return (
    <div className="dashboard">
      <Header user={user} active="admin" />
      <main className="dashboard-main admin-main" data-testid="admin-screen">
        <h1 className="admin-title">Administration</h1>
        <nav className="admin-tabs" aria-label="Administration">
          {ADMIN_TABS.map((t) => (
            <a
              key={t}
              href={adminHash(t)}
              aria-current={t === tab ? 'page' : undefined}
              data-testid={`admin-tab-${t}`}
            >
              {TAB_LABELS[t]}
            </a>
          ))}
        </nav>
        {tab === 'agents' && <AgentsPanel me={user} />}
        {tab === 'users' && <UsersPanel me={user} />}
        {tab === 'audit' && <AuditPanel />}
      </main>
      <Toasts />
    </div>
  );
}
