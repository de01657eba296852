import { useEffect, useId, useState } from 'react';
import type { AdminAgent, CreatedAgent, RuntimeName, UserDto } from '../../../protocol';
import { useServices } from '../app/services-context';
import { relativeTime } from '../format/relative-time';
import { FormError, PanelError } from './AdminErrors';
import { AdminTable } from './AdminTable';
import { agentCommand } from './agent-command';
import { useAdminData } from './useAdminData';
import { useSubmit } from './useSubmit';

const AGENT_COLUMNS = ['Name', 'Runtime', 'Status', 'Sessions', 'Last heartbeat', 'Owner'];

export function AgentsPanel({ me }: { me: UserDto }) {
  const { api } = useServices();
  const agents = useAdminData(() => api.listAgents(), [api]);
  const [created, setCreated] = useState<CreatedAgent | null>(null);

  return (
    <section className="panel" aria-labelledby="admin-agents-title">
      <div className="section-head">
        <h2 id="admin-agents-title">Agents</h2>
        <button type="button" className="btn btn-small" onClick={agents.reload} data-testid="agents-refresh">
          Refresh
        </button>
      </div>
      <PanelError error={agents.error} />
      {created ? (
        <NewAgentToken created={created} onDone={() => setCreated(null)} />
      ) : (
        <RegisterAgentForm
          defaultOwner={me.username}
          onCreated={(agent) => {
            setCreated(agent);
            agents.reload();
          }}
        />
      )}
      <AgentTable agents={agents.data?.agents} loading={agents.loading} />
    </section>
  );
}

function AgentTable({ agents, loading }: { agents: readonly AdminAgent[] | undefined; loading: boolean }) {
  const now = Date.now();
  if (!agents) return <p className="muted">{loading ? 'Loading agents…' : 'No agents to show.'}</p>;
  if (agents.length === 0) {
    return (
      <div className="empty">
        <p className="empty-title">No agents yet</p>
        <p className="muted">Register one above, then run the command it shows on the agent's machine.</p>
      </div>
    );
  }
  return (
    <AdminTable testId="agents-table" caption="Registered agents" columns={AGENT_COLUMNS}>
      {agents.map((a) => (
        <tr key={a.id} data-testid={`agent-row-${a.name}`}>
          <th scope="row">{a.name}</th>
          <td>{a.runtime ?? '—'}</td>
          <td>
            <span
              className={`badge ${a.status === 'online' ? 'badge-running' : 'badge-failed'}`}
              data-testid="agent-status"
            >
              {a.status === 'online' ? 'Online' : 'Offline'}
            </span>
          </td>
          <td>
            {a.activeSessions} / {a.maxSessions}
          </td>
          <td>
            {a.lastHeartbeatAt ? (
              <time dateTime={a.lastHeartbeatAt} title={new Date(a.lastHeartbeatAt).toLocaleString()}>
                {relativeTime(a.lastHeartbeatAt, now)}
              </time>
            ) : (
              'never'
            )}
          </td>
          <td>
            {a.owner ?? '—'}
            {a.shared && <span className="role-chip">shared</span>}
          </td>
        </tr>
      ))}
    </AdminTable>
  );
}

function RegisterAgentForm({
  defaultOwner,
  onCreated,
}: {
  defaultOwner: string;
  onCreated: (created: CreatedAgent) => void;
}) {
  const { api } = useServices();
  const id = useId();
  const [name, setName] = useState('');
  const [runtime, setRuntime] = useState<RuntimeName>('local');
  const [owner, setOwner] = useState(defaultOwner);
  const [maxSessions, setMaxSessions] = useState('10');
  const { submit, busy, error } = useSubmit(async () => {
    const created = await api.createAgent({
      body: {
        name: name.trim(),
        runtime,
        maxSessions: Number(maxSessions),
        ...(runtime === 'local' ? { owner: owner.trim() } : {}),
      },
    });
    setName('');
    onCreated(created);
  });

  return (
    <form
      className="admin-form"
      onSubmit={submit}
      aria-labelledby={`${id}-title`}
      data-testid="register-agent"
    >
      <h3 id={`${id}-title`}>Register an agent</h3>
      <label className="field">
        Name
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          pattern="[a-z0-9]([\-a-z0-9]*[a-z0-9])?"
          maxLength={63}
          aria-describedby={`${id}-name-help`}
          data-testid="agent-name"
        />
        <span id={`${id}-name-help`} className="small muted">
          Lowercase letters, digits and dashes.
        </span>
      </label>
      <label className="field">
        Runtime
        <select
          value={runtime}
          onChange={(e) => setRuntime(e.target.value === 'kubernetes' ? 'kubernetes' : 'local')}
        >
          <option value="local">Local (Xvnc on the agent's host)</option>
          <option value="kubernetes">Kubernetes</option>
        </select>
      </label>
      {runtime === 'local' && (
        <label className="field">
          Owner
          <input
            value={owner}
            onChange={(e) => setOwner(e.target.value)}
            required
            data-testid="agent-owner"
          />
        </label>
      )}
      <label className="field">
        Most sessions
        <input
          type="number"
          min={1}
          max={10000}
          value={maxSessions}
          onChange={(e) => setMaxSessions(e.target.value)}
          required
        />
      </label>
      <div className="admin-form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="agent-register">
          {busy ? 'Registering…' : 'Register agent'}
        </button>
      </div>
      <FormError error={error} />
    </form>
  );
}

/** The token exists in this answer only: it is shown here once and gone when the admin is done. */
function NewAgentToken({ created, onDone }: { created: CreatedAgent; onDone: () => void }) {
  const { bridge } = useServices();
  const [serverUrl, setServerUrl] = useState(window.location.origin);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    let live = true;
    bridge.getServer().then(
      (server) => live && setServerUrl(server.baseUrl.replace(/\/+$/, '')),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [bridge]);
  const command = agentCommand({
    serverUrl,
    token: created.token,
    runtime: created.agent.runtime === 'kubernetes' ? 'kubernetes' : 'local',
  });

  async function copy() {
    try {
      await navigator.clipboard.writeText(command);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }

  return (
    <section
      className="admin-token"
      aria-label={`Token for agent ${created.agent.name}`}
      data-testid="agent-token"
    >
      <p>
        <strong>Agent {created.agent.name} is registered.</strong> Run this on its machine, from the app's
        folder. The token is shown only now: copy it before you close this.
      </p>
      <pre data-testid="agent-command">{command}</pre>
      <div className="admin-form-actions">
        <button type="button" className="btn" onClick={copy}>
          {copied ? 'Copied' : 'Copy command'}
        </button>
        <button type="button" className="btn btn-primary" onClick={onDone} data-testid="agent-token-done">
          Done
        </button>
      </div>
    </section>
  );
}
