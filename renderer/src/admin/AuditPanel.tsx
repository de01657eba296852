import { type FormEvent, useId, useState } from 'react';
import { useServices } from '../app/services-context';
import { PanelError } from './AdminErrors';
import { AdminTable } from './AdminTable';
import { type AuditForm, auditQueryOf, EMPTY_AUDIT_FORM } from './audit-filters';
import { useAdminData } from './useAdminData';

/** Actions the backend records today, offered as suggestions; any other text filters too. */
const KNOWN_ACTIONS = [
  'session.',
  'session.create',
  'session.idle_hibernate',
  'user.',
  'user.create',
  'user.update',
  'agent.',
  'agent.create',
  'agent.update',
  'agent.revoke',
];

const AUDIT_COLUMNS = ['Time', 'Actor', 'Action', 'Target', 'Detail'];

export function AuditPanel() {
  const { api } = useServices();
  const id = useId();
  const [form, setForm] = useState<AuditForm>(EMPTY_AUDIT_FORM);
  const [applied, setApplied] = useState<AuditForm>(EMPTY_AUDIT_FORM);
  const audit = useAdminData(() => api.audit({ query: auditQueryOf(applied) }), [api, applied]);
  const set = (field: keyof AuditForm) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [field]: e.target.value }));

  function apply(event: FormEvent) {
    event.preventDefault();
    setApplied(form);
  }

  return (
    <section className="panel" aria-labelledby="admin-audit-title">
      <div className="section-head">
        <h2 id="admin-audit-title">Audit log</h2>
      </div>
      <form
        className="admin-form admin-filters"
        onSubmit={apply}
        aria-label="Filter the audit log"
        data-testid="audit-filters"
      >
        <label className="field">
          Action
          <input
            value={form.action}
            onChange={set('action')}
            list={`${id}-actions`}
            placeholder="user. or user.create"
            data-testid="audit-action"
          />
          <datalist id={`${id}-actions`}>
            {KNOWN_ACTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </label>
        <label className="field">
          Actor
          <input value={form.actor} onChange={set('actor')} data-testid="audit-actor" />
        </label>
        <label className="field">
          From
          <input type="datetime-local" value={form.since} onChange={set('since')} data-testid="audit-since" />
        </label>
        <label className="field">
          Until
          <input type="datetime-local" value={form.until} onChange={set('until')} data-testid="audit-until" />
        </label>
        <div className="admin-form-actions">
          <button type="submit" className="btn btn-primary" data-testid="audit-apply">
            Apply filters
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => {
              setForm(EMPTY_AUDIT_FORM);
              setApplied(EMPTY_AUDIT_FORM);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <PanelError error={audit.error} />
      {!audit.data ? (
        <p className="muted">{audit.loading ? 'Loading the audit log…' : 'Nothing to show.'}</p>
      ) : audit.data.entries.length === 0 ? (
        <div className="empty">
          <p className="empty-title">No entries match</p>
          <p className="muted">Widen the time range or clear a filter.</p>
        </div>
      ) : (
        <AdminTable
          testId="audit-table"
          caption="Audit entries, newest first"
          columns={AUDIT_COLUMNS}
          busy={audit.loading}
        >
          {audit.data.entries.map((e) => (
            <tr key={e.id} data-testid="audit-row">
              <td>
                <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time>
              </td>
              <td>{e.actor}</td>
              <td data-testid="audit-row-action">{e.action}</td>
              <td>{e.target}</td>
              <td className="admin-detail">{e.detail ? JSON.stringify(e.detail) : ''}</td>
            </tr>
          ))}
        </AdminTable>
      )}
    </section>
  );
}
