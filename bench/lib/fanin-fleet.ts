import type { ProtocolAgent } from '../../tests/support/protocol-agent';
import { Account, createAccounts } from './accounts';
import { type BackendProcess, startBackendProcess } from './backend-process';
import type { Build } from './builds';
import { connectAgents, createAgents } from './fleet';
import { type LaunchPhase, launchPhase } from './launch-phase';

const PASSWORD = 'bench-admin-password';
const LAUNCH_USERS = 20;
/** Room on each agent: a few launches each, so placement never runs out at any step. */
const SESSIONS_PER_AGENT = 10;

/** One build's control plane and its simulated agents, grown a step at a time. */
export class FaninFleet {
  agents: ProtocolAgent[] = [];
  /** When each launched session's start command reached its agent, and which agent that was. */
  readonly received = new Map<string, { at: number; agentId: string }>();
  private users: Account[] = [];

  private constructor(
    readonly build: Build,
    readonly backend: BackendProcess,
    readonly admin: Account,
  ) {}

  static async start(build: Build, heartbeatSeconds: number): Promise<FaninFleet> {
    const backend = await startBackendProcess(
      {
        STREAMSPACE_ADMIN_PASSWORD: PASSWORD,
        STREAMSPACE_MAX_SESSIONS_PER_USER: '10000',
        STREAMSPACE_HEARTBEAT_SECONDS: String(heartbeatSeconds),
      },
      build.entry,
    );
    try {
      const fleet = new FaninFleet(build, backend, await Account.signIn(backend.url, 'admin', PASSWORD));
      fleet.users = await createAccounts(
        fleet.admin,
        Array.from({ length: LAUNCH_USERS }, (_, i) => `fanin-user-${i}`),
      );
      return fleet;
    } catch (err) {
      await backend.stop();
      throw err;
    }
  }

  /** Registers and connects agents until `count` are online. */
  async growTo(count: number): Promise<void> {
    const from = this.agents.length;
    if (count <= from) return;
    const creds = await createAgents(
      await this.admin.fresh(),
      Array.from({ length: count - from }, (_, i) => `fanin-agent-${String(from + i).padStart(4, '0')}`),
      SESSIONS_PER_AGENT,
    );
    const more = await connectAgents(this.backend.url, creds, {
      maxSessions: SESSIONS_PER_AGENT,
      onCommand: (command, at, agentId) => {
        if (command.action === 'start_session') this.received.set(command.session.name, { at, agentId });
      },
    });
    this.agents.push(...more);
  }

  get heartbeatsSent(): number {
    return this.agents.reduce((n, a) => n + a.heartbeatsSent, 0);
  }

  get invalidFrames(): number {
    return this.agents.reduce((n, a) => n + a.invalidFrames, 0);
  }

  /** Launches at a fixed rate and times each from the POST to its command reaching the agent. */
  async launch(count: number, perSecond: number): Promise<LaunchPhase> {
    const users = await Promise.all(this.users.map((u) => u.fresh()));
    return launchPhase(this.backend.pid, users, this.received, count, perSecond);
  }

  async stop(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.close()));
    await this.backend.stop();
  }
}
