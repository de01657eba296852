import { useId, useState } from 'react';
import type { Role, UserDto } from '../../../protocol';
import { describeError } from '../api/errors';
import { useServices } from '../app/services-context';
import { useNotices } from '../ui/notices-store';
import { FormError, PanelError } from './AdminErrors';
import { AdminTable } from './AdminTable';
import { useAdminData } from './useAdminData';
import { useSubmit } from './useSubmit';

const USER_COLUMNS = [
  'Username',
  'Role',
  'Status',
  'Created',
  <span key="actions" className="visually-hidden">
    Actions
  </span>,
];

export function UsersPanel({ me }: { me: UserDto }) {
  const { api } = useServices();
  const users = useAdminData(() => api.listUsers(), [api]);
  const [pending, setPending] = useState<string | null>(null);

  async function change(user: UserDto, patch: { role?: Role; disabled?: boolean }, done: string) {
    setPending(user.id);
    try {
      await api.updateUser({ params: { id: user.id }, body: patch });
      useNotices.getState().toast({ message: done, tone: 'success' });
      users.reload();
    } catch (err) {
      useNotices.getState().toast({ message: describeError(err), tone: 'error' });
    } finally {
      setPending(null);
    }
  }

  return (
    <section className="panel" aria-labelledby="admin-users-title">
      <div className="section-head">
        <h2 id="admin-users-title">Users</h2>
      </div>
      <PanelError error={users.error} />
      <CreateUserForm onCreated={users.reload} />
      {!users.data ? (
        <p className="muted">{users.loading ? 'Loading users…' : 'No users to show.'}</p>
      ) : (
        <AdminTable testId="users-table" caption="Users" columns={USER_COLUMNS}>
          {users.data.users.map((u) => {
            const self = u.id === me.id;
            const busy = pending === u.id;
            return (
              <tr key={u.id} data-testid={`user-row-${u.username}`}>
                <th scope="row">
                  {u.username}
                  {self && <span className="muted small"> (you)</span>}
                </th>
                <td>
                  <select
                    aria-label={`Role of ${u.username}`}
                    value={u.role}
                    disabled={busy || self}
                    title={self ? 'You cannot change your own role here' : undefined}
                    data-testid="user-role"
                    onChange={(e) => {
                      const role: Role = e.target.value === 'admin' ? 'admin' : 'user';
                      void change(
                        u,
                        { role },
                        `${u.username} is now ${role === 'admin' ? 'an admin' : 'a user'}.`,
                      );
                    }}
                  >
                    <option value="user">User</option>
                    <option value="admin">Admin</option>
                  </select>
                </td>
                <td data-testid="user-status">{u.disabled ? 'Disabled' : 'Active'}</td>
                <td>
                  <time dateTime={u.createdAt}>{new Date(u.createdAt).toLocaleDateString()}</time>
                </td>
                <td>
                  {!self && (
                    <button
                      type="button"
                      className={u.disabled ? 'btn btn-small' : 'btn btn-small btn-danger-ghost'}
                      disabled={busy}
                      aria-label={`${u.disabled ? 'Enable' : 'Disable'} ${u.username}`}
                      data-testid="user-toggle"
                      onClick={() =>
                        void change(
                          u,
                          { disabled: !u.disabled },
                          u.disabled
                            ? `${u.username} can sign in again.`
                            : `${u.username} is disabled and signed out.`,
                        )
                      }
                    >
                      {u.disabled ? 'Enable' : 'Disable'}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </AdminTable>
      )}
    </section>
  );
}

function CreateUserForm({ onCreated }: { onCreated: () => void }) {
  const { api } = useServices();
  const id = useId();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('user');
  const { submit, busy, error } = useSubmit(async () => {
    const user = await api.createUser({ body: { username: username.trim(), password, role } });
    setUsername('');
    setPassword('');
    setRole('user');
    useNotices.getState().toast({ message: `${user.username} can now sign in.`, tone: 'success' });
    onCreated();
  });

  return (
    <form className="admin-form" onSubmit={submit} aria-labelledby={`${id}-title`} data-testid="create-user">
      <h3 id={`${id}-title`}>Create a user</h3>
      <label className="field">
        Username
        <input
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
          autoComplete="off"
          data-testid="new-username"
        />
      </label>
      <label className="field">
        Password
        <input
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
          minLength={8}
          autoComplete="new-password"
          aria-describedby={`${id}-password-help`}
          data-testid="new-password"
        />
        <span id={`${id}-password-help`} className="small muted">
          At least 8 characters.
        </span>
      </label>
      <label className="field">
        Role
        <select
          value={role}
          onChange={(e) => setRole(e.target.value === 'admin' ? 'admin' : 'user')}
          data-testid="new-role"
        >
          <option value="user">User</option>
          <option value="admin">Admin</option>
        </select>
      </label>
      <div className="admin-form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="create-user-submit">
          {busy ? 'Creating…' : 'Create user'}
        </button>
      </div>
      <FormError error={error} />
    </form>
  );
}
